package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHessianCommand(t *testing.T) {
	for _, engine := range []string{"backprop", "autodiff-reverse", "symbolic"} {
		t.Run(engine, func(t *testing.T) {
			plot := filepath.Join(t.TempDir(), "spectrum.svg")
			code, out, errOut := runCLI(t, "hessian", "--net", "2-3-2", "--engine", engine, "--plot", plot, "--cost", "xent")
			require.Equal(t, 0, code, errOut)
			m := regexp.MustCompile(`symmetry error [^\n]*= (\S+)\n`).FindStringSubmatch(out)
			require.NotNil(t, m, out)
			sym, err := strconv.ParseFloat(m[1], 64)
			require.NoError(t, err)
			assert.LessOrEqual(t, sym, 1e-12)
			assert.Regexp(t, `λmin = -?[0-9.e+-]+, λmax = [0-9.e+-]+, condition number`, out)
			for _, blk := range []string{"W1", "b1", "W2", "b2"} {
				assert.Regexp(t, "│ "+blk+" ", out)
			}
			svg, err := os.ReadFile(plot)
			require.NoError(t, err)
			assert.Contains(t, string(svg), "<svg")
		})
	}
}

func TestHessianCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no net", []string{"hessian"}, 2},
		{"too large", []string{"hessian", "--net", "784-30-10"}, 2},
		{"unknown engine", []string{"hessian", "--net", "2-3-1", "--engine", "nope"}, 2},
		{"engine without Hv", []string{"hessian", "--net", "2-3-1", "--engine", "numeric-forward"}, 2},
		{"plot not svg", []string{"hessian", "--net", "2-3-1", "--plot", "x.png"}, 2},
		{"plot dir missing", []string{"hessian", "--net", "2-3-1", "--plot", "/nonexistent/dir/x.svg"}, 2},
		{"bad format", []string{"hessian", "--net", "2-3-1", "--format", "xml"}, 2},
		{"unknown cost", []string{"hessian", "--net", "2-3-1", "--cost", "hinge"}, 2},
		{"constant cost, nothing to plot", []string{"hessian", "--net", "2-3-1", "--cost", "xent", "--plot", "/tmp/never-written.svg"}, 1},
		{"zero batch", []string{"hessian", "--net", "2-3-1", "--batch", "0"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code, errOut)
			assert.NotEmpty(t, errOut)
		})
	}
}
