// Package table is nabla's one table writer: a table of strings drawn boxed for a terminal
// (fitted to a width, 100 columns by default), as GitHub-flavoured Markdown, or as CSV.
//
// A terminal table wider than its width leaves out the columns the table names as optional,
// in the order it names them, then shortens the widest cells with "…", and says under the
// table what it left out; Options.Width < 0 (the CLI's --wide) draws every column in full.
// Markdown and CSV always hold every column in full.
package table
