package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runStepsCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(append([]string{"steps"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestStepsJSONAndPlot(t *testing.T) {
	plotPath := filepath.Join(t.TempDir(), "steps.svg")
	code, out, stderr := runStepsCLI("--net", "3-4-2", "--param", "W1[2,3]", "--batch", "4", "--sample", "4",
		"--per-decade", "1", "--format", "json", "--plot", plotPath)
	require.Equal(t, 0, code, stderr)
	var s struct {
		Param  string  `json:"param"`
		Exact  float64 `json:"exact"`
		Curves []struct {
			Method      string  `json:"method"`
			Precision   string  `json:"precision"`
			Theory      float64 `json:"theory_step"`
			Recommended float64 `json:"recommended_step"`
			Points      []struct {
				H      float64 `json:"h"`
				RelErr any     `json:"rel_err"`
			} `json:"points"`
		} `json:"curves"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	assert.Equal(t, "W1[2,3]", s.Param)
	require.Len(t, s.Curves, 11)
	assert.Equal(t, "forward", s.Curves[0].Method)
	assert.InEpsilon(t, 1.49e-8, s.Curves[0].Theory, 1e-2)
	assert.Len(t, s.Curves[0].Points, 16)
	svg, err := os.ReadFile(plotPath)
	require.NoError(t, err)
	assert.Contains(t, string(svg), "<svg")
	assert.Contains(t, stderr, "wrote "+plotPath)
}

func TestStepsTable(t *testing.T) {
	code, out, stderr := runStepsCLI("--net", "2-3-1", "--batch", "2", "--sample", "3", "--per-decade", "1")
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{"step-size sweep on 2-3-1", "measured/theory", "richardson f32", "forward: float64 h ≈", "complex: any h ≤"} {
		assert.Contains(t, out, want)
	}
	code, out, stderr = runStepsCLI("--net", "2-3-1", "--batch", "2", "--sample", "3", "--per-decade", "1", "--format", "markdown")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "| method")
}

func TestStepsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--net", "2-x"}, "bad architecture"},
		{[]string{"--net", "2-3-1", "--param", "W9[1,1]"}, "unknown parameter"},
		{[]string{"--format", "html"}, "--format html: want one of"},
		{[]string{"--sample", "0"}, "--sample 0: want a whole number from 1"},
		{[]string{"--plot", "steps.gif", "--per-decade", "1", "--sample", "2", "--net", "2-2-1"}, ".svg, .png, .pdf"},
		{[]string{"--exact", "nope", "--net", "2-2-1"}, "unknown engine"},
		{[]string{"extra"}, "unexpected arguments"},
	} {
		code, _, stderr := runStepsCLI(tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	}
}
