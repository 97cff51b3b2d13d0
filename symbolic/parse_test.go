package symbolic_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
	"nabla/symbolic"
)

func TestParsePrecedence(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"x*(x^2 - sin(y))", "x*(x^2 - sin(y))"},
		{"exp(-a*x)/2", "exp(-a*x)/2"},
		{"1 + 2*3", "7"},
		{"a + b*c", "a + b*c"},
		{"(a + b)*c", "c*(a + b)"},
		{"a - (b - c)", "a - (b - c)"},
		{"a - b - c", "a - b - c"},
		{"a/(b/c)", "a/(b/c)"},
		{"a/b/c", "a/b/c"},
		{"x^y^z", "x^y^z"},
		{"(x^y)^z", "(x^y)^z"},
		{"-x^2", "-x^2"},
		{"(-x)^2", "(-x)^2"},
		{"2^-1", "0.5"},
		{"x^-y", "x^(-y)"},
		{"--x", "x"},
		{"+x", "x"},
		{"-(a + b)", "-(a + b)"},
		{"-((a - b)*c)", "-c*(a - b)"},
		{"-(a*b)", "-a*b"},
		{"x·y − z", "x*y - z"},
		{"W1[2,3]*x[3] + b1[2]", "b1[2] + W1[2,3]*x[3]"},
		{"1.5e-3*x", "0.0015*x"},
		{"ln(x) + sqrt(y)", "y^0.5 + log(x)"},
		{"sigmoid(relu(x) - step(y))", "sigmoid(relu(x) - step(y))"},
		{"y*x", "x*y"},
		{"3 + x", "x + 3"},
		{"x*2", "2*x"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			e, err := symbolic.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, e.String())
		})
	}
}

// roundTrip checks parse → print → parse: the second parse gives an equal tree and prints the
// same.
func roundTrip(t *testing.T, src string) {
	t.Helper()
	e1, err := symbolic.Parse(src)
	if err != nil {
		return
	}
	s1 := e1.String()
	e2, err := symbolic.Parse(s1)
	require.NoError(t, err, "reparse %q (printed from %q)", s1, src)
	assert.Equal(t, s1, e2.String(), "from %q", src)
	assert.True(t, symbolic.Equal(e1, e2), "trees differ: %q from %q", s1, src)
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range ruleCases {
		roundTrip(t, tc.f)
	}
	for _, s := range []string{"x^y^z", "(x^y)^z", "-x^2", "(-x)^2", "a - (b - c)", "a/(b*c)", "-a/b",
		"-(a + b)*c", "x^(-1)", "2^-x", "-2*x", "x/-2", "-x - y", "sin(-x)^2", "-sin(x)^-2"} {
		roundTrip(t, s)
	}
	// Random expressions.
	rng := nn.NewRand(7)
	for i := 0; i < 500; i++ {
		roundTrip(t, randomFormula(rng, 4))
	}
}

// randomFormula writes a random well-formed formula of the given depth.
func randomFormula(rng *rand.Rand, depth int) string {
	if depth == 0 || rng.IntN(4) == 0 {
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprint(rng.IntN(5))
		case 1:
			return fmt.Sprintf("%.2f", rng.Float64()*3)
		}
		return []string{"x", "y", "z", "W1[1,2]"}[rng.IntN(4)]
	}
	a, b := randomFormula(rng, depth-1), randomFormula(rng, depth-1)
	switch rng.IntN(9) {
	case 0:
		return a + " + " + b
	case 1:
		return a + " - " + b
	case 2:
		return "(" + a + ")*" + b
	case 3:
		return a + "/(" + b + ")"
	case 4:
		return "(" + a + ")^" + []string{"2", "3", "-1", "0.5", "y"}[rng.IntN(5)]
	case 5:
		return "-" + "(" + a + ")"
	case 6:
		return []string{"exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "step"}[rng.IntN(8)] + "(" + a + ")"
	case 7:
		return a + "*" + b
	}
	return "(" + a + ") - (" + b + ")"
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in  string
		col int
	}{
		{"", 1},
		{"x +", 4},
		{"* x", 1},
		{"x y", 3},
		{"(x", 3},
		{"x)", 2},
		{"sin x", 5},
		{"sin(x", 6},
		{"foo(x)", 1},
		{"x # y", 3},
		{"3..4", 3},
		{".", 1},
		{"x[", 3},
		{"x[1,]", 5},
		{"x[a]", 3},
		{"x[1 2]", 4},
		{"1e999", 1},
		{"x ^", 4},
		{"()", 2},
		{"sin()", 5},
		{"x,y", 2},
		{"2 + * 3", 5},
		{"exp(1))", 7},
		{"x $", 3},
		{"a = b", 3},
		{"((x)", 5},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = symbolic.Parse(tc.in) })
			require.Error(t, err)
			var pe *symbolic.ParseError
			require.True(t, errors.As(err, &pe), "%T: %v", err, err)
			assert.Equal(t, tc.col, pe.Col, "%v", err)
			assert.Contains(t, err.Error(), fmt.Sprintf("column %d", tc.col))
		})
	}
}

func TestParseDepthLimit(t *testing.T) {
	deep := strings.Repeat("(", 5000) + "x" + strings.Repeat(")", 5000)
	_, err := symbolic.Parse(deep)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nested")
	_, err = symbolic.Parse(strings.Repeat("-", 5000) + "x")
	require.Error(t, err)
}

func TestParseList(t *testing.T) {
	es, err := symbolic.ParseList("2*x - sin(y), -x*cos(y), W1[1,2]")
	require.NoError(t, err)
	require.Len(t, es, 3)
	assert.Equal(t, "2*x - sin(y)", es[0].String())
	assert.Equal(t, "-x*cos(y)", es[1].String())
	assert.Equal(t, "W1[1,2]", es[2].String())
	_, err = symbolic.ParseList("x,")
	require.Error(t, err)
}

// FuzzParse checks that Parse never panics, reports errors with a column inside the input
// (or just past its end), and that what it accepts prints to a formula it reads back as the
// same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"x*(x^2 - sin(y))", "exp(-a*x)/2", "W1[2,3]*x[3] + b1[2]", "-x^-y^2", "1e-3/(.5 - x)", "sqrt(relu(x·y − 1))", "((x)", "x[1,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := symbolic.Parse(s)
		if err != nil {
			var pe *symbolic.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T %v, want *ParseError", s, err, err)
			}
			if pe.Col < 1 || pe.Col > utf8.RuneCountInString(s)+1 {
				t.Fatalf("Parse(%q): column %d outside 1..%d", s, pe.Col, utf8.RuneCountInString(s)+1)
			}
			return
		}
		if symbolic.TreeSize(e) > 1e5 {
			return
		}
		p := e.String()
		e2, err := symbolic.Parse(p)
		if err != nil {
			t.Fatalf("Parse(%q) printed as %q, which does not parse: %v", s, p, err)
		}
		if p2 := e2.String(); p2 != p || !symbolic.Equal(e, e2) {
			t.Fatalf("Parse(%q) printed as %q reparses to %q", s, p, p2)
		}
		_ = symbolic.LaTeX(e)
	})
}
