package symbolic_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/symbolic"
)

func TestInspectWalksTheTree(t *testing.T) {
	f, err := symbolic.Parse("x*(x^2 - sin(y))")
	require.NoError(t, err)
	var seen []string
	symbolic.Inspect(f, func(e symbolic.Expr) bool {
		if e != nil {
			seen = append(seen, e.String())
		}
		return true
	})
	// x appears twice in the tree (one node in the DAG).
	assert.Equal(t, []string{"x*(x^2 - sin(y))", "x", "x^2 - sin(y)", "x^2", "x", "2", "sin(y)", "y"}, seen)
	assert.Len(t, symbolic.Nodes(f), 7)
	assert.Equal(t, 8.0, symbolic.TreeSize(f))
	assert.Equal(t, 7, symbolic.DAGSize(f))
	assert.Equal(t, []string{"x", "y"}, symbolic.Vars(f))
	// Returning false prunes.
	n := 0
	symbolic.Inspect(f, func(e symbolic.Expr) bool {
		if e != nil {
			n++
		}
		_, isBin := e.(*symbolic.Binary)
		return e == f || !isBin
	})
	assert.Equal(t, 3, n, "root, x and the pruned difference")
}

func TestEqualAndEval(t *testing.T) {
	a, err := symbolic.Parse("exp(-a*x)/2")
	require.NoError(t, err)
	b, err := symbolic.Parse("exp(-(x*a))/2")
	require.NoError(t, err)
	assert.True(t, symbolic.Equal(a, b))
	c, err := symbolic.Parse("exp(-a*x)/3")
	require.NoError(t, err)
	assert.False(t, symbolic.Equal(a, c))
	_, err = symbolic.Eval(a, map[string]float64{"a": 1})
	assert.ErrorIs(t, err, symbolic.ErrUnboundVar)
	v, err := symbolic.Eval(a, map[string]float64{"a": 1, "x": 0})
	require.NoError(t, err)
	assert.InDelta(t, 0.5, v, 1e-15)
}
