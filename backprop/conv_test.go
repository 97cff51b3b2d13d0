package backprop_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"nabla/backprop"
	"nabla/gradients"
	"nabla/nn"
)

// TestCNNByHand checks the gradient of a 1×3×3 convolutional network worked out by hand:
// x = [1 2 0; 0 1 3; 2 1 1], kernel [1 −1; 2 0], bias 0.5 give ŷ = [−0.5 4.5; 3.5 0.5]; max
// pooling picks 4.5 at (1, 2); the dense layer 2·4.5 − 1 = 8 against the target 7 gives K = 1
// and ∂K/∂z = 2. So ∂K/∂W = 2·4.5 = 9, ∂K/∂b = 2, δ of the pooled pixel 2·2 = 4, routed to
// (1, 2): ∂K/∂c = 4 and ∂K/∂kernel = 4·[2 0; 1 3], the window under that pixel.
func TestCNNByHand(t *testing.T) {
	net := nn.MustParse("1x3x3-conv1@2x2-maxpool2-1:identity")
	e, err := backprop.New(net)
	require.NoError(t, err)
	b := nn.Batch{X: mat.NewDense(1, 9, []float64{1, 2, 0, 0, 1, 3, 2, 1, 1}), Z: mat.NewDense(1, 1, []float64{7})}
	g, k, err := e.Gradient(nil, []float64{1, -1, 2, 0, 0.5, 2, -1}, b)
	require.NoError(t, err)
	assert.Equal(t, 1.0, k)
	assert.Equal(t, []float64{8, 0, 4, 12, 4, 9, 2}, g)
}

// TestCNNAgainstDifferences checks the engine on convolutional networks (stride, padding,
// both poolings, several channels, every activation) against central differences of the
// reference forward pass.
func TestCNNAgainstDifferences(t *testing.T) {
	for _, arch := range []string{
		"1x6x6-conv2@3x3-maxpool2-3:relu,sigmoid",
		"2x7x7-conv3@3x3/s2+p1-4:tanh,identity",
		"2x8x8-conv3@3x3-conv2@2x2-avgpool2/s1-3:tanh,sigmoid,tanh",
		"3x5x5-conv2@2x2+p1-maxpool3/s2-avgpool2-2:sigmoid,identity",
	} {
		t.Run(arch, func(t *testing.T) {
			net := nn.MustParse(arch)
			A := net.Init(nil, 3)
			b := net.RandomBatch(3, 4)
			e, err := backprop.New(net)
			require.NoError(t, err)
			g, k, err := e.Gradient(nil, A, b)
			require.NoError(t, err)
			ref, err := net.Cost(A, b)
			require.NoError(t, err)
			assert.InDelta(t, ref, k, 1e-12*ref)
			num := fd.Gradient(nil, func(a []float64) float64 { v, _ := net.Cost(a, b); return v }, A, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			for i := range g {
				assert.LessOrEqual(t, gradients.RelErr(num[i], g[i]), 1e-6, "%s: central %v, backprop %v", net.ParamName(i), num[i], g[i])
			}
			assert.Zero(t, testing.AllocsPerRun(5, func() { _, _, _ = e.Gradient(g, A, b) }))
		})
	}
}
