package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/internal/table"
)

// TestTableWidths measures the widest line of each command's terminal output at default
// settings (with only the flags a command requires): every one fits 100 columns, and --wide
// shows what was left out.
func TestTableWidths(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		long bool // skipped with -short
	}{
		{"compare", []string{"compare", "--net", "4-8-3"}, false},
		{"compare relu", []string{"compare", "--net", "4-8-8-3:tanh,relu,sigmoid"}, false},
		{"mutate", []string{"mutate"}, false},
		{"steps", []string{"steps"}, false},
		{"train", []string{"train", "--set", "xor", "--net", "2-3-1"}, false},
		{"train --compare", []string{"train", "--set", "blobs", "--net", "2-4-4", "--epochs", "2", "--compare", "all"}, false},
		{"bench", []string{"bench", "--quick", "--nets", "2-3-1@4,784-30-10@10"}, true},
		{"derive", []string{"derive"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("runs the benchmarks; skipped with -short")
			}
			code, out, stderr := runCLI(t, tc.args...)
			require.NotEqual(t, exitUsage, code, stderr)
			require.NotEmpty(t, out)
			assert.LessOrEqual(t, table.WidestLine(out), table.DefaultWidth, "%s:\n%s", strings.Join(tc.args, " "), out)
		})
	}
	// The other commands with tables, on the inputs they need.
	for _, args := range tableCommands(t) {
		switch args[0] {
		case "hessian", "predict", "verify", "check", "grad", "newton":
			t.Run(args[0], func(t *testing.T) {
				code, out, stderr := runCLI(t, append(args, "--format", "table")...)
				require.Equal(t, 0, code, stderr)
				assert.LessOrEqual(t, table.WidestLine(out), table.DefaultWidth, "%s:\n%s", strings.Join(args, " "), out)
			})
		}
	}
	// --wide keeps every column.
	_, out, _ := runCLI(t, "compare", "--net", "4-8-3", "--wide")
	assert.Contains(t, out, "a at worst")
	assert.NotContains(t, out, "--wide shows all")
}

// TestEveryFormat checks that every command with --format takes all four formats: tables
// have JSON and CSV everywhere.
func TestEveryFormat(t *testing.T) {
	for name, c := range commands {
		fs := c.flags()
		c.declare(fs)
		f := fs.Lookup("format")
		if f == nil {
			continue
		}
		v, ok := f.Value.(*choiceValue)
		require.True(t, ok, name)
		assert.ElementsMatch(t, allFormats, v.allowed, "nabla %s --format", name)
	}
}

// tableCommands returns a short run of every command that prints tables, with the files they
// need written into a temporary directory.
func tableCommands(t *testing.T) [][]string {
	t.Helper()
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	params := file("A.json", `{"A": [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8, -0.9, 1.0, 1.1, -1.2, 1.3]}`)
	batch := file("batch.json", `{"X": [[0.5, -0.5], [1, 2]], "Z": [[1], [0]]}`)
	grad := filepath.Join(dir, "G.json")
	code, _, stderr := runCLI(t, "grad", "--net", "2-3-1", "--params", params, "--batch", batch, "--out", grad)
	require.Equal(t, 0, code, stderr)
	model := filepath.Join(dir, "model.json")
	code, _, stderr = runCLI(t, "train", "--set", "xor", "--epochs", "5", "--save", model, "--format", "json")
	require.Equal(t, 0, code, stderr)
	return [][]string{
		{"compare", "--net", "3-4-2", "--engines", "backprop,numeric-central"},
		{"mutate", "--engines", "backprop"},
		{"steps", "--net", "2-2-1", "--sample", "2", "--per-decade", "1"},
		{"train", "--set", "xor", "--net", "2-3-1", "--epochs", "3"},
		{"derive", "--net", "2-1", "--examples=false", "--naive-budget", "-1"},
		{"grad", "--net", "2-3-1", "--params", params, "--batch", batch},
		{"verify", "--net", "2-3-1", "--params", params, "--batch", batch, "--grad", grad},
		{"check", "--f", "x*sin(y)", "--grad", "sin(y), x*cos(y)", "--points", "2"},
		{"hessian", "--net", "2-2-1"},
		{"newton", "--set", "xor", "--net", "2-3-1", "--steps", "3"},
		{"predict", "--load", model, "--set", "xor"},
	}
}

// TestJSON checks that every command with a table writes it as JSON too: one valid JSON
// value and nothing else.
func TestJSON(t *testing.T) {
	for _, args := range tableCommands(t) {
		t.Run(args[0], func(t *testing.T) {
			code, out, stderr := runCLI(t, append(args, "--format", "json")...)
			require.Equal(t, 0, code, stderr)
			var v any
			require.NoError(t, json.Unmarshal([]byte(out), &v), out)
			assert.NotEmpty(t, v)
		})
	}
}

// TestCSV checks that every command with a table writes it as CSV: a header and rows of
// the same width.
func TestCSV(t *testing.T) {
	for _, args := range tableCommands(t) {
		t.Run(args[0], func(t *testing.T) {
			code, out, stderr := runCLI(t, append(args, "--format", "csv")...)
			require.Equal(t, 0, code, stderr)
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			require.NoError(t, err, out)
			require.GreaterOrEqual(t, len(recs), 2, "a header and rows")
		})
	}
}
