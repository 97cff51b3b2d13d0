package numeric

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestComplexActivations(t *testing.T) {
	const h = 1e-20
	for _, a := range nn.Activations() {
		for _, x := range []float64{-800, -40, -3, -0.5, 0.25, 2, 40, 800} {
			if a == nn.ReLU && math.Abs(x) < 1e-3 {
				continue
			}
			z := complexAct(a, complex(x, h))
			assert.InDelta(t, a.F(x), real(z), 1e-15*max(1, math.Abs(a.F(x))), "%v(%v)", a, x)
			want := a.Deriv(x)
			switch a { // forms that keep their relative accuracy where the activation saturates
			case nn.Sigmoid:
				want = nn.SigmoidF(x) * nn.SigmoidF(-x)
			case nn.Tanh:
				want = 1 / (math.Cosh(x) * math.Cosh(x))
			}
			assert.InDelta(t, want, imag(z)/h, 1e-14*math.Abs(want)+1e-300, "%v'(%v)", a, x)
		}
	}
	// A step that is not small: the continuation against math/cmplx's definitions.
	for _, z := range []complex128{complex(0.3, 0.7), complex(-1.2, 0.4), complex(2, -0.9)} {
		tz := complexTanh(z)
		sz := complexSigmoid(z)
		assert.InDelta(t, 0, cabs(tz-ctanh(z)), 1e-15, "tanh%v", z)
		assert.InDelta(t, 0, cabs(sz-1/(1+cexp(-z))), 1e-15, "σ%v", z)
	}
}

func TestComplex(t *testing.T) {
	c := gradtest.RandomCase("4-6-3:tanh,sigmoid", 8, 3)
	n := c.Net.NumParams()
	e, err := NewComplex(c.Net, 0)
	require.NoError(t, err)
	assert.Equal(t, "numeric-complex", e.Name())
	assert.Equal(t, DefaultComplexStep, e.Step())
	assert.Equal(t, n+1, e.CostEvaluations())
	before := e.calls()
	g, k, err := e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	assert.Equal(t, n+1, e.calls()-before, "evaluations counted")
	assert.InDelta(t, nn.NewEvaluator(c.Net).Cost(c.A, c.B), k, 1e-13)

	// Tiny steps change nothing: there is no cancellation.
	for _, h := range []float64{1e-8, 1e-100, 1e-200, 1e-300} {
		eh, err := NewComplex(c.Net, h)
		require.NoError(t, err)
		gh, _, err := eh.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		assert.LessOrEqual(t, maxRelErr(g, gh), 1e-14, "h = %g", h)
	}
	for _, j := range []int{0, 30, n - 1} {
		d, err := e.Partial(c.A, c.B, j)
		require.NoError(t, err)
		assert.Equal(t, g[j], d)
	}
	_, err = e.Partial(c.A, c.B, -1)
	assert.ErrorIs(t, err, nn.ErrShape)

	v := make([]float64, n)
	rng := nn.NewRand(2)
	var want float64
	for i := range v {
		v[i] = rng.NormFloat64()
		want += g[i] * v[i]
	}
	before = e.calls()
	kd, dk, err := e.Directional(c.A, v, c.B)
	require.NoError(t, err)
	assert.Equal(t, 2, e.calls()-before, "one real and one complex evaluation")
	assert.Equal(t, k, kd)
	assert.LessOrEqual(t, gradients.RelErr(want, dk), 1e-13)
	_, _, err = e.Directional(c.A, v[:3], c.B)
	assert.ErrorIs(t, err, nn.ErrShape)
	assert.Zero(t, testing.AllocsPerRun(5, func() { _, _, _ = e.Directional(c.A, v, c.B) }))

	for _, h := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err := NewComplex(c.Net, h)
		assert.ErrorIs(t, err, ErrFormula, "step %v", h)
	}
}

func TestRichardson(t *testing.T) {
	c := gradtest.RandomCase("3-5-4-2:tanh,sigmoid,sigmoid", 6, 8)
	n := c.Net.NumParams()
	ref := exact(t, c)
	plain, err := New(c.Net, nil)
	require.NoError(t, err)
	assert.Nil(t, plain.ErrorEstimates())
	for _, levels := range []int{2, 3, 4, 5} {
		e, err := New(c.Net, &Settings{Richardson: levels})
		require.NoError(t, err)
		assert.Equal(t, "numeric-richardson", e.Name())
		assert.Equal(t, DefaultRichardsonStep, e.Step())
		assert.Equal(t, 2*levels*n+1+NoiseEvaluations, e.CostEvaluations())
		before := evalCalls(e)
		g, _, err := e.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		assert.Equal(t, 2*levels*n+1+NoiseEvaluations, evalCalls(e)-before)
		est := e.ErrorEstimates()
		require.Len(t, est, n)
		// The estimate is the size of the last correction: it bounds the actual error (to
		// within the rounding of the yardstick) on most parameters.
		var within int
		var worst float64
		for i := range g {
			actual := math.Abs(g[i] - ref[i])
			if actual <= est[i]+1e-13 {
				within++
			}
			worst = max(worst, actual)
		}
		assert.GreaterOrEqual(t, within, n*9/10, "levels %d: estimates bound the error on %d of %d", levels, within, n)
		t.Logf("levels %d: max abs error %.2g, max estimate %.2g", levels, worst, maxOf(est))
	}
	// With a forward-difference base the powers are 1, 2, 3: still convergent.
	e, err := New(c.Net, &Settings{Formula: Forward, Richardson: 5, Step: 0.05})
	require.NoError(t, err)
	assert.Equal(t, "numeric-richardson-forward", e.Name())
	g, _, err := e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	assert.LessOrEqual(t, maxRelErr(ref, g), 1e-7)
	for _, r := range []int{-1, MaxRichardson + 1} {
		_, err := New(c.Net, &Settings{Richardson: r})
		assert.ErrorIs(t, err, ErrFormula, "Richardson %d", r)
	}
}

func maxOf(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

func TestFloat32(t *testing.T) {
	c := gradtest.RandomCase("6-8-3:tanh,sigmoid", 10, 4)
	ref := exact(t, c)
	k64 := nn.NewEvaluator(c.Net).Cost(c.A, c.B)
	for _, tc := range []struct {
		s        Settings
		name     string
		step     float64
		maxErr   float64 // the float32 engine at its default step is this accurate
		naiveErr float64 // and at the float64 default step at least this wrong
	}{
		{Settings{Formula: Forward, Precision: Float32}, "numeric-forward-float32", 2e-8 * math.Pow(0x1p29, 0.5), 1e-2, 0.5},
		{Settings{Formula: Central, Precision: Float32}, "numeric-central-float32", 6e-6 * math.Pow(0x1p29, 1.0/3), 1e-3, 1e-2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(c.Net, &tc.s)
			require.NoError(t, err)
			assert.Equal(t, tc.name, e.Name())
			assert.Equal(t, Float32, e.Precision())
			assert.InEpsilon(t, tc.step, e.Step(), 1e-12)
			g, k, err := e.Gradient(nil, c.A, c.B)
			require.NoError(t, err)
			assert.InEpsilon(t, k64, k, 1e-5, "K in float32")
			assert.NotEqual(t, k64, k, "K not computed in float32")
			assert.LessOrEqual(t, maxRelErr(ref, g), tc.maxErr)

			naive := tc.s
			naive.Step = tc.s.Formula.Step
			en, err := New(c.Net, &naive)
			require.NoError(t, err)
			gn, _, err := en.Gradient(nil, c.A, c.B)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, maxRelErr(ref, gn), tc.naiveErr, "float64's step in float32")
			assert.Zero(t, testing.AllocsPerRun(3, func() { _, _, _ = e.Gradient(g, c.A, c.B) }))
		})
	}
	_, err := New(c.Net, &Settings{Precision: 7})
	assert.ErrorIs(t, err, ErrFormula)
	assert.Equal(t, "float32", Float32.String())
	assert.Equal(t, "Precision(7)", Precision(7).String())
}

var (
	cabs  = cmplx.Abs
	ctanh = cmplx.Tanh
	cexp  = cmplx.Exp
)
