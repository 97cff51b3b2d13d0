package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/symbolic"
)

func runSymbolicCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDeriveJSON(t *testing.T) {
	code, out, stderr := runSymbolicCLI("derive", "--net", "2-3-1", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	for _, k := range []string{"derive_ms", "tree_nodes", "dag_nodes", "instructions", "cost_instructions"} {
		v, ok := got[k].(float64)
		require.True(t, ok, "key %q missing or not a number in %s", k, out)
		assert.Greater(t, v, 0.0, k)
	}
	assert.LessOrEqual(t, got["instructions"].(float64), 4*got["cost_instructions"].(float64))
	derivs := got["derivatives"].([]any)
	assert.Len(t, derivs, 13)
	rows := got["rows"].([]any)
	assert.Len(t, rows, 3, "the network and the two classic examples")
}

func TestDeriveTable(t *testing.T) {
	code, out, stderr := runSymbolicCLI("derive", "--net", "2-2-1", "--swell", "4-6-3", "--naive-budget", "10000", "--wide")
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{"t1 = sigmoid(", "∂K/∂W1[1,1] = x[1]*", "∂K/∂b2[1] = ", "derived and compiled 2-2-1 in", "logistic map n=10", "4-6-3", "(budget)"} {
		assert.Contains(t, out, want)
	}
	code, out, stderr = runSymbolicCLI("derive", "--net", "2-1", "--latex", "--examples=false", "--naive-budget", "-1")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, `\frac{\partial K}{\partial W^{(1)}_{1,1}} &= x_{1} \cdot`)
	assert.NotContains(t, out, "derived and compiled", "nothing but the fragment")
	code, out, stderr = runSymbolicCLI("derive", "--net", "16-16-4", "--examples=false", "--format", "markdown", "--naive-budget", "-1")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(out, "| function |"), out)
}

func TestDeriveErrors(t *testing.T) {
	for _, args := range [][]string{
		{"derive", "--net", "2-x-1"},
		{"derive", "--format", "xml"},
		{"derive", "--swell", "3-"},
		{"derive", "extra"},
	} {
		code, _, stderr := runSymbolicCLI(args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.True(t, strings.HasPrefix(stderr, "nabla derive: "), stderr)
	}
}

func TestCheckNotesExample(t *testing.T) {
	// The notes' gradient of f = x(x² − sin y) has ∂/∂x wrong.
	code, out, stderr := runSymbolicCLI("check", "--f", "x*(x^2 - sin(y))", "--grad", "2*x - sin(y), -x*cos(y)", "--at", "x=1.5,y=0.3")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "WRONG")
	assert.Contains(t, stderr, "∂f/∂x is 2*x - sin(y), want 3*x^2 - sin(y)")
	assert.NotContains(t, stderr, "∂f/∂y")
	// The corrected gradient passes, at random points too.
	code, out, stderr = runSymbolicCLI("check", "--f", "x*(x^2 - sin(y))", "--grad", "3*x^2 - sin(y), -x*cos(y)", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var got symbolic.CheckReport
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.True(t, got.OK)
	assert.Len(t, got.Points, 5)
	assert.Equal(t, []string{"x", "y"}, got.Vars)
	assert.Less(t, got.CentralErr, 1e-7)
	for _, c := range got.Components {
		assert.True(t, c.OK, c.Var)
	}
}

func TestCheckJSONFlagsComponent(t *testing.T) {
	code, out, _ := runSymbolicCLI("check", "--f", "exp(-a*x)/2", "--grad", "-x*exp(-a*x)/2, -a*exp(-a*x)", "--format", "json", "--at", "a=0.5,x=1;a=-1,x=0.2")
	assert.Equal(t, 1, code)
	var got symbolic.CheckReport
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got.Components, 2)
	assert.True(t, got.Components[0].OK, "∂/∂a is right")
	assert.False(t, got.Components[1].OK, "∂/∂x misses the 1/2")
	assert.Equal(t, "-0.5*(a*exp(-a*x))", got.Components[1].Expected)
	assert.Len(t, got.Points, 2)
}

func TestCheckErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--f", "x*(x^2 - sin(y)", "--grad", "1, 2"}, "column"},
		{[]string{"check", "--f", "x*y", "--grad", "y"}, "1 components but the formula has 2 variables"},
		{[]string{"check", "--f", "x*y", "--grad", "y, x +"}, "column"},
		{[]string{"check", "--f", "x*y", "--grad", "y, z"}, "uses z"},
		{[]string{"check", "--f", "x*y", "--grad", "y, x", "--at", "x=1"}, "no value for y"},
		{[]string{"check", "--f", "x*y", "--grad", "y, x", "--at", "x=1,y=NaN"}, "not a finite number"},
		{[]string{"check", "--f", "x*y", "--grad", "y, x", "--at", "x=1,y=2,z=3"}, "z is not a variable"},
		{[]string{"check", "--f", "x*y"}, "want --f"},
		{[]string{"check", "--f", "log(-x^2-1)", "--grad", "1"}, "no point"},
		{[]string{"check", "--f", "1/x", "--grad", "0", "--at", "x=0"}, "skipped x=0 (f = +Inf: outside the formula's domain)"},
		{[]string{"check", "--f", "log(x)", "--grad", "1/x", "--at", "x=-1"}, "skipped x=-1 (f = NaN"},
		{[]string{"check", "--f", "x", "--grad", "1", "--tol", "NaN"}, "--tol NaN: want a number from"},
		{[]string{"check", "--f", "x", "--grad", "1", "--tol", "-1"}, "--tol -1: want a number from"},
		{[]string{"check", "--f", "x", "--grad", "1", "--tol", "0"}, "--tol 0: want a number from"},
		{[]string{"check", "--f", "x", "--grad", "1", "--at", "x=1,x=2"}, "gives x twice"},
		{[]string{"check", "--f", "x", "--grad", "1", "--format", "xml"}, "--format xml: want one of table, markdown, json, csv"},
	} {
		code, _, stderr := runSymbolicCLI(tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}

// TestCompareSymbolic is the cross-check: symbolic agrees with backprop to 1e-12 and
// all three engines agree on 4-6-3.
func TestCompareSymbolic(t *testing.T) {
	code, out, stderr := runSymbolicCLI("compare", "--net", "4-6-3", "--engines", "backprop,symbolic,numeric-central", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var rep struct {
		Agree bool `json:"agree"`
		Pairs []struct {
			A, B      string
			MaxRelErr float64 `json:"max_rel_err"`
			Agree     bool    `json:"agree"`
		} `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Agree)
	require.Len(t, rep.Pairs, 3)
	for _, p := range rep.Pairs {
		assert.True(t, p.Agree, "%s vs %s", p.A, p.B)
		if p.A == "backprop" && p.B == "symbolic" {
			assert.LessOrEqual(t, p.MaxRelErr, 1e-12)
		}
	}
}

// TestCheckNonFinite: a given value of ±Inf fails with its reason, in the table and in the
// JSON (which writes it as a string), and a point outside the domain is skipped and named
// while the others are checked.
func TestCheckNonFinite(t *testing.T) {
	code, out, stderr := runSymbolicCLI("check", "--f", "x", "--grad", "exp(1000)", "--at", "x=1")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "the given value is +Inf")
	assert.Contains(t, stderr, "∂f/∂x is exp(1000), want 1")
	code, out, _ = runSymbolicCLI("check", "--f", "x", "--grad", "exp(1000)", "--at", "x=1", "--format", "json")
	assert.Equal(t, 1, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.Equal(t, false, got["ok"])
	comp := got["components"].([]any)[0].(map[string]any)
	assert.Equal(t, "+Inf", comp["max_rel_err"])
	assert.Equal(t, "+Inf", comp["values"].([]any)[0].(map[string]any)["given"])

	code, out, stderr = runSymbolicCLI("check", "--f", "log(x)", "--grad", "1/x", "--at", "x=-1;x=2")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "1 point checked")
	assert.Contains(t, out, "skipped x=-1: f = NaN: outside the formula's domain")
}

// TestDeriveLaTeXCompiles puts the fragment of derive --latex into a document and runs
// pdflatex on it (skipped where pdflatex is missing: Debian's texlive-latex-base has it).
func TestDeriveLaTeXCompiles(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		t.Skip("pdflatex is not installed")
	}
	code, out, stderr := runSymbolicCLI("derive", "--net", "2-2-1", "--latex")
	require.Equal(t, 0, code, stderr)
	require.True(t, strings.HasPrefix(out, "%"), "a fragment: comments, then align*")
	dir := t.TempDir()
	doc := "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + out + "\\end{document}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d.tex"), []byte(doc), 0o644))
	cmd := exec.Command(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "d.tex")
	cmd.Dir = dir
	log, err := cmd.CombinedOutput()
	require.NoError(t, err, "pdflatex:\n%s", log)
	assert.FileExists(t, filepath.Join(dir, "d.pdf"))
}
