package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

// TestRefineBound: on a network whose derivatives of K outgrow K (two layers without
// activation, K ≈ 11), ErrorBounds' guess of forward and backward differences' truncation is
// exceeded tenfold by the true error (complex step as the reference), while RefineBound's
// measurement bounds every element's error and stays within 3× the error where truncation
// dominates; for formulas whose truncation was measured already it changes nothing.
func TestRefineBound(t *testing.T) {
	net := nn.MustParse("6-9-15-1:sigmoid,identity,identity")
	A, b := net.Init(nil, 1), net.RandomBatch(50, 1)
	c, err := NewComplex(net, 0)
	require.NoError(t, err)
	ref, _, err := c.Gradient(nil, A, b)
	require.NoError(t, err)
	for _, tc := range []struct {
		s        Settings
		guessLow bool // ErrorBounds' guess is exceeded somewhere
		measured bool // RefineBound measures (else it returns the bound)
	}{
		{Settings{Formula: Forward}, true, true},
		{Settings{Formula: Backward}, true, true},
		{Settings{Formula: Central}, false, true},
		{Settings{Formula: Central5}, false, false},
		{Settings{Richardson: RegisteredRichardson}, false, false},
	} {
		e, err := New(net, &tc.s)
		require.NoError(t, err)
		t.Run(e.Name(), func(t *testing.T) {
			g, _, err := e.Gradient(nil, A, b)
			require.NoError(t, err)
			bound, _ := e.ErrorBounds()
			worst, at := 0.0, 0
			for i := range g {
				if r := math.Abs(g[i]-ref[i]) / bound[i]; r > worst {
					worst, at = r, i
				}
			}
			assert.Equal(t, tc.guessLow, worst > 3, "worst error/guess %.3g at %s", worst, net.ParamName(at))
			// A Partial call in between loads worker 0 afresh: RefineBound reloads the
			// last Gradient call's A.
			_, err = e.Partial(A, net.RandomBatch(3, 2), 0)
			require.NoError(t, err)
			for i := range g {
				rb := e.RefineBound(i, g[i])
				errI := math.Abs(g[i] - ref[i])
				assert.LessOrEqual(t, errI, rb, "%s", net.ParamName(i))
				if !tc.measured {
					assert.Equal(t, bound[i], rb, "%s", net.ParamName(i))
				}
			}
			if tc.guessLow {
				rb := e.RefineBound(at, g[at])
				assert.Less(t, rb, 3*math.Abs(g[at]-ref[at]), "measured bound at %s not within 3× the error", net.ParamName(at))
			}
		})
	}
	plain, err := New(net, &Settings{NoErrorBounds: true})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(plain.RefineBound(0, 0)), "no bounds, nothing to refine")
}
