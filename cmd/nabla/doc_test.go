package main

import (
	"os"
	"regexp"
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

// TestReadme checks the README as a newcomer's page: at most 250 lines, a tour entry for every
// command, only commands that exist, and no development history (loads, clock times, agents,
// what an issue asked for).
func TestReadme(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(b)
	assert.LessOrEqual(t, strings.Count(readme, "\n"), 250, "README.md lines")
	for name := range commands {
		assert.Contains(t, readme, "**"+name+"**", "the tour shows nabla %s", name)
	}
	ran := 0
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1) {
		for _, m := range regexp.MustCompile(`(?m)^(?:go run \./cmd/)?nabla ([a-z]+)`).FindAllStringSubmatch(block[1], -1) {
			_, ok := commands[m[1]]
			assert.True(t, ok || m[1] == "help", "README runs nabla %s, which is no command", m[1])
			ran++
		}
	}
	assert.Greater(t, ran, len(commands), "the README's examples run nabla")
	for _, bad := range []string{`(?i)load average`, `(?i)\bagents?\b`, `\b\d\d:\d\d UTC`, `(?i)the issue`, `(?i)shared cores`} {
		assert.NotRegexp(t, bad, readme, "development history in README.md")
	}
}
