package mutants_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/mutants"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGolden pins the printed tables of a mutation run (engines named, so that new engines do
// not change it): go test ./mutants -run Golden -update rewrites them.
func TestGolden(t *testing.T) {
	rep, err := mutants.Run(mutants.Config{Engines: []string{"backprop", "autodiff-reverse", "symbolic", "numeric-central"}})
	require.NoError(t, err)
	for _, tc := range []struct {
		file   string
		render func(*bytes.Buffer) error
	}{
		{"mutate.txt", func(b *bytes.Buffer) error { return rep.Table(b) }},
		{"mutate.md", func(b *bytes.Buffer) error { return rep.Markdown(b) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var got bytes.Buffer
			require.NoError(t, tc.render(&got))
			path := filepath.Join("testdata", tc.file)
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, got.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -update to create it")
			assert.Equal(t, string(want), got.String())
		})
	}
}
