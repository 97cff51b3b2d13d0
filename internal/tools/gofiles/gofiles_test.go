package gofiles_test

import (
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/internal/tools/gofiles"
)

func TestWalk(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a/a.go", "a/a_test.go", "a/testdata/t.go", ".hidden/h.go", "b/b.go", "b/notes.txt"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte("package x\n"), 0o644))
	}
	for _, tc := range []struct {
		tests bool
		want  []string
	}{
		{false, []string{"a/a.go", "b/b.go"}},
		{true, []string{"a/a.go", "a/a_test.go", "b/b.go"}},
	} {
		var got []string
		err := gofiles.Walk(root, tc.tests, func(_ *token.FileSet, path string, f *ast.File) error {
			rel, err := filepath.Rel(root, path)
			require.NoError(t, err)
			assert.Equal(t, "x", f.Name.Name)
			got = append(got, filepath.ToSlash(rel))
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "tests %v", tc.tests)
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "b/bad.go"), []byte("package"), 0o644))
	assert.Error(t, gofiles.Walk(root, false, func(*token.FileSet, string, *ast.File) error { return nil }))
}
