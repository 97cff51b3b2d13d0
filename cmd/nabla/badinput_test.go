package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadInputCLI runs every command on bad input in-process: each must exit non-zero with
// one line on stderr, "nabla COMMAND: …", naming the problem, and never panic.
func TestBadInputCLI(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	goodB := file("batch.json", `{"X": [[0.5, -0.5]], "Z": [[1]]}`)
	params := file("params.json", `{"A": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]}`) // 2-3-1 has 13
	// Corrupt MNIST: a directory whose four files are not IDX.
	mnist := filepath.Join(dir, "mnist")
	require.NoError(t, os.Mkdir(mnist, 0o755))
	for _, n := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		require.NoError(t, os.WriteFile(filepath.Join(mnist, n), []byte{0, 0, 8, 3, 0, 0, 0, 9}, 0o644))
	}

	for _, tc := range []struct {
		name string
		args []string
		want string // in the message, case-insensitive
	}{
		{"compare: no net", []string{"compare"}, "--net"},
		{"compare: zero width", []string{"compare", "--net", "4-0-3"}, "bad architecture"},
		{"compare: 10⁶ width", []string{"compare", "--net", "1000000-1000000-1"}, "too large"},
		{"compare: unknown activation", []string{"compare", "--net", "4-3:softmax"}, "unknown activation"},
		{"compare: empty batch", []string{"compare", "--net", "4-8-3", "--batch", "0"}, "batch"},
		{"compare: unknown engine", []string{"compare", "--net", "4-8-3", "--engines", "backprop,nope"}, "unknown engine"},
		{"grad: missing params file", []string{"grad", "--net", "2-3-1", "--params", filepath.Join(dir, "none.json"), "--batch", goodB}, "none.json"},
		{"grad: malformed params", []string{"grad", "--net", "2-3-1", "--params", file("bad.json", `{"A": [1, 2,`), "--batch", goodB}, "bad.json"},
		{"grad: NaN as number", []string{"grad", "--net", "2-3-1", "--params", file("nan.json", `{"A": [NaN]}`), "--batch", goodB}, "nan.json"},
		{"grad: overflowing number", []string{"grad", "--net", "2-3-1", "--params", file("inf.json", `{"A": [1e999, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]}`), "--batch", goodB}, "inf.json"},
		{"grad: short A", []string{"grad", "--net", "2-3-1", "--params", file("short.json", `{"A": [1, 2]}`), "--batch", goodB}, "13 parameters"},
		{"grad: input size mismatch", []string{"grad", "--net", "2-3-1", "--params", params, "--batch", file("wide.json", `{"X": [[1, 2, 3]], "Z": [[1]]}`)}, "wide.json"},
		{"grad: empty batch", []string{"grad", "--net", "2-3-1", "--params", params, "--batch", file("empty.json", `{"X": [], "Z": []}`)}, "empty.json"},
		{"grad: ragged batch", []string{"grad", "--net", "2-3-1", "--params", params, "--batch", file("ragged.json", `{"X": [[1, 2], [3]], "Z": [[1], [2]]}`)}, "ragged.json"},
		{"check: malformed formula", []string{"check", "--f", "x+", "--grad", "1"}, "column"},
		{"check: deep nesting", []string{"check", "--f", strings.Repeat("(", 5000) + "x" + strings.Repeat(")", 5000), "--grad", "1"}, "nested"},
		{"check: malformed gradient", []string{"check", "--f", "x^2", "--grad", "2*x)"}, "column"},
		{"derive: zero width", []string{"derive", "--net", "2-0-1"}, "bad architecture"},
		{"steps: bad net", []string{"steps", "--net", "2-x-1"}, "bad architecture"},
		{"train: unknown set", []string{"train", "--set", "nope"}, "nope"},
		{"train: corrupt IDX", []string{"train", "--set", "mnist", "--data", mnist, "--epochs", "1"}, "idx"},
		{"train: missing MNIST dir", []string{"train", "--set", "mnist", "--data", filepath.Join(dir, "nowhere"), "--epochs", "1"}, "nowhere"},
		{"report: missing results", []string{"report", "--from", filepath.Join(dir, "none.json"), "--out", dir}, "none.json"},
		{"report: corrupt results", []string{"report", "--from", file("results.json", "{not json"), "--out", dir}, "results.json"},
		{"mutate: 10⁶ width", []string{"mutate", "--net", "1000000-1000000-1"}, "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := commands[tc.args[0]]; !ok {
				t.Skipf("command %s not registered", tc.args[0])
			}
			var code int
			var stderr string
			require.NotPanics(t, func() { code, _, stderr = runMutateCLI(tc.args...) })
			assert.NotZero(t, code)
			assert.True(t, strings.HasPrefix(stderr, "nabla "+tc.args[0]+": "), "stderr %q", stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Contains(t, strings.ToLower(stderr), strings.ToLower(tc.want))
		})
	}
}
