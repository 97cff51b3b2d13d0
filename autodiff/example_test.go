package autodiff_test

import (
	"fmt"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/nn"
)

// The lecture notes' f(x, y) = (x² − sin y)·x, differentiated by reverse mode. The true
// ∂f/∂x is 3x² − sin y (the notes print 2x − sin y).
func ExampleGrad() {
	f := func(t *autodiff.Tape, v *autodiff.Tensor) *autodiff.Tensor {
		x, y := t.At(v, 0, 0), t.At(v, 1, 0)
		return t.Mul(t.Sub(t.Square(x), t.Sin(y)), x)
	}
	g, fx := autodiff.Grad(nil, f, []float64{2, 0.5})
	fmt.Printf("f = %.6f\n∂f/∂x = %.6f\n∂f/∂y = %.6f\n", fx, g[0], g[1])
	_, d := autodiff.JVP(f, []float64{2, 0.5}, []float64{1, 1})
	fmt.Printf("∇f·(1,1) = %.6f (forward mode)\n", d)
	// Output:
	// f = 7.041149
	// ∂f/∂x = 11.520574
	// ∂f/∂y = -1.755165
	// ∇f·(1,1) = 9.765409 (forward mode)
}

// Rosenbrock's function written with whole-vector operations; its gradient vanishes at the
// minimum (1, 1, 1).
func ExampleGrad_rosenbrock() {
	f := func(t *autodiff.Tape, x *autodiff.Tensor) *autodiff.Tensor {
		n, _ := x.Shape()
		head, tail := t.Slice(x, 0, n-1), t.Slice(x, 1, n)
		a := t.Scale(100, t.Square(t.Sub(tail, t.Square(head))))
		return t.Add(t.Sum(a), t.Sum(t.Square(t.Sub(t.Scalar(1), head))))
	}
	for _, x := range [][]float64{{-1.2, 1, 1}, {1, 1, 1}} {
		g, fx := autodiff.Grad(nil, f, x)
		fmt.Printf("f%v = %.4f, ∇f = [%.4f %.4f %.4f]\n", x, fx, g[0], g[1], g[2])
	}
	// Output:
	// f[-1.2 1 1] = 24.2000, ∇f = [-215.6000 -88.0000 0.0000]
	// f[1 1 1] = 0.0000, ∇f = [0.0000 0.0000 0.0000]
}

// A tape by hand: a dense layer's output, its sum, and the adjoints of the weights.
func ExampleTape() {
	var t autodiff.Tape
	x := t.Const(2, 3, []float64{1, 2, 3, 4, 5, 6}) // two examples, one per row
	w := t.Var(1, 3, []float64{0.1, -0.2, 0.3})     // one output unit
	b := t.Var(1, 1, []float64{0.5})
	y := t.Sum(t.Tanh(t.Add(t.MatMulT(x, w), b)))
	t.Backward(y)
	fmt.Printf("y = %.6f\n∂y/∂w = %.6f\n∂y/∂b = %.6f\n", y.Scalar(), w.Grad(), b.Grad())
	// Output:
	// y = 1.735908
	// ∂y/∂w = [0.859241 1.343452 1.827663]
	// ∂y/∂b = [0.484211]
}

// The notes' cost K = ‖ẑ − z̄‖² for one training pair as one tape operation: its value and the
// adjoint 2(ẑ − z̄), the same as Sum(Square(Sub(ẑ, z̄))) recorded as three operations.
func ExampleTape_SquaredDistance() {
	var t autodiff.Tape
	z := t.Var(1, 3, []float64{1, 2, 3})          // the network's output ẑ
	zbar := t.Const(1, 3, []float64{0.5, 2.5, 1}) // the target z̄
	k := t.SquaredDistance(z, zbar)
	t.Backward(k)
	fmt.Printf("K = %g, ∂K/∂ẑ = %g\n", k.Scalar(), z.Grad())

	var u autodiff.Tape
	z3 := u.Var(1, 3, []float64{1, 2, 3})
	k3 := u.Sum(u.Square(u.Sub(z3, u.Const(1, 3, []float64{0.5, 2.5, 1}))))
	u.Backward(k3)
	fmt.Printf("K = %g, ∂K/∂ẑ = %g (three operations)\n", k3.Scalar(), z3.Grad())
	// Output:
	// K = 4.5, ∂K/∂ẑ = [1 -1 4]
	// K = 4.5, ∂K/∂ẑ = [1 -1 4] (three operations)
}

// The registered engines, prepared for a network and asked for ∇K; the forward engine also
// gives ∇K·v in one pass.
func ExampleReverse() {
	net := nn.MustParse("3-4-2:tanh,sigmoid")
	A := net.Init(nil, 1)
	batch := net.RandomBatch(8, 1)
	rev, err := gradients.New("autodiff-reverse", net)
	if err != nil {
		fmt.Println(err)
		return
	}
	g, k, err := rev.Gradient(nil, A, batch)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("K = %.6f, ∂K/∂%s = %.6f, ∂K/∂%s = %.6f\n", k, net.ParamName(0), g[0], net.ParamName(21), g[21])
	fwd, _ := autodiff.NewForward(net)
	_, dk, _ := fwd.Directional(A, A, batch) // the direction A itself
	var dot float64
	for i := range g {
		dot += g[i] * A[i]
	}
	fmt.Printf("∇K·A: forward %.6f, reverse %.6f\n", dk, dot)
	// Output:
	// K = 1.630362, ∂K/∂W1[1,1] = -0.213003, ∂K/∂W2[2,2] = 0.539279
	// ∇K·A: forward 0.584509, reverse 0.584509
}

// Linear is a dense layer's pre-activations x·wᵀ + b in one operation, the same value and
// adjoints as Add(MatMulT(x, w), b) in ExampleTape.
func ExampleTape_Linear() {
	var t autodiff.Tape
	x := t.Const(2, 3, []float64{1, 2, 3, 4, 5, 6})
	w := t.Var(1, 3, []float64{0.1, -0.2, 0.3})
	b := t.Var(1, 1, []float64{0.5})
	y := t.Sum(t.Tanh(t.Linear(x, w, b)))
	t.Backward(y)
	fmt.Printf("y = %.6f\n∂y/∂w = %.6f\n∂y/∂b = %.6f\n", y.Scalar(), w.Grad(), b.Grad())
	// Output:
	// y = 1.735908
	// ∂y/∂w = [0.859241 1.343452 1.827663]
	// ∂y/∂b = [0.484211]
}
