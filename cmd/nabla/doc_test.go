package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// doc.go must list every command the binary has.
func TestDocListsCommands(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for name := range commands {
		assert.True(t, strings.Contains(string(doc), "\tnabla "+name+" "), "add a line for %q to the command list in cmd/nabla/doc.go", name)
	}
}
