package gradients_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	_ "nabla/backprop"
	"nabla/gradients"
	"nabla/nn"
)

// The full Hessian of a 1-1 network by two Hessian-vector products, its symmetry error and
// its eigenvalues.
func ExampleHessian() {
	net := nn.MustParse("1-1:identity")
	b, _ := nn.NewBatch([][]float64{{2}, {-1}}, [][]float64{{1}, {0}})
	e, _ := gradients.NewHv("backprop", net)
	h, _, _ := gradients.Hessian(nil, e, net, []float64{3, -1}, b)
	fmt.Println(mat.Formatted(h))
	fmt.Println("symmetry error", gradients.SymmetryError(h))
	var eig mat.EigenSym
	eig.Factorize(gradients.Symmetrize(h), false)
	fmt.Printf("eigenvalues %.4f\n", eig.Values(nil))
	// Output:
	// ⎡10   2⎤
	// ⎣ 2   4⎦
	// symmetry error 0
	// eigenvalues [3.3944 10.6056]
}
