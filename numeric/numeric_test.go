package numeric

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *Settings
		opts gradtest.Options
	}{
		{"zero-settings", nil, gradtest.Options{Tolerance: CentralTolerance, Approximate: true}},
		{"forward", &Settings{Formula: Forward}, gradtest.Options{Tolerance: ForwardTolerance, Approximate: true}},
		{"backward", &Settings{Formula: Backward}, gradtest.Options{Tolerance: ForwardTolerance, Approximate: true}},
		{"central", &Settings{Formula: Central}, gradtest.Options{Tolerance: CentralTolerance, Approximate: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return New(net, tc.s) }, tc.opts)
		})
	}
	// The wide stencils of the five-point formula (±2e-3) and of Richardson extrapolation
	// (±0.1) reach across ReLU kinks that gradtest keeps only 1e-3 away; the engine's kink
	// retries make them pass on ReLU networks too.
	for _, tc := range []struct {
		name string
		s    *Settings
		tol  float64
	}{
		{"central5", &Settings{Formula: Central5}, Central5Tolerance},
		{"richardson", &Settings{Richardson: RegisteredRichardson}, RichardsonTolerance},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return New(net, tc.s) }, gradtest.Options{Tolerance: tc.tol, Approximate: true})
		})
	}
	t.Run("complex", func(t *testing.T) {
		gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return NewComplex(net, 0) }, gradtest.Options{Tolerance: ComplexTolerance, Approximate: true})
	})
}

func TestRegistered(t *testing.T) {
	for _, tc := range []struct {
		name string
		tol  float64
	}{
		{"numeric-forward", ForwardTolerance},
		{"numeric-backward", ForwardTolerance},
		{"numeric-central", CentralTolerance},
		{"numeric-central5", Central5Tolerance},
		{"numeric-richardson", RichardsonTolerance},
		{"numeric-complex", ComplexTolerance},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := gradients.Lookup(tc.name)
			require.NoError(t, err)
			assert.False(t, info.Exact)
			assert.Equal(t, tc.tol, info.Tolerance)
			e, err := gradients.New(tc.name, nn.MustParse("3-4-2"))
			require.NoError(t, err)
			assert.Equal(t, tc.name, e.Name())
		})
	}
}

// exact is ∇K by the complex step at h = 1e-20, exact to rounding (bench/steps_test.go holds
// it against backprop): the yardstick of the measurements below, since numeric may not import
// an exact engine.
func exact(t *testing.T, c gradtest.Case) []float64 {
	e, err := NewComplex(c.Net, 1e-20)
	require.NoError(t, err)
	g, _, err := e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	return g
}

func maxRelErr(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = max(m, gradients.RelErr(a[i], b[i]))
	}
	return m
}

// TestTolerances measures the registered engines against the five-point yardstick on every
// gradtest architecture without ReLU (whose kinks the wide five-point stencil may cross),
// batch sizes 1 to 64, and holds the worst error to the registered tolerance.
func TestTolerances(t *testing.T) {
	for _, tc := range []struct {
		s   Settings
		tol float64
	}{
		{Settings{Formula: Forward}, ForwardTolerance},
		{Settings{Formula: Backward}, ForwardTolerance},
		{Settings{Formula: Central}, CentralTolerance},
		{Settings{Formula: Central5}, Central5Tolerance},
		{Settings{Richardson: RegisteredRichardson}, RichardsonTolerance},
	} {
		name := FormulaName(tc.s.Formula)
		if tc.s.Richardson > 1 {
			name = "richardson"
		}
		t.Run(name, func(t *testing.T) {
			var worst float64
			for _, arch := range gradtest.Architectures {
				net := nn.MustParse(arch)
				if hasReLU(net) {
					continue
				}
				for _, bs := range []int{1, 64} {
					c := gradtest.RandomCase(arch, bs, 2)
					e, err := New(c.Net, &tc.s)
					require.NoError(t, err)
					g, _, err := e.Gradient(nil, c.A, c.B)
					require.NoError(t, err)
					worst = max(worst, maxRelErr(exact(t, c), g))
				}
			}
			t.Logf("worst relative error %.2g (tolerance %.0g)", worst, tc.tol)
			assert.LessOrEqual(t, worst, tc.tol)
			assert.Greater(t, worst, tc.tol/1e3, "tolerance far looser than measured")
		})
	}
}

func hasReLU(net *nn.Network) bool { return !net.Smooth() }

func TestCostEvaluations(t *testing.T) {
	c := gradtest.RandomCase("4-6-3:tanh,sigmoid", 5, 1)
	n := c.Net.NumParams()
	for _, tc := range []struct {
		f    fd.Formula
		want int
	}{
		// Each also measures the noise of K for its error bounds.
		{Forward, n + 1 + NoiseEvaluations},
		{Backward, n + 1 + NoiseEvaluations},
		{Central, 2*n + 1 + NoiseEvaluations},
		{Central5, 4*n + 1 + NoiseEvaluations},
	} {
		t.Run(FormulaName(tc.f), func(t *testing.T) {
			e, err := New(c.Net, &Settings{Formula: tc.f})
			require.NoError(t, err)
			assert.Equal(t, tc.want, e.CostEvaluations())
			before := evalCalls(e)
			_, _, err = e.Gradient(nil, c.A, c.B)
			require.NoError(t, err)
			assert.Equal(t, tc.want, evalCalls(e)-before, "evaluations counted during Gradient")
		})
	}
}

// TestOrder checks the formulas' convergence orders: shrinking h tenfold (in the range where
// truncation dominates) shrinks the error about 10^order times.
func TestOrder(t *testing.T) {
	c := gradtest.RandomCase("3-4-2:tanh,sigmoid", 3, 4)
	ref := exact(t, c)
	for _, tc := range []struct {
		f     fd.Formula
		order int
		h     float64
	}{
		{Forward, 1, 1e-3},
		{Backward, 1, 1e-3},
		{Central, 2, 1e-2},
		{Central5, 4, 1e-1},
	} {
		t.Run(FormulaName(tc.f), func(t *testing.T) {
			assert.Equal(t, tc.order, Order(tc.f))
			errAt := func(h float64) float64 {
				e, err := New(c.Net, &Settings{Formula: tc.f, Step: h})
				require.NoError(t, err)
				d, err := e.Partial(c.A, c.B, 5)
				require.NoError(t, err)
				return math.Abs(d - ref[5])
			}
			ratio := errAt(tc.h) / errAt(tc.h/10)
			assert.InEpsilon(t, math.Pow(10, float64(tc.order)), ratio, 0.3, "error ratio for h/10")
		})
	}
}

func TestSettings(t *testing.T) {
	net := nn.MustParse("2-3-1")
	for _, tc := range []struct {
		name     string
		s        *Settings
		wantName string
		wantStep float64
		wantErr  bool
	}{
		{"nil", nil, "numeric-central", Central.Step, false},
		{"zero", &Settings{}, "numeric-central", Central.Step, false},
		{"forward default step", &Settings{Formula: Forward}, "numeric-forward", Forward.Step, false},
		{"explicit step", &Settings{Formula: Backward, Step: 1e-5}, "numeric-backward", 1e-5, false},
		{"five-point", &Settings{Formula: Central5}, "numeric-central5", Central5.Step, false},
		{"custom formula", &Settings{Formula: fd.Formula{Stencil: []fd.Point{{Loc: 0, Coeff: -1.5}, {Loc: 1, Coeff: 2}, {Loc: 2, Coeff: -0.5}}, Derivative: 1, Step: 1e-6}}, "numeric", 1e-6, false},
		{"not a first derivative", &Settings{Formula: fd.Formula{Stencil: []fd.Point{{Loc: 0, Coeff: -1}, {Loc: 2, Coeff: 0.5}, {Loc: -1, Coeff: 0.5}}, Derivative: 1, Step: 1e-6}}, "", 0, true},
		{"second derivative", &Settings{Formula: fd.Central2nd}, "", 0, true},
		{"weights not summing to 0", &Settings{Formula: fd.Formula{Stencil: []fd.Point{{Loc: 1, Coeff: 1}}, Derivative: 1, Step: 1e-6}}, "", 0, true},
		{"repeated location", &Settings{Formula: fd.Formula{Stencil: []fd.Point{{Loc: 1, Coeff: 1}, {Loc: 1, Coeff: -1}}, Derivative: 1, Step: 1e-6}}, "", 0, true},
		{"NaN location", &Settings{Formula: fd.Formula{Stencil: []fd.Point{{Loc: math.NaN(), Coeff: 1}, {Loc: 0, Coeff: -1}}, Derivative: 1, Step: 1e-6}}, "", 0, true},
		{"negative step", &Settings{Formula: Forward, Step: -1e-6}, "", 0, true},
		{"infinite step", &Settings{Formula: Forward, Step: math.Inf(1)}, "", 0, true},
		{"no default step", &Settings{Formula: fd.Formula{Stencil: Central.Stencil, Derivative: 1}}, "", 0, true},
		{"no default step but a step", &Settings{Formula: fd.Formula{Stencil: Central.Stencil, Derivative: 1}, Step: 1e-5}, "numeric-central", 1e-5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(net, tc.s)
			if tc.wantErr {
				require.ErrorIs(t, err, ErrFormula)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantName, e.Name())
			assert.Equal(t, tc.wantStep, e.Step())
		})
	}
}

func TestCustomFormula(t *testing.T) {
	// A lopsided second-order formula: (−3K(A) + 4K(A+h) − K(A+2h))/(2h).
	f := fd.Formula{Stencil: []fd.Point{{Loc: 0, Coeff: -1.5}, {Loc: 1, Coeff: 2}, {Loc: 2, Coeff: -0.5}}, Derivative: 1, Step: 1e-5}
	c := gradtest.RandomCase("3-4-2:tanh,sigmoid", 4, 9)
	e, err := New(c.Net, &Settings{Formula: f})
	require.NoError(t, err)
	assert.Equal(t, "numeric", e.Name())
	assert.Equal(t, 2, Order(f))
	assert.Equal(t, 2*c.Net.NumParams()+1+NoiseEvaluations, e.CostEvaluations())
	g, _, err := e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	assert.LessOrEqual(t, maxRelErr(exact(t, c), g), 1e-7)
}

func TestPartial(t *testing.T) {
	c := gradtest.RandomCase("4-5-2:tanh,identity", 6, 2)
	for _, f := range []fd.Formula{Forward, Central} {
		e, err := New(c.Net, &Settings{Formula: f})
		require.NoError(t, err)
		g, _, err := e.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		for _, j := range []int{0, 7, c.Net.NumParams() - 1} {
			d, err := e.Partial(c.A, c.B, j)
			require.NoError(t, err)
			assert.Equal(t, g[j], d, "%s %s", FormulaName(f), c.Net.ParamName(j))
		}
		_, err = e.Partial(c.A, c.B, c.Net.NumParams())
		assert.ErrorIs(t, err, nn.ErrShape)
		_, err = e.Partial(c.A, nn.Batch{}, 0)
		assert.ErrorIs(t, err, nn.ErrEmptyBatch)
	}
}

func TestDirectional(t *testing.T) {
	c := gradtest.RandomCase("4-6-3:tanh,sigmoid", 8, 3)
	ref := exact(t, c)
	rng := nn.NewRand(5)
	v := make([]float64, c.Net.NumParams())
	for i := range v {
		v[i] = 3 * rng.NormFloat64()
	}
	want := floats.Dot(ref, v)
	wantK := nn.NewEvaluator(c.Net).Cost(c.A, c.B)
	for _, tc := range []struct {
		name  string
		s     Settings
		evals int
		tol   float64
	}{
		{"forward", Settings{Formula: Forward}, 2, 1e-5},
		{"central", Settings{Formula: Central}, 3, 1e-8},
		{"richardson", Settings{Richardson: RegisteredRichardson}, 1 + 2*RegisteredRichardson, 1e-11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A := slices.Clone(c.A)
			e, err := New(c.Net, &tc.s)
			require.NoError(t, err)
			before := evalCalls(e)
			k, dk, err := e.Directional(c.A, v, c.B)
			require.NoError(t, err)
			assert.Equal(t, tc.evals, evalCalls(e)-before, "cost evaluations")
			assert.Equal(t, wantK, k)
			assert.LessOrEqual(t, gradients.RelErr(want, dk), tc.tol, "want %v, got %v", want, dk)
			assert.Equal(t, A, c.A, "A modified")

			_, dk, err = e.Directional(c.A, make([]float64, len(v)), c.B)
			require.NoError(t, err)
			assert.Zero(t, dk, "zero direction")

			_, _, err = e.Directional(c.A, v[1:], c.B)
			assert.ErrorIs(t, err, nn.ErrShape)
			bad := slices.Clone(v)
			bad[3] = math.Inf(-1)
			_, _, err = e.Directional(c.A, bad, c.B)
			assert.ErrorIs(t, err, nn.ErrNonFinite)
			_, _, err = e.Directional(c.A[1:], v, c.B)
			assert.ErrorIs(t, err, nn.ErrShape)

			allocs := testing.AllocsPerRun(5, func() { _, _, _ = e.Directional(c.A, v, c.B) })
			assert.Zero(t, allocs)
		})
	}
}

// TestKinkRetries: on a ReLU network, Richardson's first step 0.1 reaches across kinks; the
// engine notices from the pre-activations and retries with smaller steps, and still matches
// the complex step (which never crosses a kink: its step is imaginary).
func TestKinkRetries(t *testing.T) {
	for _, prec := range []Precision{Float64, Float32} {
		c := gradtest.RandomCase("4-6-6-3:tanh,relu,sigmoid", 16, 1)
		e, err := New(c.Net, &Settings{Richardson: RegisteredRichardson, Precision: prec})
		require.NoError(t, err)
		g, _, err := e.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		assert.Positive(t, e.KinkRetries(), "%v: no stencil crossed a kink", prec)
		tol := RichardsonTolerance
		if prec == Float32 {
			tol = 1e-2
		}
		assert.LessOrEqual(t, maxRelErr(exact(t, c), g), tol, "%v", prec)

		// KeepStep keeps the wide step across the kinks, and misses.
		k, err := New(c.Net, &Settings{Richardson: RegisteredRichardson, Precision: prec, KeepStep: true})
		require.NoError(t, err)
		gk, _, err := k.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		assert.Zero(t, k.KinkRetries())
		assert.Greater(t, maxRelErr(exact(t, c), gk), 1e-4, "%v: the kinks should show", prec)

		// Without ReLU there is nothing to retry.
		s := gradtest.RandomCase("4-6-6-3:tanh,tanh,sigmoid", 16, 1)
		e, err = New(s.Net, &Settings{Richardson: RegisteredRichardson, Precision: prec})
		require.NoError(t, err)
		_, _, err = e.Gradient(nil, s.A, s.B)
		require.NoError(t, err)
		assert.Zero(t, e.KinkRetries())
	}
}

// evalCalls returns the cost evaluations all of the engine's workers have made.
func evalCalls(e *Engine) int {
	n := 0
	for _, w := range e.workers {
		n += w.eval.calls()
	}
	return n
}

// TestErrorBounds: every element's observed error against the complex step stays within the
// cross-check's allowance (gradients.SafetyFactor times the engine's expected error) on
// networks whose K ranges from below 1 to the thousands, for every formula; the expected
// error grows with K; and no stencil is marked as crossing a kink on smooth networks.
func TestErrorBounds(t *testing.T) {
	for _, arch := range []string{"4-6-3:tanh,sigmoid", "3-8-8-2:sigmoid,tanh,identity", "1-1-26-13-28:identity", "5-7-4:relu,sigmoid"} {
		for _, batch := range []int{1, 64} {
			c := gradtest.RandomCase(arch, batch, 3)
			want := exact(t, c)
			for _, s := range []Settings{{Formula: Forward}, {Formula: Backward}, {Formula: Central}, {Formula: Central5}, {Richardson: RegisteredRichardson}} {
				e, err := New(c.Net, &s)
				require.NoError(t, err)
				g, _, err := e.Gradient(nil, c.A, c.B)
				require.NoError(t, err)
				bound, crossed := e.ErrorBounds()
				require.Len(t, bound, len(g))
				for j := range g {
					if crossed[j] {
						continue
					}
					assert.LessOrEqual(t, math.Abs(g[j]-want[j]), gradients.SafetyFactor*bound[j], "%s batch %d %s %s", arch, batch, e.Name(), c.Net.ParamName(j))
				}
				if c.Net.Smooth() {
					assert.NotContains(t, crossed, true, "%s: a smooth network has no kink", e.Name())
				}
			}
		}
	}
}

func TestErrorBoundsGrowWithK(t *testing.T) {
	small, large := gradtest.RandomCase("4-6-3", 1, 2), gradtest.RandomCase("4-6-3", 512, 2)
	var bounds [2]float64
	for i, c := range []gradtest.Case{small, large} {
		e, err := New(c.Net, nil)
		require.NoError(t, err)
		_, _, err = e.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		b, _ := e.ErrorBounds()
		bounds[i] = b[0]
	}
	assert.Greater(t, bounds[1], 10*bounds[0], "the rounding error of K grows with the batch")
}

// TestErrorBoundsCrossed: with KeepStep, Richardson's wide stencils cross ReLU kinks and say
// so for exactly the elements whose error the kinks spoil; with the retries none remains.
func TestErrorBoundsCrossed(t *testing.T) {
	c := gradtest.RandomCase("4-6-6-3:tanh,relu,sigmoid", 16, 1)
	want := exact(t, c)
	k, err := New(c.Net, &Settings{Richardson: RegisteredRichardson, KeepStep: true})
	require.NoError(t, err)
	g, _, err := k.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	bound, crossed := k.ErrorBounds()
	require.Contains(t, crossed, true)
	for j := range g {
		if math.Abs(g[j]-want[j]) > gradients.SafetyFactor*bound[j] {
			assert.True(t, crossed[j], "%s is off by %.2g but not marked", c.Net.ParamName(j), g[j]-want[j])
		}
	}
	r, err := New(c.Net, &Settings{Richardson: RegisteredRichardson})
	require.NoError(t, err)
	_, _, err = r.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	_, crossed = r.ErrorBounds()
	assert.NotContains(t, crossed, true, "the retries step past every kink")
}
