package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/lab"
	"nabla/reports"
)

func TestReportWritesAndRerenders(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"report", "--quick", "--nets", "2-3-1@4,4-8-3:tanh,sigmoid@4", "--engines", "backprop,numeric-central",
		"--widths", "2,4,8", "--budget", "50ms", "--out", dir}
	files := []string{"REPORT.md", "results.json", "scaling-time.svg", "scaling-ratio.svg", "agreement.svg"}
	if testing.Short() {
		args = append(args, "--no-extras") // the step-size sweep takes seconds
	} else {
		files = append(files, "steps.svg")
	}
	code := run(args, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	for _, f := range files {
		assert.Contains(t, stdout.String(), filepath.Join(dir, f))
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
	assert.Contains(t, stderr.String(), "cross-check net=2-3-1/batch=4", "progress goes to stderr")

	r, err := reports.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	assert.Len(t, r.Benchmarks, 4)
	assert.Len(t, r.Agreement, 2)
	assert.True(t, r.Agreement[0].Agree)
	assert.Len(t, r.Scaling.Widths, 3)
	assert.Contains(t, r.Command, "--widths 2,4,8")
	for _, id := range []string{reports.SectionSteps, reports.SectionTrajectories, lab.SectionSwell, lab.SectionMutation} {
		_, ok := r.Section(id)
		assert.Equal(t, !testing.Short(), ok, id)
	}

	// --from renders the same report again without measuring.
	again := t.TempDir()
	stdout.Reset()
	code = run([]string{"report", "--from", filepath.Join(dir, "results.json"), "--out", again}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	for _, f := range files {
		a, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(again, f))
		require.NoError(t, err)
		assert.Equal(t, string(a), string(b), f)
	}
}

func TestReportErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"report", "--engines", "nope", "--out", t.TempDir()}, 2, "unknown engine"},
		{[]string{"report", "--nets", "2-x-1", "--out", t.TempDir()}, 2, "architecture"},
		{[]string{"report", "--widths", "8,x", "--out", t.TempDir()}, 2, "--widths"},
		{[]string{"report", "--from", filepath.Join(t.TempDir(), "none.json")}, 2, "none.json"},
		{[]string{"report", "extra"}, 2, "unexpected arguments"},
		{[]string{"report", "--bogus"}, 2, ""},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		assert.Equal(t, c.code, code, "%v: %s", c.args, stderr.String())
		assert.Contains(t, stderr.String(), c.msg, c.args)
		if c.msg != "" {
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		}
	}
}

func TestBenchPrintsTimingTable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"bench", "--quick", "--nets", "2-3-1@4", "--engines", "backprop,numeric-forward", "--format", "markdown"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	out := stdout.String()
	assert.Contains(t, out, "| engine")
	assert.Contains(t, out, "| backprop")
	assert.Contains(t, out, "| numeric-forward")
	assert.Contains(t, stderr.String(), "forward", "progress goes to stderr")
}

func TestReportExitsOneOnProblems(t *testing.T) {
	r, err := reports.ReadFile(filepath.Join("..", "..", "reports", "testdata", "report_results.json"))
	require.NoError(t, err)
	r.Agreement[0].Pairs[0].Agree = false
	r.Agreement[0].Agree = false
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	var b bytes.Buffer
	require.NoError(t, r.WriteJSON(&b))
	require.NoError(t, os.WriteFile(in, b.Bytes(), 0o644))

	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "out")
	code := run([]string{"report", "--from", in, "--out", out}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "disagree on 2-3-1")
	_, err = os.Stat(filepath.Join(out, "REPORT.md"))
	assert.NoError(t, err, "the report is written all the same")
}
