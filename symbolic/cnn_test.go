package symbolic_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
	"nabla/symbolic"
)

// TestCNNDAGGrowsLinearly checks that the expression DAG of a convolutional network's cost
// and gradient grows in proportion to the network's multiply-adds, not faster: images of
// 10×10 to 28×28 pixels under the same layers give DAGs whose nodes per multiply-add stay
// within a band (measured: 3.6 to 5.0 nodes per multiply-add of the forward pass, for 14×
// more multiply-adds from the smallest to the largest).
func TestCNNDAGGrowsLinearly(t *testing.T) {
	var perMAC []float64
	for _, side := range []int{10, 16, 28} {
		net := nn.MustParse(fmt.Sprintf("1x%dx%d-conv4@3x3-maxpool2-conv4@3x3-avgpool2-5:relu,tanh,sigmoid", side, side))
		d, err := symbolic.DeriveNetwork(net)
		require.NoError(t, err)
		nodes := symbolic.DAGSize(append([]symbolic.Expr{d.Cost}, d.Grad...)...)
		var macs float64
		for _, l := range net.Layers() {
			macs += l.FLOPs().Forward / 2
		}
		perMAC = append(perMAC, float64(nodes)/macs)
		t.Logf("%s: %d nodes for cost and gradient, %.0f multiply-adds, %.2f nodes each", net, nodes, macs, float64(nodes)/macs)
	}
	for _, r := range perMAC {
		assert.InDelta(t, perMAC[len(perMAC)-1], r, 0.35*perMAC[len(perMAC)-1], "nodes per multiply-add: %v", perMAC)
	}
}

// TestMaxSubgradient checks Max's convention: at a tie the first operand takes the whole
// derivative, as nn.MaxPool's first largest entry and ReLU'(0) = 0.
func TestMaxSubgradient(t *testing.T) {
	b := symbolic.NewBuilder()
	x, y := b.Var("x"), b.Var("y")
	m := b.Max(x, y)
	g := b.Gradient(m, []string{"x", "y"})
	for _, tc := range []struct{ x, y, max, dx, dy float64 }{
		{1, 2, 2, 0, 1}, {2, 1, 2, 1, 0}, {1.5, 1.5, 1.5, 1, 0},
	} {
		env := map[string]float64{"x": tc.x, "y": tc.y}
		v, err := symbolic.Eval(m, env)
		require.NoError(t, err)
		dx, err := symbolic.Eval(g[0], env)
		require.NoError(t, err)
		dy, err := symbolic.Eval(g[1], env)
		require.NoError(t, err)
		assert.Equal(t, []float64{tc.max, tc.dx, tc.dy}, []float64{v, dx, dy}, "x=%v y=%v", tc.x, tc.y)
	}
}
