package symbolic_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/symbolic"
)

// TestBuilderIdentities checks the local rules every Builder constructor applies.
func TestBuilderIdentities(t *testing.T) {
	b := symbolic.NewBuilder()
	x, y := b.Var("x"), b.Var("y")
	zero, one := b.Const(0), b.Const(1)
	for _, tc := range []struct {
		name string
		got  symbolic.Expr
		want string
	}{
		{"x·1", b.Mul(x, one), "x"},
		{"1·x", b.Mul(one, x), "x"},
		{"x+0", b.Add(x, zero), "x"},
		{"0+x", b.Add(zero, x), "x"},
		{"x·0", b.Mul(x, zero), "0"},
		{"0·x", b.Mul(zero, x), "0"},
		{"x−0", b.Sub(x, zero), "x"},
		{"0−x", b.Sub(zero, x), "-x"},
		{"x−x", b.Sub(x, x), "0"},
		{"x/1", b.Div(x, one), "x"},
		{"0/x", b.Div(zero, x), "0"},
		{"x/x", b.Div(x, x), "1"},
		{"x^1", b.Pow(x, one), "x"},
		{"x^0", b.Pow(x, zero), "1"},
		{"1^x", b.Pow(one, x), "1"},
		{"−(−x)", b.Neg(b.Neg(x)), "x"},
		{"−(x−y)", b.Neg(b.Sub(x, y)), "y - x"},
		{"x+(−y)", b.Add(x, b.Neg(y)), "x - y"},
		{"x−(−y)", b.Sub(x, b.Neg(y)), "x + y"},
		{"(−x)·y", b.Mul(b.Neg(x), y), "-x*y"},
		{"x·(−1)", b.Mul(x, b.Const(-1)), "-x"},
		{"2+3", b.Add(b.Const(2), b.Const(3)), "5"},
		{"2·3", b.Mul(b.Const(2), b.Const(3)), "6"},
		{"2^10", b.Pow(b.Const(2), b.Const(10)), "1024"},
		{"sin(0)", b.Sin(zero), "0"},
		{"exp(0)", b.Exp(zero), "1"},
		{"sigmoid(0)", b.Sigmoid(zero), "0.5"},
		{"relu(-1)", b.ReLU(b.Const(-1)), "0"},
		{"step(2)", b.Step(b.Const(2)), "1"},
		{"1/0 kept", b.Div(one, zero), "1/0"},
		{"log(0) kept", b.Log(zero), "log(0)"},
		{"2·(3·x)", b.Mul(b.Const(2), b.Mul(b.Const(3), x)), "6*x"},
		{"y·x ordered", b.Mul(y, x), "x*y"},
		{"x·2 ordered", b.Mul(x, b.Const(2)), "2*x"},
		{"1+x ordered", b.Add(one, x), "x + 1"},
		{"x+(−2)", b.Add(x, b.Const(-2)), "x - 2"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got.String()) })
	}
}

func TestInterning(t *testing.T) {
	b := symbolic.NewBuilder()
	x, y := b.Var("x"), b.Var("y")
	assert.Same(t, x, b.Var("x"))
	assert.Same(t, b.Const(2.5), b.Const(2.5))
	assert.Same(t, b.Add(x, y), b.Add(y, x), "canonical order of +")
	assert.Same(t, b.Mul(b.Sin(x), y), b.Mul(y, b.Sin(x)), "canonical order of ·")
	e1, err := b.Parse("sin(x*y) + x*y")
	require.NoError(t, err)
	e2, err := b.Parse("y*x + sin(y*x)")
	require.NoError(t, err)
	assert.Same(t, e1, e2)
	// Nodes of another builder or composite literals are imported.
	lit := &symbolic.Binary{Op: symbolic.Mul, X: &symbolic.Var{Name: "y"}, Y: &symbolic.Var{Name: "x"}}
	assert.Same(t, b.Mul(x, y), b.Import(lit))
	assert.Same(t, b.Sin(b.Mul(x, y)), b.Sin(lit))
}

func TestSimplify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"x*(2*x)", "2*x^2"},
		{"x^2 - sin(y) + x*(2*x)", "3*x^2 - sin(y)"},
		{"2*x + 3*x", "5*x"},
		{"x + y - x", "y"},
		{"x*y/x", "y"},
		{"x*x*x", "x^3"},
		{"x^2*x^-2", "1"},
		{"2*x*3*y", "6*(x*y)"},
		{"-(-x)", "x"},
		{"x - (x - y)", "y"},
		{"(x + 1) - (1 + x)", "0"},
		{"sin(x)*cos(y)*sin(x)", "sin(x)^2*cos(y)"},
		{"x/(2*y)", "0.5*x/y"},
		{"1 + 2 + x + 3", "x + 6"},
		{"-(2*x) - 3*x", "-5*x"},
		{"exp(x - x)", "1"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			e, err := symbolic.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, symbolic.Simplify(e).String())
		})
	}
}

// TestSimplifyKeepsValue checks Simplify against the value of the original on the rule cases
// and their derivatives.
func TestSimplifyKeepsValue(t *testing.T) {
	env := map[string]float64{"x": 0.7, "y": 1.3, "z": 0.4, "a": 0.9, "b": -0.3, "w1": 0.5, "w2": -1.1}
	for _, tc := range ruleCases {
		b := symbolic.NewBuilder()
		f, err := b.Parse(tc.f)
		require.NoError(t, err)
		for _, e := range append([]symbolic.Expr{f}, b.Gradient(f, symbolic.Vars(f))...) {
			want, err := symbolic.Eval(e, env)
			require.NoError(t, err)
			got, err := symbolic.Eval(b.Simplify(e), env)
			require.NoError(t, err)
			assert.LessOrEqual(t, gradients.RelErr(want, got), 1e-12, "%s: %v vs %v", e, want, got)
		}
	}
}

// TestSimplifySharedDAG checks that Simplify works on the DAG, not the tree: the derivative
// of 100 rounds of y ← sin(y)·y is about 10⁶⁰ nodes as a tree.
func TestSimplifySharedDAG(t *testing.T) {
	b := symbolic.NewBuilder()
	f := symbolic.SinProduct(b, 100)
	d := b.Diff(f, "y")
	s := b.Simplify(d)
	// Flattening products makes it grow (yₖ is a product of k sines), but polynomially.
	assert.Less(t, symbolic.DAGSize(s), 20*symbolic.DAGSize(d))
	env := map[string]float64{"y": 0.9}
	want, err := symbolic.Eval(d, env)
	require.NoError(t, err)
	got, err := symbolic.Eval(s, env)
	require.NoError(t, err)
	assert.LessOrEqual(t, gradients.RelErr(want, got), 1e-12)
}
