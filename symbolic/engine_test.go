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
