package verify_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// TestKinkIsNonDifferentiablePoint builds points at which one hidden ReLU pre-activation of
// one training pair is exactly 0, or within the central-difference step of 0, and requires
// the cross-check of all engines to agree with the affected parameters reported as
// non-differentiable points, where the plain comparison cries wolf.
func TestKinkIsNonDifferentiablePoint(t *testing.T) {
	net := nn.MustParse("2-3-2:relu,sigmoid")
	// W1 = [[1, −1], [0.5, 0.2], [−0.3, 0.8]], b1 = (0, 0.1, −0.2), W2, b2 arbitrary.
	A := []float64{1, -1, 0.5, 0.2, -0.3, 0.8, 0, 0.1, -0.2, 0.7, -0.4, 0.3, 0.2, 0.5, -0.6, 0.1, -0.1}
	require.Len(t, A, net.NumParams())
	want := []string{"W1[1,1]", "W1[1,2]", "b1[1]"}
	for _, tc := range []struct {
		name string
		x1   float64 // ŷ₁ of the first pair is x1 − 0.5
	}{
		{"at the kink", 0.5},
		{"within the step", 0.5 + 1e-7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := nn.NewBatch([][]float64{{tc.x1, 0.5}, {0.9, -0.4}, {-0.7, 0.3}}, [][]float64{{0.2, 0.8}, {0.5, 0.1}, {0.9, 0.4}})
			require.NoError(t, err)
			names := gradients.Names()
			results, err := gradients.Run(names, net, A, b)
			require.NoError(t, err)

			// The plain comparison: tolerances alone, without the engines' own crossings and error bounds, without Kinks.
			blind := slices.Clone(results)
			for i := range blind {
				blind[i].Crossed, blind[i].Bound = nil, nil
			}
			plain := gradients.Compare(net, blind)
			rep, err := gradients.CrossCheck(names, net, A, b)
			require.NoError(t, err)
			assert.True(t, rep.Agree, "the cross-check must not fail at a kink: %+v", rep.Disagreeing())
			numericPairs := 0
			for k, p := range rep.Pairs {
				approx := isApprox(t, p.A) || isApprox(t, p.B)
				if !approx {
					continue
				}
				numericPairs++
				// An engine that moved its stencil off the kink (a smaller step, Crossed all
				// false) may miss the plain tolerance by rounding noise alone (its error bound
				// covers that); one whose stencil crossed must name the kink.
				if !plain.Pairs[k].Agree && (crossedAny(results, p.A) || crossedAny(results, p.B)) {
					assert.NotEmpty(t, p.NonDifferentiable, "%s vs %s", p.A, p.B)
					if step(t, p.A) < 1e-2 && step(t, p.B) < 1e-2 {
						// Engines with large steps (Richardson from h = 0.1) reach the kinks of
						// other pairs and units too; small steps only reach the one built here.
						assert.Subset(t, want, p.NonDifferentiable, "%s vs %s", p.A, p.B)
					}
				}
			}
			require.Positive(t, numericPairs, "no finite-difference engine registered")
			assert.False(t, plain.Agree, "without kink detection some pair must disagree here")
		})
	}
}

// crossedAny reports whether engine's result marks any element as crossed by its stencil.
func crossedAny(results []gradients.Result, engine string) bool {
	for _, r := range results {
		if r.Engine == engine && slices.Contains(r.Crossed, true) {
			return true
		}
	}
	return false
}

func step(t *testing.T, name string) float64 {
	info, err := gradients.Lookup(name)
	require.NoError(t, err)
	return info.KinkStep()
}

func isApprox(t *testing.T, name string) bool {
	info, err := gradients.Lookup(name)
	require.NoError(t, err)
	return !info.Exact
}
