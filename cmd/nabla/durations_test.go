package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDurationsSection checks the durations section of docs/RESULTS.md: the table of timed
// runs with when, where and the load, kept in durations.json between runs.
func TestDurationsSection(t *testing.T) {
	d := &durations{Date: "2026-12-01T03:40:00Z", Machine: "linux/amd64, 2 CPUs", LoadBefore: "1.50", LoadAfter: "2.25",
		Runs: []duration{{Command: "make bench", Seconds: 312.4}, {Command: "go test ./...", Seconds: 95, Exit: 1}}}
	path := filepath.Join(t.TempDir(), durationsFile)
	require.NoError(t, writeDurations(path, d))
	back, err := readDurations(path)
	require.NoError(t, err)
	assert.Equal(t, d, back)

	var b bytes.Buffer
	require.NoError(t, writeDurationsSection(&b, back))
	for _, want := range []string{"2026-12-01T03:40:00Z", "linux/amd64, 2 CPUs", "1.50 before and 2.25 after",
		"| `make bench`", "5m12s", "| ok", "1m35s", "exit 1"} {
		assert.Contains(t, b.String(), want)
	}

	none, err := readDurations(filepath.Join(t.TempDir(), durationsFile))
	require.NoError(t, err)
	assert.Nil(t, none)
	b.Reset()
	require.NoError(t, writeDurationsSection(&b, none))
	assert.Contains(t, b.String(), "Not measured yet: run `go run ./cmd/nabla results --durations`")
}

// TestDurationsNeedModuleRoot: --durations runs make and go test, so it is refused before any
// work outside the module's root.
func TestDurationsNeedModuleRoot(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, stderr := runCLI(t, "results", "--durations", "--out", filepath.Join(dir, "R.md"))
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, "nabla results: --durations runs make and go test from the module's root; run it where go.mod is\n", stderr)
}
