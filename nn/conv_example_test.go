package nn_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

// A convolutional network from its architecture string: the layers, their blocks in A and
// the reference forward pass on a 1×3×3 image.
func ExampleParse_cnn() {
	net := nn.MustParse("1x3x3-conv1@2x2-maxpool2-1:identity")
	for l, layer := range net.Layers() {
		fmt.Println(l+1, layer)
	}
	for _, b := range net.Blocks() {
		fmt.Println(b.Name, b.Dims)
	}
	A := []float64{1, -1, 2, 0, 0.5, 2, -1} // K1 = [1 −1; 2 0], c1 = 0.5, W3 = 2, b3 = −1
	x := mat.NewDense(1, 9, []float64{1, 2, 0, 0, 1, 3, 2, 1, 1})
	z := nn.NewEvaluator(net).Forward(A, x)
	fmt.Println(net.ParamName(3), z.Data[0])
	// Output:
	// 1 conv 1×3×3→1×2×2 2x2/s1+p0 identity
	// 2 maxpool 1×2×2→1 2x2/s2
	// 3 dense 1→1 identity
	// K1 [1 1 2 2]
	// c1 [1]
	// W3 [1 1]
	// b3 [1]
	// K1[1,1,2,2] 8
}
