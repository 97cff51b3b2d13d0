package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/internal/par"
)

func TestThreadsFlag(t *testing.T) {
	defer par.SetThreads(0)
	for _, tc := range []struct {
		name string
		n    string
		code int
	}{
		{"negative", "-1", 2},
		{"too many", "257", 2},
		{"not a number", "two", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "grad", "--net", "2-3-1", "--engine", "backprop", "--threads", tc.n)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, "threads")
		})
	}
	code, _, stderr := runCLI(t, "compare", "--net", "4-8-3", "--batch", "5", "--threads", "3")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, 3, par.Threads(), "--threads 3 sets the default of the engines built afterwards")
}
