package autodiff_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestReverseConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewReverse(net) }, gradtest.Options{Tolerance: 1e-7})
}

func TestForwardConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewForward(net) }, gradtest.Options{Tolerance: 1e-7})
}

// TestStridedBatch checks batches whose rows are not adjacent in memory (column views of a
// wider matrix): they give the same K and ∇K as contiguous copies.
func TestStridedBatch(t *testing.T) {
	net := nn.MustParse("3-5-2:tanh,sigmoid")
	A := net.Init(nil, 2)
	wideX := mat.NewDense(6, 5, nil)
	wideZ := mat.NewDense(6, 4, nil)
	rng := nn.NewRand(3)
	for i := range 6 {
		for j := range 5 {
			wideX.Set(i, j, rng.Float64())
		}
		for j := range 4 {
			wideZ.Set(i, j, rng.Float64())
		}
	}
	strided := nn.Batch{X: wideX.Slice(0, 6, 1, 4).(*mat.Dense), Z: wideZ.Slice(0, 6, 2, 4).(*mat.Dense)}
	packed := nn.Batch{X: mat.DenseCopyOf(strided.X), Z: mat.DenseCopyOf(strided.Z)}
	for _, name := range []string{"autodiff-reverse", "autodiff-forward"} {
		t.Run(name, func(t *testing.T) {
			e, err := gradients.New(name, net)
			require.NoError(t, err)
			g1, k1, err := e.Gradient(nil, A, strided)
			require.NoError(t, err)
			g2, k2, err := e.Gradient(nil, A, packed)
			require.NoError(t, err)
			assert.InDelta(t, k2, k1, 1e-14)
			assert.InDeltaSlice(t, g2, g1, 1e-14)
		})
	}
}

func TestForwardCostEvaluations(t *testing.T) {
	net := nn.MustParse("784-100-10")
	e, err := autodiff.NewForward(net)
	require.NoError(t, err)
	assert.Equal(t, 79511, e.CostEvaluations())
}
