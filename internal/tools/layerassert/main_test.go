package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `package x

import "nabla/nn"

func f(l nn.Layer) {
	d := l.(*nn.Dense)                   // unchecked
	_ = l.(*nn.Dense).In                 // unchecked
	e, ok := l.(*nn.Dense)               // checked
	var g, ok2 = l.(*nn.Dense)           // checked
	switch v := l.(type) {               // a type switch
	case *nn.Dense:
		_ = v
	}
	var s any = 1
	_ = s.(int)                          // not an nn type
	_, _, _, _, _ = d, e, ok, g, ok2
	_ = (l).(nn.Layer)                   // unchecked, interface
}
`

func TestCheck(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "x", "testdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "x", "x_test.go"), []byte(sample), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "x", "testdata", "y.go"), []byte(sample), 0o644))
	found, err := Check(root)
	require.NoError(t, err)
	var got []string
	for _, u := range found {
		got = append(got, filepath.Base(u.Pos.Filename)+":"+u.Type)
		assert.Contains(t, []int{6, 7, 17}, u.Pos.Line)
	}
	assert.Equal(t, []string{"x_test.go:*nn.Dense", "x_test.go:*nn.Dense", "x_test.go:nn.Layer"}, got)

	var out bytes.Buffer
	assert.Equal(t, 1, run(&out, []string{root}))
	assert.Contains(t, out.String(), "x_test.go:6:7: unchecked type assertion to *nn.Dense")
	require.NoError(t, os.WriteFile(filepath.Join(root, "x", "bad.go"), []byte("package x\nfunc {"), 0o644))
	assert.Equal(t, 2, run(&out, []string{root}))
}

// TestModule holds the whole module to the rule under go test.
func TestModule(t *testing.T) {
	found, err := Check(filepath.Join("..", "..", ".."))
	require.NoError(t, err)
	for _, u := range found {
		t.Errorf("%s: unchecked type assertion to %s: use a type switch or the two-value form", u.Pos, u.Type)
	}
}
