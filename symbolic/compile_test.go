package symbolic_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
	"nabla/symbolic"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestCompileCSE(t *testing.T) {
	// Written as composite literals, sin(x·y) appears twice as different nodes; the compiler
	// still computes it once.
	x, y := &symbolic.Var{Name: "x"}, &symbolic.Var{Name: "y"}
	s1 := &symbolic.Unary{Op: symbolic.Sin, X: &symbolic.Binary{Op: symbolic.Mul, X: x, Y: y}}
	s2 := &symbolic.Unary{Op: symbolic.Sin, X: &symbolic.Binary{Op: symbolic.Mul, X: x, Y: y}}
	f := &symbolic.Binary{Op: symbolic.Add, X: s1, Y: &symbolic.Binary{Op: symbolic.Mul, X: s2, Y: s2}}
	p, err := symbolic.Compile([]symbolic.Expr{f}, []string{"x", "y"})
	require.NoError(t, err)
	assert.Equal(t, 4, p.Len(), "x*y, sin, square, sum:\n%s", p)
	out := p.Eval(nil, []float64{0.5, 2})
	want, err := symbolic.Eval(f, map[string]float64{"x": 0.5, "y": 2})
	require.NoError(t, err)
	assert.InDelta(t, want, out[0], 1e-15)
}

func TestCompileErrors(t *testing.T) {
	f, err := symbolic.Parse("x*y")
	require.NoError(t, err)
	_, err = symbolic.Compile([]symbolic.Expr{f}, []string{"x"})
	assert.True(t, errors.Is(err, symbolic.ErrUnboundVar), "%v", err)
	assert.Contains(t, err.Error(), `"y"`)
	_, err = symbolic.Compile([]symbolic.Expr{f}, []string{"x", "y", "x"})
	assert.Error(t, err)
	p, err := symbolic.Compile([]symbolic.Expr{f}, []string{"x", "y"})
	require.NoError(t, err)
	_, err = p.Batch([]string{"z"}, 0)
	assert.True(t, errors.Is(err, symbolic.ErrUnboundVar), "%v", err)
	assert.Panics(t, func() { p.Eval(nil, []float64{1}) })
	assert.Panics(t, func() { p.Eval(make([]float64, 2), []float64{1, 2}) })
}

func TestEvalNoAllocs(t *testing.T) {
	f, err := symbolic.Parse("sigmoid(w*x + b)*(1 - tanh(x)) + x^3/(1 + y^2)")
	require.NoError(t, err)
	vars := symbolic.Vars(f)
	p, err := symbolic.Compile(append([]symbolic.Expr{f}, symbolic.Gradient(f, vars)...), vars)
	require.NoError(t, err)
	in := []float64{0.1, 0.2, 0.3, 0.4, 0.5}[:len(vars)]
	dst := p.Eval(nil, in)
	assert.Zero(t, testing.AllocsPerRun(10, func() { p.Eval(dst, in) }))
}

// TestBatchSum checks the batch program (fused, structure-of-arrays, chunked) against the
// scalar program summed row by row, with chunks smaller than the batch.
func TestBatchSum(t *testing.T) {
	for _, src := range []string{
		"sigmoid(w*x + b)*(1 - tanh(v*y)) + x^3/(1 + y^2) + w*b",
		"(w*x + v*y + b)^2 + relu(x - y)*w + step(y)*b + exp(-w)*x",
		"w*b + v",
		"x*y + w*x + b",
		"w*sin(x) + v*cos(y) + b*exp(x) + w*tanh(x*y)",
	} {
		t.Run(src, func(t *testing.T) {
			b := symbolic.NewBuilder()
			f, err := b.Parse(src)
			require.NoError(t, err)
			vars := []string{"w", "v", "b", "x", "y"}
			outs := append([]symbolic.Expr{f}, b.Gradient(f, vars)...)
			p, err := symbolic.Compile(outs, vars)
			require.NoError(t, err)
			bp, err := p.Batch([]string{"x", "y"}, 3)
			require.NoError(t, err)
			uniform := []float64{0.7, -0.4, 0.2}
			const n = 10
			data := make([]float64, 2*n)
			want := make([]float64, p.NumOutputs())
			rng := nn.NewRand(3)
			for i := 0; i < n; i++ {
				data[i], data[n+i] = 2*rng.Float64()-1, 2*rng.Float64()-1
				row := p.Eval(nil, append(append([]float64(nil), uniform...), data[i], data[n+i]))
				for k := range want {
					want[k] += row[k]
				}
			}
			got := bp.Sum(nil, uniform, data, n)
			for k := range want {
				assert.LessOrEqual(t, gradients.RelErr(want[k], got[k]), 1e-13, "output %d", k)
			}
			dst := make([]float64, len(got))
			assert.Zero(t, testing.AllocsPerRun(5, func() { bp.Sum(dst, uniform, data, n) }))
			assert.Panics(t, func() { bp.Sum(dst, uniform[:2], data, n) })
		})
	}
}

func TestProgramListing(t *testing.T) {
	f, err := symbolic.Parse("x*(x^2 - sin(y))")
	require.NoError(t, err)
	b := symbolic.NewBuilder()
	f = b.Import(f)
	g := b.Gradient(f, []string{"x", "y"})
	p, err := symbolic.Compile(append([]symbolic.Expr{f}, g...), []string{"x", "y"})
	require.NoError(t, err)
	golden(t, "program.golden", p.String())
}

// TestNetworkListing prints the derivatives of a small network with shared sub-expressions
// as intermediates, plain and LaTeX.
func TestNetworkListing(t *testing.T) {
	for _, arch := range []string{"2-2-1", "2-2-1:tanh,identity", "1-2:relu"} {
		d, err := symbolic.DeriveNetwork(nn.MustParse(arch))
		require.NoError(t, err)
		l := symbolic.NewListing(append([]symbolic.Expr{d.Cost}, d.Grad...)...)
		var sb strings.Builder
		for _, latex := range []bool{false, true} {
			for _, tmp := range l.Temps {
				sb.WriteString(l.Name(tmp) + " = " + l.Define(tmp, latex) + "\n")
			}
			sb.WriteString("K = " + l.Format(d.Cost, latex) + "\n")
			for i, g := range d.Grad {
				sb.WriteString("dK/d" + d.Params[i] + " = " + l.Format(g, latex) + "\n")
			}
			sb.WriteString("\n")
		}
		golden(t, "listing-"+strings.NewReplacer(":", "_", ",", "_").Replace(arch)+".golden", sb.String())
	}
}

func TestLaTeX(t *testing.T) {
	var sb strings.Builder
	for _, tc := range ruleCases {
		f, err := symbolic.Parse(tc.f)
		require.NoError(t, err)
		sb.WriteString(tc.f + "\n\t" + symbolic.LaTeX(f) + "\n")
		for _, v := range symbolic.Vars(f) {
			sb.WriteString("\td/d" + v + ": " + symbolic.LaTeX(symbolic.Simplify(symbolic.Diff(f, v))) + "\n")
		}
	}
	golden(t, "latex.golden", sb.String())
}
