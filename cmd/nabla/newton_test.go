package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewtonCommand(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "curve.svg")
	code, out, errOut := runCLI(t, "newton", "--set", "xor", "--net", "2-3-1", "--steps", "12", "--eta", "0.5", "--plot", plot, "--wide")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Newton–CG train cost")
	// The last row: step 12, GD's cost in column 2, Newton–CG's in column 4.
	var last []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(strings.ReplaceAll(line, "│", " ")); len(f) == 7 && f[0] == "12" {
			last = f
		}
	}
	require.NotNil(t, last, out)
	gd, err := strconv.ParseFloat(last[1], 64)
	require.NoError(t, err)
	nt, err := strconv.ParseFloat(last[3], 64)
	require.NoError(t, err)
	assert.Less(t, nt, gd, "Newton–CG should end below gradient descent")
	svg, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.Contains(t, string(svg), "Newton")
}

func TestNewtonCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"newton", "--engine", "numeric-forward"},
		{"newton", "--net", "3-3-4"},
		{"newton", "--set", "mnist"},
		{"newton", "--plot", "x.png"},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
	}
}
