package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/internal/table"
)

// badCase is one command line that must be refused as a usage error.
type badCase struct {
	name string
	args []string
}

// conventionCases returns, for every registered command, a bad flag, an unwritable output
// path for every path flag (and the common --out), a huge value for every bounded count, a
// value outside the choices of every choice flag, and a duration without a unit for every
// duration.
func conventionCases(t *testing.T) []badCase {
	t.Helper()
	// A path under a regular file: no directory can be made there.
	file := filepath.Join(t.TempDir(), "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	missing := filepath.Join(file, "sub")
	var cases []badCase
	for name, c := range commands {
		add := func(what string, args ...string) {
			cases = append(cases, badCase{name + "/" + what, append([]string{name}, args...)})
		}
		add("bad flag", "--no-such-flag")
		fs := c.flags()
		c.declare(fs)
		fs.VisitAll(func(f *flag.Flag) {
			switch v := f.Value.(type) {
			case *pathValue:
				p := missing + "/out"
				if len(v.exts) > 0 {
					p += v.exts[0]
				}
				add("unwritable --"+f.Name, "--"+f.Name, p)
			case *intValue:
				add("huge --"+f.Name, "--"+f.Name, "1000000000")
				add("bad --"+f.Name, "--"+f.Name, "many")
			case *choiceValue:
				add("bad --"+f.Name, "--"+f.Name, "no-such-choice")
			case *durationValue:
				add("unitless --"+f.Name, "--"+f.Name, "5")
				add("negative --"+f.Name, "--"+f.Name, "-1s")
			case *floatValue:
				add("infinite --"+f.Name, "--"+f.Name, "Inf")
			}
		})
	}
	return cases
}

// TestConvention runs every command with a bad flag, bad values, huge counts and unwritable
// output paths: each exits 2 within a second with one line "nabla CMD: …", no trace.
func TestConvention(t *testing.T) {
	cases := conventionCases(t)
	// Values the generic cases cannot know: architectures, engines, files.
	cases = append(cases,
		badCase{"compare/bad net", []string{"compare", "--net", "2-x-1"}},
		badCase{"compare/huge batch for the net", []string{"compare", "--net", "784-10", "--batch", "1000000"}},
		badCase{"grad/bad net", []string{"grad", "--net", "2-x-1", "--params", "a.json", "--batch", "b.json"}},
		badCase{"grad/missing file", []string{"grad", "--net", "2-2-1", "--params", filepath.Join(t.TempDir(), "none.json"), "--batch", "b.json"}},
		badCase{"derive/bad net", []string{"derive", "--net", "2-x-1"}},
		badCase{"mutate/huge net", []string{"mutate", "--net", "1000-1000-1000"}},
		badCase{"mutate/unknown engine", []string{"mutate", "--engines", "nope,backprop"}},
		badCase{"steps/unknown parameter", []string{"steps", "--net", "2-2-1", "--param", "W9[1,1]"}},
		badCase{"steps/huge batch for the net", []string{"steps", "--net", "784-10", "--batch", "100000"}},
		badCase{"train/net does not fit the set", []string{"train", "--set", "xor", "--net", "3-2-1"}},
		badCase{"train/unknown engine", []string{"train", "--set", "xor", "--engine", "nope"}},
		badCase{"report/unknown engine", []string{"report", "--engines", "nope", "--out", t.TempDir()}},
		badCase{"report/budget without unit", []string{"report", "--budget", "5", "--out", t.TempDir()}},
		badCase{"check/points", []string{"check", "--f", "x^2", "--grad", "2*x", "--points", "-5"}},
		badCase{"help/unknown command", []string{"help", "foo"}},
		badCase{"verify/unknown engine", []string{"verify", "--net", "2-2-1", "--engines", "backprop,nope"}},
		badCase{"verify/inexact engine", []string{"verify", "--net", "2-2-1", "--engines", "numeric-central"}},
		badCase{"compare/order 2, unknown engine", []string{"compare", "--net", "2-2-1", "--order", "2", "--engines", "backprop,nope"}},
		badCase{"compare/order 2, engine without H·v", []string{"compare", "--net", "2-2-1", "--order", "2", "--engines", "backprop,numeric-forward"}},
		badCase{"compare/order 2, one engine", []string{"compare", "--net", "2-2-1", "--order", "2", "--engines", "backprop"}},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var out, stderr string
			start := time.Now()
			require.NotPanics(t, func() { code, out, stderr = runCLI(t, tc.args...) })
			assert.Less(t, time.Since(start), time.Second, "a usage error is found before any work")
			assert.Equal(t, exitUsage, code, "stderr: %s", stderr)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(stderr, "nabla "+tc.args[0]+": "), "names the command: %q", stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.NotContains(t, stderr, "goroutine")
		})
	}
}

// TestConventionHelp checks that the convention is written in "nabla help", that every
// command's help exits 0 on stdout, and that "nabla help foo" is an error.
func TestConventionHelp(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	require.Equal(t, 0, code)
	assert.LessOrEqual(t, table.WidestLine(out), table.DefaultWidth, "nabla help fits 100 columns:\n%s", out)
	for _, w := range []string{"--format table|markdown|json|csv", "--out FILE", "--seed", "--budget D", "5s", "Exit status: 0 ok; 1 a finding"} {
		assert.Contains(t, out, w)
	}
	for name := range commands {
		code, out, errOut := runCLI(t, "help", name)
		assert.Equal(t, 0, code, name)
		assert.Empty(t, errOut, name)
		assert.Contains(t, out, "usage: nabla "+name, name)
		assert.LessOrEqual(t, table.WidestLine(out), table.DefaultWidth, "nabla help %s fits 100 columns:\n%s", name, out)
		assert.NotContains(t, out, "(default -1)", "no made-up defaults")
		fs := commands[name].flags()
		commands[name].declare(fs)
		fs.VisitAll(func(f *flag.Flag) { assert.Contains(t, out, "--"+f.Name+" ", "%s lists --%s", name, f.Name) })
	}
	code, out, errOut := runCLI(t, "help", "foo")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, "nabla help: unknown command \"foo\"; run 'nabla help' for the list\n", errOut)
}

// TestOut checks that the common --out writes the output to a file and nothing to stdout.
func TestOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "derive.md")
	code, out, errOut := runCLI(t, "derive", "--net", "2-1", "--examples=false", "--naive-budget", "-1", "--format", "markdown", "--out", path)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	assert.FileExists(t, path)
	_, want, _ := runCLI(t, "derive", "--net", "2-1", "--examples=false", "--naive-budget", "-1", "--format", "markdown")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	got := string(data)
	// The timings differ from run to run; the table's first line does not.
	assert.Equal(t, strings.SplitN(want, "\n", 2)[0], strings.SplitN(got, "\n", 2)[0])
}

func TestFlagValues(t *testing.T) {
	var d time.Duration
	dv := &durationValue{&d}
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5s", 5 * time.Second, true}, {"250ms", 250 * time.Millisecond, true}, {"0", 0, true},
		{"5", 0, false}, {"-1s", 0, false}, {"soon", 0, false},
	} {
		d = 0
		err := dv.Set(tc.in)
		if tc.ok {
			assert.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, d, tc.in)
		} else {
			assert.Error(t, err, tc.in)
		}
	}
	assert.Equal(t, "1,000,000", groupDigits(1_000_000))
	assert.Equal(t, "-1", groupDigits(-1))
	assert.Equal(t, "999", groupDigits(999))
	assert.Equal(t, `"abc"`, quoteShort("abc"))
	assert.Equal(t, `"`+strings.Repeat("x", 40)+`"…`, quoteShort(strings.Repeat("x", 41)))
	assert.Equal(t, "12s", fmtDuration(12*time.Second))
	assert.Equal(t, "3 days", fmtDuration(72*time.Hour))
}

// TestInterruptEndsProgressLine checks that an interrupted command's error line starts on a
// line of its own after a progress line left open, and exits 130.
func TestInterruptEndsProgressLine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		progress string
		want     string
	}{
		{"open progress line", "\repoch 3/30  40% |████      |", "\repoch 3/30  40% |████      |\nnabla fake: interrupted; train: epoch 3: context canceled\n"},
		{"closed line", "starting\n", "starting\nnabla fake: interrupted; train: epoch 3: context canceled\n"},
		{"nothing written", "", "nabla fake: interrupted; train: epoch 3: context canceled\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &command{name: "fake", setup: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) error {
				return func(_ []string, _, stderr io.Writer) error {
					io.WriteString(stderr, tc.progress)
					return fmt.Errorf("train: epoch 3: %w", context.Canceled)
				}
			}}
			var out, errOut bytes.Buffer
			assert.Equal(t, exitInterrupted, c.run(nil, &out, &errOut))
			assert.Equal(t, tc.want, errOut.String())
		})
	}
}

// TestConventionCoversEveryCommand checks that TestConvention tries every command with a bad
// flag, a bad value, a huge count and an unwritable output path.
func TestConventionCoversEveryCommand(t *testing.T) {
	kinds := map[string]map[string]bool{}
	for _, c := range conventionCases(t) {
		name, what, _ := strings.Cut(c.name, "/")
		kind := strings.Fields(what)[0]
		if what == "bad flag" {
			kind = "bad flag"
		} else if kind == "bad" || kind == "infinite" || kind == "unitless" || kind == "negative" {
			kind = "bad value"
		}
		if kinds[name] == nil {
			kinds[name] = map[string]bool{}
		}
		kinds[name][kind] = true
	}
	for name := range commands {
		for _, kind := range []string{"bad flag", "bad value", "huge", "unwritable"} {
			assert.True(t, kinds[name][kind], "nabla %s is tried with a %s", name, kind)
		}
	}
}
