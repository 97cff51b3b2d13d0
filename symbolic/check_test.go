package symbolic

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name, f, grad string
		s             CheckSettings
		ok            bool
		checked       int
		skipped       []string // reasons
		problems      int
	}{
		{name: "right at random points", f: "x*(x^2 - sin(y))", grad: "3*x^2 - sin(y), -x*cos(y)", ok: true, checked: 5},
		{name: "wrong", f: "x*(x^2 - sin(y))", grad: "2*x - sin(y), -x*cos(y)", ok: false, checked: 5},
		{name: "given +Inf", f: "x", grad: "exp(1000)", s: CheckSettings{At: []map[string]float64{{"x": 1}}}, ok: false, checked: 1},
		{name: "given NaN", f: "x", grad: "log(-1)", s: CheckSettings{At: []map[string]float64{{"x": 1}}}, ok: false, checked: 1},
		{name: "one point outside the domain", f: "log(x)", grad: "1/x", s: CheckSettings{At: []map[string]float64{{"x": -1}, {"x": 2}}}, ok: true, checked: 1,
			skipped: []string{"f = NaN: outside the formula's domain"}},
		{name: "not differentiable", f: "x^0.5", grad: "0.5*x^-0.5", s: CheckSettings{At: []map[string]float64{{"x": 0}, {"x": 4}}}, ok: true, checked: 1,
			skipped: []string{"∂f/∂x = +Inf: f is not differentiable here"}},
		{name: "stencil leaves the domain", f: "log(x)", grad: "1/x", s: CheckSettings{At: []map[string]float64{{"x": 1e-7}}}, ok: false, checked: 1, problems: 1},
		{name: "given points and random ones", f: "x*y", grad: "y, x", s: CheckSettings{At: []map[string]float64{{"x": 1, "y": 2}}, Points: 3}, ok: true, checked: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Check(tc.f, tc.grad, tc.s)
			require.NoError(t, err)
			assert.Equal(t, tc.ok, r.OK)
			assert.Len(t, r.Points, tc.checked)
			var reasons []string
			for _, s := range r.Skipped {
				reasons = append(reasons, s.Reason)
			}
			assert.Equal(t, tc.skipped, reasons)
			assert.Len(t, r.Problems, tc.problems)
			assert.Equal(t, tc.ok, len(r.Wrong()) == 0 && tc.problems == 0)
		})
	}
}

func TestCheckNonFiniteGivenNamed(t *testing.T) {
	r, err := Check("x", "exp(1000)", CheckSettings{At: []map[string]float64{{"x": 1}}})
	require.NoError(t, err)
	v := r.Components[0].Values[0]
	assert.Equal(t, "the given value is +Inf", v.Reason)
	assert.True(t, math.IsInf(v.RelErr, 1))
	assert.Equal(t, []string{"∂f/∂x is exp(1000), want 1"}, r.Wrong())
}

func TestCheckErrors(t *testing.T) {
	for _, tc := range []struct {
		f, grad string
		s       CheckSettings
		want    string
	}{
		{"1/x", "0", CheckSettings{At: []map[string]float64{{"x": 0}}}, "skipped x=0 (f = +Inf: outside the formula's domain)"},
		{"log(-x^2-1)", "1", CheckSettings{}, "give one inside the domain"},
		{"x", "1", CheckSettings{Tol: -1}, "tolerance -1"},
		{"x", "1", CheckSettings{Tol: math.NaN()}, "tolerance NaN"},
		{"x*y", "y", CheckSettings{}, "1 components but the formula has 2 variables"},
		{"x*y", "y, z", CheckSettings{}, "uses z"},
		{"x*y", "x, y", CheckSettings{Vars: []string{"x"}}, "miss y"},
		{"x*y", "y, x", CheckSettings{At: []map[string]float64{{"x": 1}}}, "gives no value for y"},
		{"x*y", "y, x", CheckSettings{At: []map[string]float64{{"x": 1, "y": 2, "z": 3}}}, "z is not a variable"},
		{"x+", "1", CheckSettings{}, "column"},
	} {
		_, err := Check(tc.f, tc.grad, tc.s)
		require.Error(t, err, tc.f)
		assert.Contains(t, err.Error(), tc.want)
	}
}

func TestParsePoint(t *testing.T) {
	pt, err := ParsePoint("x=1.5, y=-0.3")
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"x": 1.5, "y": -0.3}, pt)
	for _, s := range []string{"x=1,x=2", "x=NaN", "x=Inf", "x", "=1", "x=1,"} {
		_, err := ParsePoint(s)
		assert.Error(t, err, s)
	}
}
