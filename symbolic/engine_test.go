package symbolic_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
	"nabla/symbolic"
)

func TestEngineConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return symbolic.New(net) }, gradtest.Options{Tolerance: 1e-7})
}

func TestEngineRejectsHugeNetworks(t *testing.T) {
	net := nn.MustParse("1000-1001-1")
	_, err := symbolic.New(net)
	require.Error(t, err)
	assert.ErrorIs(t, err, gradients.ErrUnsupported)
}

func TestEngineRegistered(t *testing.T) {
	info, err := gradients.Lookup("symbolic")
	require.NoError(t, err)
	assert.True(t, info.Exact)
	assert.Equal(t, 1e-12, info.Tol())
}

// TestEngineChunks checks batches longer than a chunk (DefaultChunk rows per pass): the
// gradient over 300 pairs is the sum of the gradients over its parts, and K matches the
// reference forward pass.
func TestEngineChunks(t *testing.T) {
	net := nn.MustParse("5-7-3:tanh,sigmoid")
	A := net.Init(nil, 2)
	b := net.RandomBatch(300, 2)
	e, err := symbolic.New(net)
	require.NoError(t, err)
	g, k, err := e.Gradient(nil, A, b)
	require.NoError(t, err)
	wantK, err := net.Cost(A, b)
	require.NoError(t, err)
	assert.LessOrEqual(t, gradients.RelErr(wantK, k), 1e-13)
	sum := make([]float64, len(g))
	for _, part := range [][2]int{{0, 1}, {1, 129}, {129, 300}} {
		gp, _, err := e.Gradient(nil, A, b.Slice(part[0], part[1]))
		require.NoError(t, err)
		for i := range sum {
			sum[i] += gp[i]
		}
	}
	for i := range g {
		assert.LessOrEqual(t, gradients.RelErr(sum[i], g[i]), 1e-13, net.ParamName(i))
	}
}
