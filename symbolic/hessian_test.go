package symbolic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
	"nabla/symbolic"
)

func TestHvConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) { return symbolic.New(net) }, gradtest.HvOptions{})
}

func TestTangent(t *testing.T) {
	b := symbolic.NewBuilder()
	f, err := b.Parse("x*(x^2 - sin(y))")
	require.NoError(t, err)
	grad := b.Gradient(f, []string{"x", "y"})
	hv := b.Tangent(grad, map[string]symbolic.Expr{"x": b.Var("u"), "y": b.Var("w")})
	// H = [6x, −cos y; −cos y, x sin y]; H·(u, w) at x = 2, y = 0.5, u = 1, w = −3.
	env := map[string]float64{"x": 2, "y": 0.5, "u": 1, "w": -3}
	for i, want := range []float64{6*2*1 + 3*cos(0.5), -cos(0.5)*1 - 3*2*sin(0.5)} {
		got, err := symbolic.Eval(hv[i], env)
		require.NoError(t, err)
		assert.InDelta(t, want, got, 1e-12, "(H·v)[%d]", i)
	}
}

func TestHvNodeGrowth(t *testing.T) {
	for _, arch := range []string{"2-3-1", "4-6-3:tanh,sigmoid"} {
		d, err := symbolic.DeriveNetworkHv(nn.MustParse(arch))
		require.NoError(t, err)
		assert.Less(t, d.CostNodes, d.GradNodes, arch)
		assert.Less(t, d.GradNodes, d.HvNodes, arch)
		assert.Len(t, d.Hv, nn.MustParse(arch).NumParams())
	}
}

// The first-order and second-order DAGs of the notes' smallest network.
func ExampleDeriveNetworkHv() {
	d, _ := symbolic.DeriveNetworkHv(nn.MustParse("2-3-1"))
	fmt.Println("K:", d.CostNodes, "nodes; K and ∇K:", d.GradNodes, "nodes; K, ∇K and H·v:", d.HvNodes, "nodes")
	fmt.Println(d.Dirs[0])
	// Output:
	// K: 41 nodes; K and ∇K: 67 nodes; K, ∇K and H·v: 157 nodes
	// v·W1[1,1]
}

func cos(x float64) float64 { return math.Cos(x) }
func sin(x float64) float64 { return math.Sin(x) }
