package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// body returns a function body of n lines in all, its func line and closing brace included.
func body(header string, n int) string {
	return header + " {\n" + strings.Repeat("\t_ = 0\n", n-2) + "}\n"
}

func TestCheck(t *testing.T) {
	root := t.TempDir()
	write := func(path, src string) {
		p := filepath.Join(root, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	write("a/a.go", "package a\n\n"+body("func Short()", 10)+body("func Edge()", 10)+"type T struct{}\n\n"+body("func (t *T) Long()", 12)+body("func Gen[X any]()", 11))
	write("a/a_test.go", "package a\n\n"+body("func TestHuge()", 50))
	write("a/testdata/x.go", "package x\n\n"+body("func Huge()", 50))
	write("b/b.go", "package b\n\ntype G[X any] struct{}\n\n"+body("func (g G[X]) M()", 11))

	longs, err := Check(root, 10)
	require.NoError(t, err)
	var got []string
	for _, l := range longs {
		got = append(got, l.Name+":"+strings.TrimPrefix(filepath.ToSlash(l.Pos.Filename), filepath.ToSlash(root)+"/"))
		assert.Greater(t, l.Lines, 10)
	}
	assert.Equal(t, []string{"a.T.Long:a/a.go", "a.Gen:a/a.go", "b.G.M:b/b.go"}, got)

	for _, tc := range []struct {
		allow  []string
		status int
	}{
		{nil, 1},
		{[]string{"a.T.Long", "a.Gen"}, 1},
		{[]string{"a.T.Long", "a.Gen", "b.G.M"}, 0},
	} {
		var out bytes.Buffer
		assert.Equal(t, tc.status, run(&out, []string{root}, 10, tc.allow), "allow %v", tc.allow)
		assert.Contains(t, out.String(), "a.T.Long is 12 lines (limit 10)")
	}
	var out bytes.Buffer
	assert.Equal(t, 2, run(&out, []string{filepath.Join(root, "missing")}, 10, nil))
}

// TestModule runs the check on the whole module, so that go test ./... (and the gate that
// merges into main) holds the limit as make lint does.
func TestModule(t *testing.T) {
	longs, err := Check(filepath.Join("..", "..", ".."), 150)
	require.NoError(t, err)
	for _, l := range longs {
		t.Errorf("%s: %s is %d lines, over the limit of 150: split it", l.Pos, l.Name, l.Lines)
	}
}
