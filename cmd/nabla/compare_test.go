package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
	"nabla/numeric"
	"nabla/reports"
)

// compareJSON runs nabla compare with --format json and decodes its output.
func compareJSON(t *testing.T, wantCode int, args ...string) (reports.Agreement, string) {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"compare", "--format", "json"}, args...)...)
	require.Equal(t, wantCode, code, "stderr: %s", errOut)
	a, err := reports.ReadAgreement(strings.NewReader(out))
	require.NoError(t, err, "stdout: %s", out)
	return a, errOut
}

func findPair(t *testing.T, a reports.Agreement, x, y string) gradients.Pair {
	t.Helper()
	for _, p := range a.Pairs {
		if p.A == x && p.B == y || p.A == y && p.B == x {
			return p
		}
	}
	require.Failf(t, "pair not found", "%s vs %s in %v", x, y, a.Pairs)
	return gradients.Pair{}
}

func engineNames(a reports.Agreement) []string {
	var names []string
	for _, e := range a.Engines {
		names = append(names, e.Name)
	}
	return names
}

// The "done means": backprop and central differences agree to 1e-6 on 3-5-4-2.
func TestCompareDefault3542(t *testing.T) {
	code, out, errOut := runCLI(t, "compare", "--net", "3-5-4-2", "--format", "json")
	require.Equal(t, 0, code, "stderr: %s", errOut)
	var raw struct {
		Pairs []struct {
			A, B      string
			MaxRelErr float64 `json:"max_rel_err"`
			Worst     string
			Agree     bool
		} `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	found := false
	for _, p := range raw.Pairs {
		assert.True(t, p.Agree, "%s vs %s", p.A, p.B)
		assert.NotEmpty(t, p.Worst)
		if p.A == "backprop" && p.B == "numeric-central" {
			found = true
			assert.LessOrEqual(t, p.MaxRelErr, 1e-6)
		}
	}
	assert.True(t, found, "no backprop vs numeric-central pair in %s", out)

	a, _ := compareJSON(t, 0, "--net", "3-5-4-2")
	assert.Equal(t, "3-5-4-2", a.Net)
	assert.Equal(t, 54, a.Params)
	assert.Equal(t, 16, a.Batch, "--help says the default batch is 16")
	assert.Equal(t, uint64(1), a.Seed, "--help says the default seed is 1")
	assert.True(t, a.Agree)
	// The fakes support other networks only; they are skipped with the reason.
	assert.NotContains(t, engineNames(a), "test-broken")
	assert.Contains(t, errOut, "skipping test-broken")
	n := len(a.Engines)
	assert.Len(t, a.Pairs, n*(n-1)/2)
	for _, e := range a.Engines {
		assert.InEpsilon(t, a.Engines[0].K, e.K, 1e-9, e.Name)
	}
}

// 784-30-10 with batch 10 completes; in -short mode it is left out (numeric takes seconds).
func TestCompareMNISTSize(t *testing.T) {
	if testing.Short() {
		t.Skip("784-30-10 with finite differences takes seconds")
	}
	a, errOut := compareJSON(t, 0, "--net", "784-30-10", "--batch", "10", "--engines", "backprop,numeric-forward")
	assert.Equal(t, 23860, a.Params)
	p := findPair(t, a, "backprop", "numeric-forward")
	assert.True(t, p.Agree)
	assert.Contains(t, errOut, "nabla compare: numeric-forward: about ", "progress on stderr")
	// n+1 evaluations of forward differences plus the ones that measure the noise of K.
	evals := a.Params + 1 + numeric.NoiseEvaluations
	assert.Contains(t, errOut, fmt.Sprintf("(%d cost evaluations × forward ", evals))
}

func TestCompareDisagreement(t *testing.T) {
	for _, args := range [][]string{
		{"--net", brokenNet}, // default selection includes the fake
		{"--net", brokenNet, "--engines", "backprop,test-broken"}, // named
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			a, errOut := compareJSON(t, 1, args...)
			assert.False(t, a.Agree)
			p := findPair(t, a, "backprop", "test-broken")
			assert.False(t, p.Agree)
			assert.Equal(t, "W2[1,2]", p.Worst)
			assert.Equal(t, "W2", p.FirstBad)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			last := lines[len(lines)-1]
			assert.True(t, strings.HasPrefix(last, "nabla compare: "), last)
			assert.Contains(t, last, "disagree")
			assert.Contains(t, last, "W2[1,2]")
		})
	}
	// The table still goes to stdout.
	code, out, _ := runCLI(t, "compare", "--net", brokenNet, "--engines", "backprop,test-broken")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "NO (from W2)")
}

func TestCompareBudget(t *testing.T) {
	a, errOut := compareJSON(t, 0, "--net", slowNet)
	assert.NotContains(t, engineNames(a), "test-slow")
	assert.Contains(t, errOut, "skipping test-slow: estimated ")
	assert.Contains(t, errOut, "(1000000000000 cost evaluations × forward ")
	assert.Contains(t, errOut, "exceeds the budget of 30s; name it in --engines to run it anyway, or raise --budget")
	require.NotEmpty(t, a.Skipped)
	assert.True(t, slices.ContainsFunc(a.Skipped, func(s reports.SkippedEngine) bool {
		return s.Name == "test-slow" && strings.Contains(s.Reason, "--budget")
	}))

	// Named engines always run, whatever their estimate; the estimate is announced.
	a, errOut = compareJSON(t, 0, "--net", slowNet, "--engines", "test-slow,backprop")
	assert.Equal(t, []string{"test-slow", "backprop"}, engineNames(a))
	assert.Contains(t, errOut, "nabla compare: test-slow: about ")
	assert.Contains(t, errOut, "(1000000000000 cost evaluations × forward ")

	// --budget 0 lifts the limit for the default selection.
	a, _ = compareJSON(t, 0, "--net", slowNet, "--budget", "0")
	assert.Contains(t, engineNames(a), "test-slow")
	// A budget below any gradient's time skips every engine: nothing left to compare.
	code, _, errOut := runCLI(t, "compare", "--net", "3-4-2", "--budget", "1ns")
	assert.Equal(t, exitUsage, code, "nothing to compare is a usage error: raise --budget")
	assert.Contains(t, errOut, "skipping numeric-central: estimated ")
	assert.Contains(t, errOut, "skipping backprop: estimated ")
	assert.Contains(t, errOut, "only 0 engine(s) can run 3-4-2 with batch 16 within --budget 1ns")
}

func TestCompareAct(t *testing.T) {
	a, _ := compareJSON(t, 0, "--net", "3-4-2:relu,sigmoid", "--act", "tanh", "--engines", "backprop,numeric-central")
	assert.Equal(t, "3-4-2:tanh,tanh", a.Net)
	a, _ = compareJSON(t, 0, "--net", "3-4-2", "--act", "identity", "--engines", "backprop,numeric-central", "--batch", "3", "--seed", "9")
	assert.Equal(t, "3-4-2:identity,identity", a.Net)
	assert.Equal(t, 3, a.Batch)
	assert.Equal(t, uint64(9), a.Seed)
}

func TestCompareFormats(t *testing.T) {
	for _, f := range []string{"table", "markdown", "json"} {
		t.Run(f, func(t *testing.T) {
			code, out, errOut := runCLI(t, "compare", "--net", "3-4-2", "--engines", "backprop,numeric-central", "--format", f)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, "numeric-central")
			assert.Contains(t, out, "3-4-2")
			switch f {
			case "markdown":
				assert.Contains(t, out, "|:---")
			case "table":
				assert.Contains(t, out, "┌")
			case "json":
				assert.True(t, json.Valid([]byte(out)))
			}
		})
	}
}

func TestCompareErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown engine", []string{"--net", "3-4-2", "--engines", "backprop,nope"}, 2, []string{`unknown engine "nope"`, "backprop", "numeric-central"}},
		{"one engine", []string{"--net", "3-4-2", "--engines", "backprop"}, 2, []string{"at least two engines"}},
		{"engine twice", []string{"--net", "3-4-2", "--engines", "backprop,backprop"}, 2, []string{"backprop twice"}},
		{"unsupported named engine", []string{"--net", "3-4-2", "--engines", "backprop,test-broken"}, 2, []string{"unsupported", "runs only"}},
		{"bad net", []string{"--net", "3-x-2"}, 2, []string{"--net", `"3-x-2"`, `layer 1 "x"`}},
		{"one size", []string{"--net", "3"}, 2, []string{"--net", "at least one layer"}},
		{"bad activation in net", []string{"--net", "3-4:swish"}, 2, []string{"--net", "swish"}},
		{"no net", nil, 2, []string{"--net is required"}},
		{"bad act", []string{"--net", "3-4-2", "--act", "swish"}, 2, []string{"--act", "swish", "sigmoid, tanh, relu or identity"}},
		{"bad format", []string{"--net", "3-4-2", "--format", "html"}, 2, []string{`--format html`, "table, markdown, json"}},
		{"budget without unit", []string{"--net", "3-4-2", "--budget", "5"}, 2, []string{"--budget 5", "5s"}},
		{"zero batch", []string{"--net", "3-4-2", "--batch", "0"}, 2, []string{"--batch 0"}},
		{"huge batch", []string{"--net", "784-10", "--batch", "1000000"}, 2, []string{"smaller batch"}},
		{"negative budget", []string{"--net", "3-4-2", "--budget", "-1s"}, 2, []string{"--budget"}},
		{"extra argument", []string{"--net", "3-4-2", "extra"}, 2, []string{"unexpected arguments"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"compare"}, c.args...)...)
			assert.Equal(t, c.code, code)
			assert.Empty(t, out)
			lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
			last := lines[len(lines)-1]
			assert.True(t, strings.HasPrefix(last, "nabla compare: "), "one line naming the command: %q", errOut)
			for _, w := range c.want {
				assert.Contains(t, last, w)
			}
		})
	}
	// Flag syntax errors are one line too, with a hint, and exit 2.
	code, _, errOut := runCLI(t, "compare", "--nett", "3-4-2")
	assert.Equal(t, 2, code)
	assert.Equal(t, "nabla compare: unknown flag --nett; run 'nabla help compare' for the flags\n", errOut)
	code, _, _ = runCLI(t, "compare", "--batch", "many")
	assert.Equal(t, 2, code)
}

// helpText returns the command's --help output, checking both ways of asking for it.
func helpText(t *testing.T, cmd string) string {
	t.Helper()
	code, out, errOut := runCLI(t, cmd, "--help")
	require.Equal(t, 0, code)
	assert.Empty(t, errOut)
	code2, out2, _ := runCLI(t, "help", cmd)
	require.Equal(t, 0, code2)
	assert.Equal(t, out, out2)
	return out
}

// checkHelpFlags checks that the synopsis and the flag list name every flag the command
// defines, with the defaults it really uses.
func checkHelpFlags(t *testing.T, cmd, help string) {
	t.Helper()
	c := commands[cmd]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	c.setup(fs)
	fs.VisitAll(func(f *flag.Flag) {
		assert.Contains(t, c.usage, "--"+f.Name, "synopsis of %s", cmd)
		assert.Contains(t, help, "-"+f.Name+" ")
		if showDefault(f) {
			assert.True(t, strings.Contains(help, "(default "+f.DefValue+")") || strings.Contains(help, `(default "`+f.DefValue+`")`),
				"-%s default %s", f.Name, f.DefValue)
		}
	})
}

func TestCompareHelp(t *testing.T) {
	help := helpText(t, "compare")
	assert.Contains(t, help, "usage: nabla compare --net")
	checkHelpFlags(t, "compare", help)
	for _, name := range gradients.Names() {
		assert.Contains(t, help, name, "every registered engine is listed")
	}
	for _, f := range []string{"table", "markdown", "json"} {
		assert.Contains(t, help, f)
	}
	for _, a := range []string{"sigmoid", "tanh", "relu", "identity"} {
		assert.Contains(t, help, a)
	}
	assert.Contains(t, help, "(default 16)")
	assert.Contains(t, help, "(default 1)")
	assert.Contains(t, help, `(default table)`)
	// The command list shows compare.
	_, out, _ := runCLI(t, "help")
	assert.Contains(t, out, "compare")
}

// The "done means" for the cost: every engine runs on the cross-entropy cost of
// 4-8-3:tanh,sigmoid and every pair agrees.
func TestCompareCrossEntropy(t *testing.T) {
	a, errOut := compareJSON(t, 0, "--net", "4-8-3:tanh,sigmoid", "--cost", "xent")
	assert.Equal(t, nn.CrossEntropy, a.Cost)
	assert.True(t, a.Agree, errOut)
	ran := engineNames(a)
	for _, name := range gradients.Names() {
		if strings.HasPrefix(name, "test-") {
			continue // this package's fakes, each for its own network
		}
		assert.Contains(t, ran, name, "engine %s did not run; stderr: %s", name, errOut)
	}
	n := len(ran)
	assert.Len(t, a.Pairs, n*(n-1)/2)
	// The quadratic cost of the same network and data is another K.
	q, _ := compareJSON(t, 0, "--net", "4-8-3:tanh,sigmoid", "--engines", "backprop,symbolic")
	assert.Equal(t, nn.Quadratic, q.Cost)
	assert.NotEqual(t, q.Engines[0].K, a.Engines[0].K)
}
