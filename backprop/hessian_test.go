package backprop_test

import (
	"fmt"
	"testing"

	"nabla/backprop"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestHvConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) { return backprop.New(net) }, gradtest.HvOptions{})
}

// One neuron without activation, z = w·x + c, on the pairs (x, z̄) = (2, 1) and (−1, 0):
// K = Σ (w·x + c − z̄)² has the Hessian 2·Σ [x² x; x 1] = [10 2; 2 4].
func ExampleEngine_Hv() {
	net := nn.MustParse("1-1:identity")
	e, _ := backprop.New(net)
	b, _ := nn.NewBatch([][]float64{{2}, {-1}}, [][]float64{{1}, {0}})
	hv, k, _ := e.Hv(nil, []float64{3, -1}, []float64{1, -1}, b)
	fmt.Println(k, hv)
	// Output: 32 [8 -2]
}
