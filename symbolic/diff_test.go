package symbolic_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
	"nabla/symbolic"
)

// ruleCases exercise every node kind's differentiation rule, alone and composed. lo and hi
// bound the random points (log and real powers want positive arguments).
var ruleCases = []struct {
	f      string
	lo, hi float64
}{
	{"x + y", -2, 2},
	{"x - y", -2, 2},
	{"x*y", -2, 2},
	{"x/y", 0.5, 2},
	{"x^3", -2, 2},
	{"x^2.5", 0.5, 2},
	{"x^-2", 0.5, 2},
	{"2^x", -2, 2},
	{"x^y", 0.5, 2},
	{"-x*y", -2, 2},
	{"exp(x*y)", -1, 1},
	{"log(x + y)", 0.5, 2},
	{"sin(x*y)", -2, 2},
	{"cos(x - y)", -2, 2},
	{"tanh(x*y)", -2, 2},
	{"sigmoid(x - 2*y)", -2, 2},
	{"relu(x - y)*x", -2, 2},
	{"step(x - y)*x^2", -2, 2},
	{"sqrt(x*y)", 0.5, 2},
	{"x*(x^2 - sin(y))", -2, 2},
	{"exp(-a*x)/2", -2, 2},
	{"sigmoid(w1*x + b)*(1 - tanh(w2*y))", -2, 2},
	{"log(sigmoid(x)) + x/(1 + y^2)", -2, 2},
	{"(x*y + 1)^3/(x^2 + 1)", -2, 2},
	{"x*x*x - y/x", 0.5, 2},
}

// centralDiff returns (f(x+h) − f(x−h))/2h in variable v.
func centralDiff(t *testing.T, f symbolic.Expr, env map[string]float64, v string) float64 {
	x := env[v]
	h := 1e-5 * max(1, math.Abs(x))
	env[v] = x + h
	fp, err := symbolic.Eval(f, env)
	require.NoError(t, err)
	env[v] = x - h
	fm, err := symbolic.Eval(f, env)
	require.NoError(t, err)
	env[v] = x
	return (fp - fm) / (2 * h)
}

// kinkFree reports whether every relu/step argument is away from 0 at env (where central
// differences are not valid).
func kinkFree(t *testing.T, f symbolic.Expr, env map[string]float64) bool {
	ok := true
	for _, n := range symbolic.Nodes(f) {
		if u, isU := n.(*symbolic.Unary); isU && (u.Op == symbolic.ReLU || u.Op == symbolic.Step) {
			v, err := symbolic.Eval(u.X, env)
			require.NoError(t, err)
			ok = ok && math.Abs(v) > 1e-3
		}
	}
	return ok
}

func TestRulesAgainstCentralDifferences(t *testing.T) {
	rng := nn.NewRand(42)
	for _, tc := range ruleCases {
		t.Run(tc.f, func(t *testing.T) {
			b := symbolic.NewBuilder()
			f, err := b.Parse(tc.f)
			require.NoError(t, err)
			vars := symbolic.Vars(f)
			grad := b.Gradient(f, vars)
			prog, err := symbolic.Compile(append([]symbolic.Expr{f}, grad...), vars)
			require.NoError(t, err)
			for trial := 0; trial < 5; trial++ {
				env := map[string]float64{}
				in := make([]float64, len(vars))
				for i, v := range vars {
					in[i] = tc.lo + (tc.hi-tc.lo)*rng.Float64()
					env[v] = in[i]
				}
				if !kinkFree(t, f, env) {
					continue
				}
				out := prog.Eval(nil, in)
				for i, v := range vars {
					want := centralDiff(t, f, env, v)
					fwd, err := symbolic.Eval(b.Diff(f, v), env)
					require.NoError(t, err)
					simp, err := symbolic.Eval(b.Simplify(b.Diff(f, v)), env)
					require.NoError(t, err)
					rev, err := symbolic.Eval(grad[i], env)
					require.NoError(t, err)
					assert.LessOrEqual(t, gradients.RelErr(want, fwd), 1e-7, "Diff ∂/∂%s at %v: central %v, Diff %v", v, env, want, fwd)
					assert.LessOrEqual(t, gradients.RelErr(fwd, rev), 1e-12, "Gradient ∂/∂%s at %v: Diff %v, Gradient %v", v, env, fwd, rev)
					assert.LessOrEqual(t, gradients.RelErr(fwd, simp), 1e-12, "Simplify(Diff) ∂/∂%s at %v", v, env)
					assert.LessOrEqual(t, gradients.RelErr(rev, out[1+i]), 1e-12, "compiled ∂/∂%s at %v", v, env)
				}
			}
		})
	}
}

func TestDiffConstantsAndAbsentVariables(t *testing.T) {
	f, err := symbolic.Parse("sin(x)*3")
	require.NoError(t, err)
	assert.Equal(t, "0", symbolic.Diff(f, "y").String())
	assert.Equal(t, "3*cos(x)", symbolic.Diff(f, "x").String())
	g := symbolic.Gradient(f, []string{"y", "x"})
	assert.Equal(t, "0", g[0].String())
	assert.Equal(t, "3*cos(x)", g[1].String())
}

func TestReLUDerivativeAtZeroIsZero(t *testing.T) {
	f, err := symbolic.Parse("relu(x)")
	require.NoError(t, err)
	v, err := symbolic.Eval(symbolic.Diff(f, "x"), map[string]float64{"x": 0})
	require.NoError(t, err)
	assert.Zero(t, v)
}

// TestNaiveMatchesShared checks that the naive derivatives (plain trees) have the values of
// the shared ones, and that their node count is the tree size of Diff's result.
func TestNaiveMatchesShared(t *testing.T) {
	for _, src := range []string{"x*(x^2 - sin(y))", "sigmoid(w1*x + b)*(1 - tanh(w2*y))", "(x*y + 1)^3/(x^2 + 1)"} {
		b := symbolic.NewBuilder()
		f, err := b.Parse(src)
		require.NoError(t, err)
		vars := symbolic.Vars(f)
		naive, nodes, err := symbolic.NaiveGradient(f, vars, 0)
		require.NoError(t, err)
		var size float64
		env := map[string]float64{}
		for i, v := range vars {
			env[v] = 0.3 + 0.2*float64(i)
		}
		for i, v := range vars {
			d := b.Diff(f, v)
			size += symbolic.TreeSize(d)
			want, err := symbolic.Eval(d, env)
			require.NoError(t, err)
			got, err := symbolic.Eval(naive[i], env)
			require.NoError(t, err)
			assert.InEpsilon(t, want, got, 1e-12, "%s: ∂/∂%s", src, v)
		}
		assert.Equal(t, size, float64(nodes), src)
	}
}

func TestNaiveBudget(t *testing.T) {
	b := symbolic.NewBuilder()
	f := symbolic.SinProduct(b, 40)
	_, _, err := symbolic.NaiveGradient(f, []string{"y"}, 10_000)
	require.Error(t, err)
	assert.True(t, errors.Is(err, symbolic.ErrBudget), err.Error())
	assert.Contains(t, err.Error(), "10000")
}

// TestCheapGradient checks the cheap-gradient bound on networks and the classic examples:
// the compiled program for f and ∇f has at most 4× the instructions of f's.
func TestCheapGradient(t *testing.T) {
	for _, arch := range []string{"2-3-1", "4-6-3:tanh,sigmoid", "8-8-8-2:relu,tanh,identity", "16-16-4"} {
		s, err := symbolic.MeasureNetwork(nn.MustParse(arch), symbolic.MeasureOptions{NaiveBudget: -1})
		require.NoError(t, err)
		assert.LessOrEqual(t, s.Ratio, 4.0, arch)
		assert.Greater(t, s.CostInstructions, 0)
	}
	for _, ex := range symbolic.Examples() {
		s, err := symbolic.Measure(ex.Name, ex.Build, ex.Wrt, symbolic.MeasureOptions{NaiveBudget: -1})
		require.NoError(t, err)
		assert.LessOrEqual(t, s.Ratio, 4.0, ex.Name)
	}
}

func TestLogisticMapSwell(t *testing.T) {
	b := symbolic.NewBuilder()
	f := symbolic.LogisticMap(b, 10)
	g := b.Gradient(f, []string{"x"})
	assert.Less(t, symbolic.DAGSize(f, g[0]), 100, "DAG of l10 and dl10/dx")
	_, nodes, err := symbolic.NaiveGradient(f, []string{"x"}, 0)
	require.NoError(t, err)
	assert.Greater(t, nodes, 10_000, "naive tree of dl10/dx")
	// Value against the chain rule by hand: l' = 4(1 − 2l)·l'.
	x := 0.3
	l, dl := x, 1.0
	for range 10 {
		l, dl = 4*l*(1-l), 4*(1-2*l)*dl
	}
	got, err := symbolic.Eval(g[0], map[string]float64{"x": x})
	require.NoError(t, err)
	assert.InEpsilon(t, dl, got, 1e-10)
	v, err := symbolic.Eval(f, map[string]float64{"x": x})
	require.NoError(t, err)
	assert.InEpsilon(t, l, v, 1e-12)
}
