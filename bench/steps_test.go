package bench

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
	"nabla/numeric"
)

// smoothCases are random sigmoid and tanh networks with bounded outputs (so that K, and with
// it the rounding error of a difference quotient, stays of order batch × outputs).
func smoothCases() []gradtest.Case {
	var cs []gradtest.Case
	for _, arch := range []string{"3-5-2", "4-6-3:tanh,sigmoid", "2-8-1:sigmoid,tanh", "3-5-4-2:tanh,tanh,sigmoid", "16-12-10", "5-7-6-4-3:tanh,sigmoid,tanh,sigmoid"} {
		for _, bs := range []int{1, 16} {
			for _, seed := range []uint64{1, 2} {
				cs = append(cs, gradtest.RandomCase(arch, bs, seed))
			}
		}
	}
	return cs
}

// TestPrecisionAgainstBackprop holds the complex step (h = 1e-20), Richardson extrapolation
// and the five-point formula against backprop on random sigmoid/tanh networks.
func TestPrecisionAgainstBackprop(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(net *nn.Network) (gradients.Engine, error)
		tol  float64
	}{
		{"complex h=1e-20", func(net *nn.Network) (gradients.Engine, error) { return numeric.NewComplex(net, 1e-20) }, 1e-13},
		{"numeric-richardson", func(net *nn.Network) (gradients.Engine, error) { return gradients.New("numeric-richardson", net) }, 1e-10},
		{"numeric-central5", func(net *nn.Network) (gradients.Engine, error) { return gradients.New("numeric-central5", net) }, 1e-10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var worst float64
			for _, c := range smoothCases() {
				want, _, err := gradients.Grad("backprop", c.Net, c.A, c.B)
				require.NoError(t, err)
				e, err := tc.make(c.Net)
				require.NoError(t, err)
				got, _, err := e.Gradient(nil, c.A, c.B)
				require.NoError(t, err)
				for i := range want {
					re := gradients.RelErr(want[i], got[i])
					worst = max(worst, re)
					if re > tc.tol {
						t.Errorf("%s batch %d: %s: backprop %v, %s %v (rel err %.2g)", c.Net, c.B.Len(), c.Net.ParamName(i), want[i], tc.name, got[i], re)
					}
				}
			}
			t.Logf("worst relative error against backprop: %.2g", worst)
		})
	}
}

// TestFloat32RandomValues shows the lecture notes' "random values": forward differences with
// the cost in float32 at the naive step h = 1e-4 miss ∂K/∂Aⱼ by more than 1% on some
// parameters of the notes' 784-30-10 network (a sample of its 23860 parameters).
func TestFloat32RandomValues(t *testing.T) {
	net := nn.MustParse("784-30-10")
	A := net.Init(nil, 1)
	b := net.RandomBatch(10, 1)
	want, _, err := gradients.Grad("backprop", net, A, b)
	require.NoError(t, err)
	f32, err := numeric.New(net, &numeric.Settings{Formula: numeric.Forward, Step: 1e-4, Precision: numeric.Float32})
	require.NoError(t, err)
	f64, err := numeric.New(net, &numeric.Settings{Formula: numeric.Forward, Step: 1e-4})
	require.NoError(t, err)
	var worst32, worst64 float64
	var worstName string
	for j := 0; j < net.NumParams(); j += 499 { // 48 parameters across every block
		d32, err := f32.Partial(A, b, j)
		require.NoError(t, err)
		d64, err := f64.Partial(A, b, j)
		require.NoError(t, err)
		if re := gradients.RelErr(want[j], d32); re > worst32 {
			worst32, worstName = re, fmt.Sprintf("%s: exact %.6g, float32 forward %.6g", net.ParamName(j), want[j], d32)
		}
		worst64 = max(worst64, gradients.RelErr(want[j], d64))
	}
	t.Logf("float32 worst %.2g (%s); float64 worst %.2g", worst32, worstName, worst64)
	assert.Greater(t, worst32, 1e-2, "float32 forward differences at h = 1e-4")
	assert.Less(t, worst64, 1e-3, "the same step in float64 is fine: the noise is float32's")
}

// TestStepsOptimalVersusTheory runs the sweep and holds the measured optimal steps of the
// forward, backward, central and five-point formulas, in float64 and float32, to within a
// factor 100 of ε^(1/(p+1)), and within a factor 10 of the balance with the network's scales.
func TestStepsOptimalVersusTheory(t *testing.T) {
	for _, net := range []string{"4-8-3", "3-6-2:tanh,sigmoid"} {
		t.Run(net, func(t *testing.T) {
			s, err := Steps(StepOptions{Net: net, Batch: 8, Seed: 1, Sample: 8, MinComplexStep: 1e-40})
			require.NoError(t, err)
			require.Len(t, s.Curves, 11)
			for _, c := range s.Curves {
				if c.Theory == 0 {
					continue
				}
				eps := numeric.Float64.Epsilon()
				if c.Precision == "float32" {
					eps = numeric.Float32.Epsilon()
				}
				assert.InEpsilon(t, math.Pow(eps, 1/float64(c.Order+1)), c.Theory, 1e-12)
				assert.True(t, c.Ratio >= 0.01 && c.Ratio <= 100, "%s %s: measured optimum %.2g, theory %.2g", c.Method, c.Precision, c.Best, c.Theory)
				// With the network's own scales the balance predicts the optimum much closer
				// (×0.2 to ×2.2 measured on 4-8-3, 3-6-2, 16-12-10 and 784-30-10). Below it the
				// curve is rounding noise: float64 forward differences on 4-8-3 have medians
				// within ×2.5 of each other from h = 1.8e-8 to 1.8e-7, and the last bits of the
				// sigmoid decide which wins (×0.12 on math.Exp, ×0.07 on internal/vmath).
				assert.True(t, c.ScaledRatio >= 0.05 && c.ScaledRatio <= 10, "%s %s: measured optimum %.2g, scaled theory %.2g", c.Method, c.Precision, c.Best, c.Scaled)
				t.Logf("%-9s %s: theory %.2g, scaled %.2g, measured %.2g (×%.1f, ×%.2f), error %.2g", c.Method, c.Precision, c.Theory, c.Scaled, c.Best, c.Ratio, c.ScaledRatio, c.BestErr)
			}
		})
	}
}

func TestStepsSweep(t *testing.T) {
	s, err := Steps(StepOptions{Net: "3-4-2", Batch: 4, Param: "W1[2,3]", Sample: 6, PerDecade: 2})
	require.NoError(t, err)
	net := nn.MustParse("3-4-2")
	want, k, err := gradients.Grad("backprop", net, net.Init(nil, 0), net.RandomBatch(4, 0))
	require.NoError(t, err)
	assert.Equal(t, "W1[2,3]", s.Param)
	assert.Equal(t, 5, s.Index)
	assert.Equal(t, want[5], s.Exact)
	assert.Equal(t, k, s.K)
	assert.Len(t, s.Sample, 6)
	assert.Equal(t, "W1[2,3]", s.Sample[0])
	assert.LessOrEqual(t, s.ComplexCheck, 1e-13)
	for _, c := range s.Curves {
		lo := c.Points[len(c.Points)-1].H
		if c.Method == "complex" {
			assert.InEpsilon(t, 1e-200, lo, 1e-9)
			assert.Zero(t, c.FirstFlip, "the complex step never flips a sign")
		} else {
			assert.Len(t, c.Points, 31, "%s: 1e-1 to 1e-16 at 2 a decade", c.Method)
			assert.InEpsilon(t, MinStep, lo, 1e-9)
			assert.Positive(t, c.FirstFlip, "%s %s: below the optimum signs flip", c.Method, c.Precision)
			assert.Less(t, c.FirstFlip, c.Best)
		}
		assert.InEpsilon(t, MaxStep, c.Points[0].H, 1e-12)
		for _, p := range c.Points {
			assert.GreaterOrEqual(t, p.Max, p.Median)
			assert.InDelta(t, math.Abs(p.Value-s.Exact)/math.Abs(s.Exact), p.RelErr, 1e-12)
		}
	}
	central := s.Curve("central", "float64")
	require.NotNil(t, central)
	assert.Less(t, central.BestErr, 1e-8)
	assert.Nil(t, s.Curve("complex", "float32"))

	// Default parameter: the largest |∂K/∂Aⱼ|.
	d, err := Steps(StepOptions{Net: "3-4-2", Batch: 4, Sample: 2, PerDecade: 1, MinComplexStep: 1e-16})
	require.NoError(t, err)
	var big int
	for j := range want {
		if math.Abs(want[j]) > math.Abs(want[big]) {
			big = j
		}
	}
	assert.Equal(t, net.ParamName(big), d.Param)

	for _, bad := range []StepOptions{
		{Net: "3-x-2"},
		{Net: "3-4-2", Param: "W3[1,1]"},
		{Net: "3-4-2", Exact: "no-such-engine"},
		{Net: "3-4-2", Batch: -1},
		{Net: "3-4-2", Sample: -2},
		{Net: "3-4-2", MinComplexStep: 1e-3},
	} {
		_, err := Steps(bad)
		assert.Error(t, err, "%+v", bad)
	}
}

// TestCompareNumericEngines: every numeric engine agrees with backprop and with each other
// within their error bounds (what nabla compare checks) on a sigmoid network.
func TestCompareNumericEngines(t *testing.T) {
	names := []string{"backprop", "numeric-forward", "numeric-backward", "numeric-central", "numeric-central5", "numeric-richardson", "numeric-complex"}
	for _, arch := range []string{"3-5-4-2", "4-8-3:tanh,sigmoid"} {
		net := nn.MustParse(arch)
		rep, err := gradients.CrossCheck(names, net, net.Init(nil, 1), net.RandomBatch(16, 1))
		require.NoError(t, err)
		assert.True(t, rep.Agree, "%s: %v", arch, rep.Disagreeing())
		assert.Len(t, rep.Pairs, len(names)*(len(names)-1)/2)
	}
}

// TestRegisteredTolerances holds every numeric engine to its registered tolerance against
// backprop on every gradtest architecture, with parameters drawn as nabla compare draws them
// (no distance from ReLU kinks is guaranteed).
func TestRegisteredTolerances(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[2:]
	}
	for _, name := range []string{"numeric-forward", "numeric-backward", "numeric-central", "numeric-central5", "numeric-richardson", "numeric-complex"} {
		t.Run(name, func(t *testing.T) {
			info, err := gradients.Lookup(name)
			require.NoError(t, err)
			var worst float64
			for _, arch := range gradtest.Architectures {
				net := nn.MustParse(arch)
				for _, bs := range []int{1, 64} {
					for _, seed := range seeds {
						A, b := net.Init(nil, seed), net.RandomBatch(bs, seed)
						want, _, err := gradients.Grad("backprop", net, A, b)
						require.NoError(t, err)
						got, _, err := gradients.Grad(name, net, A, b)
						require.NoError(t, err)
						for i := range want {
							worst = max(worst, gradients.RelErr(want[i], got[i]))
						}
					}
				}
			}
			t.Logf("worst relative error %.2g, tolerance %.0g", worst, info.Tol())
			assert.LessOrEqual(t, worst, info.Tol())
		})
	}
}
