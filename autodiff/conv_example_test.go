package autodiff_test

import (
	"fmt"

	"nabla/autodiff"
)

// Conv2D and MaxPool on a 1×3×3 image: the adjoint of the kernel is the window under the
// pooled maximum.
func ExampleTape_Conv2D() {
	var t autodiff.Tape
	x := t.Const(1, 9, []float64{1, 2, 0, 0, 1, 3, 2, 1, 1})
	k := t.Var(1, 4, []float64{1, -1, 2, 0})
	c := t.Conv2D(x, k, autodiff.Conv{C: 1, H: 3, W: 3, F: 1, K: 2, Stride: 1})
	m := t.MaxPool(c, autodiff.Pool{C: 1, H: 2, W: 2, P: 2, Stride: 2})
	t.Backward(t.Sum(m))
	fmt.Println(c.Value(), m.Value(), k.Grad())
	// Output: [-1 4 3 0] [4] [2 0 1 3]
}

// Conv2DBias is Conv2D with a bias per filter in one operation: the bias's adjoint is the sum
// of the output's adjoint over the filter's pixels.
func ExampleTape_Conv2DBias() {
	var t autodiff.Tape
	x := t.Const(1, 9, []float64{1, 2, 0, 0, 1, 3, 2, 1, 1})
	k := t.Var(1, 4, []float64{1, -1, 2, 0})
	b := t.Var(1, 1, []float64{0.5})
	c := t.Conv2DBias(x, k, b, autodiff.Conv{C: 1, H: 3, W: 3, F: 1, K: 2, Stride: 1})
	t.Backward(t.Sum(t.ReLU(c)))
	fmt.Println(c.Value(), k.Grad(), b.Grad())
	// Output: [-0.5 4.5 3.5 0.5] [3 4 4 5] [3]
}
