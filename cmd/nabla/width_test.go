package main

import (
	"encoding/csv"
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
	// --wide keeps every column.
	_, out, _ := runCLI(t, "compare", "--net", "4-8-3", "--wide")
	assert.Contains(t, out, "a at worst")
	assert.NotContains(t, out, "--wide shows all")
}

// TestCSV checks that every command with a table writes it as CSV: a header and rows of
// the same width.
func TestCSV(t *testing.T) {
	for _, args := range [][]string{
		{"compare", "--net", "3-4-2", "--engines", "backprop,numeric-central"},
		{"mutate", "--engines", "backprop"},
		{"steps", "--net", "2-2-1", "--sample", "2", "--per-decade", "1"},
		{"train", "--set", "xor", "--net", "2-3-1", "--epochs", "3"},
		{"derive", "--net", "2-1", "--examples=false", "--naive-budget", "-1"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, out, stderr := runCLI(t, append(args, "--format", "csv")...)
			require.Equal(t, 0, code, stderr)
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			require.NoError(t, err, out)
			require.GreaterOrEqual(t, len(recs), 2, "a header and rows")
		})
	}
}
