package backprop_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/backprop"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestHvConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) { return backprop.New(net) }, gradtest.HvOptions{})
}

// hvCNNs are small smooth CNNs covering the R-pass through every layer kind: a convolution
// with and without a layer below, stride and padding, both poolings, a pooling as the first
// layer, and either cost.
var hvCNNs = []string{
	"1x6x6-conv2@3x3-4:tanh,sigmoid",
	"1x6x6-conv2@3x3-avgpool2-3:tanh,sigmoid",
	"2x6x6-conv3@3x3+p1-maxpool2-3:tanh,identity",
	"1x8x8-conv3@3x3/s2+p1-conv2@2x2-avgpool2-2:sigmoid,tanh,identity",
	"1x4x4-maxpool2-3:sigmoid",
	"1x4x4-avgpool2-conv2@2x2:tanh",
}

// TestHvCNN holds backprop's H·v on CNNs against central differences of its own gradient
// along v, (∇K(A + h·v) − ∇K(A − h·v))/2h with h = 1e-5 (truncation and rounding below 1e-7
// relative on these nets), and checks that it allocates nothing after warm-up.
func TestHvCNN(t *testing.T) {
	for _, arch := range hvCNNs {
		for _, cost := range nn.CostKinds() {
			t.Run(fmt.Sprintf("net=%s/cost=%s", arch, cost), func(t *testing.T) {
				net := nn.MustParse(arch).WithCost(cost)
				A, b := net.Init(nil, 4), net.RandomBatch(3, 4)
				v := gradients.Direction(net.NumParams(), 7, 0)
				e, err := backprop.New(net)
				require.NoError(t, err)
				hv, _, err := e.Hv(nil, A, v, b)
				require.NoError(t, err)
				const h = 1e-5
				ap, am := slices.Clone(A), slices.Clone(A)
				for i := range v {
					ap[i] += h * v[i]
					am[i] -= h * v[i]
				}
				gp, _, err := e.Gradient(nil, ap, b)
				require.NoError(t, err)
				gm, _, err := e.Gradient(nil, am, b)
				require.NoError(t, err)
				for i := range hv {
					ref := (gp[i] - gm[i]) / (2 * h)
					assert.LessOrEqual(t, gradients.RelErr(ref, hv[i]), 1e-7, "%s: differences %v, Hv %v", net.ParamName(i), ref, hv[i])
				}
				allocs := testing.AllocsPerRun(3, func() { _, _, _ = e.Hv(hv, A, v, b) })
				assert.Zero(t, allocs, "allocations per Hv call after warm-up")
			})
		}
	}
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
