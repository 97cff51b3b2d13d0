package table

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func wideTable() Table {
	return Table{
		Header:   []string{"engine", "a long column one", "a long column two", "verdict"},
		Align:    "lrrl",
		Optional: []int{2, 1},
		Rows: [][]string{
			{"numeric-richardson", strings.Repeat("1", 40), strings.Repeat("2", 40), "yes"},
			{"backprop", "3", "4", "NO (from W2)"},
		},
	}
}

func write(t *testing.T, tb Table, o Options) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, tb.Write(&b, o))
	return b.String()
}

func TestTerminalFits(t *testing.T) {
	for _, width := range []int{100, 80, 60, 40} {
		out := write(t, wideTable(), Options{Width: width})
		assert.LessOrEqual(t, WidestLine(out), width, "width %d:\n%s", width, out)
		assert.Contains(t, out, "left out", "says what it left out")
	}
	// At 100 columns only the first optional column goes.
	out := write(t, wideTable(), Options{})
	assert.Contains(t, out, "left out: a long column two;")
	assert.NotContains(t, out, "cells cut short")
	assert.Contains(t, out, strings.Repeat("1", 40))
	// Narrower still: both optional columns go, then cells are cut.
	out = write(t, wideTable(), Options{Width: 30})
	assert.Contains(t, strings.ReplaceAll(out, "\n", " "), "left out: a long column two, a long column one")
	assert.Contains(t, out, "…")
}

func TestWideKeepsEverything(t *testing.T) {
	out := write(t, wideTable(), Options{Width: Wide})
	assert.Greater(t, WidestLine(out), 100)
	assert.Contains(t, out, strings.Repeat("2", 40))
	assert.NotContains(t, out, "left out")
}

func TestMarkdownAndCSV(t *testing.T) {
	tb := Table{Header: []string{"name", "value"}, Align: "lr", Rows: [][]string{{"W1[1,2]", "0.5"}, {"a|b_c", "1,5"}}}
	md := write(t, tb, Options{Format: Markdown})
	assert.Contains(t, md, "| name")
	assert.Contains(t, md, `a\|b\_c`)
	assert.Contains(t, md, "---:")
	csv := write(t, tb, Options{Format: CSV})
	assert.Equal(t, "name,value\n\"W1[1,2]\",0.5\na|b_c,\"1,5\"\n", csv)
}

func TestSmallTableUnchanged(t *testing.T) {
	tb := Table{Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}}}
	out := write(t, tb, Options{})
	assert.Equal(t, "┌───┬───┐\n│ a │ b │\n├───┼───┤\n│ 1 │ 2 │\n└───┴───┘\n", out)
}
