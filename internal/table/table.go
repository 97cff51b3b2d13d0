package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format selects how a table is drawn.
type Format int

const (
	// Terminal draws a boxed table for a terminal.
	Terminal Format = iota
	// Markdown draws a GitHub-flavoured Markdown table.
	Markdown
	// CSV writes comma-separated values with a header row.
	CSV
)

// DefaultWidth is the widest line of a terminal table when Options.Width is 0.
const DefaultWidth = 100

// minCell is the narrowest a shortened column gets, in terminal cells.
const minCell = 8

// Table is a header and rows of cells. The zero Align aligns every column left.
type Table struct {
	Header []string
	Rows   [][]string
	// Align has one letter per column, 'l' or 'r'; columns beyond it are left-aligned.
	Align string
	// Optional lists the columns (by index) that a terminal table too wide for its width may
	// leave out, the first left out first.
	Optional []int
}

// Options say how to write a table. The zero value draws a terminal table 100 columns wide.
type Options struct {
	Format Format
	// Width is the widest line of a terminal table: 0 means DefaultWidth, a negative width
	// means no limit.
	Width int
}

// Wide is the width that draws every column in full.
const Wide = -1

// Write writes t to w in the format of o.
func (t Table) Write(w io.Writer, o Options) error {
	switch o.Format {
	case Markdown:
		return t.markdown(w)
	case CSV:
		return t.csv(w)
	}
	return t.terminal(w, o.MaxWidth())
}

// MaxWidth returns the widest line of a terminal table under o: DefaultWidth for a zero
// Width, a negative number for no limit (and for Markdown and CSV, which have none).
func (o Options) MaxWidth() int {
	if o.Format != Terminal {
		return Wide
	}
	if o.Width == 0 {
		return DefaultWidth
	}
	return o.Width
}

func (t Table) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return fmt.Errorf("table: csv: %w", err)
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return fmt.Errorf("table: csv: %w", err)
	}
	return nil
}

var mdReplacer = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`)

// EscapeMarkdown keeps text from breaking a Markdown table or turning into markup.
func EscapeMarkdown(s string) string { return mdReplacer.Replace(s) }

func escapeRow(row []string) []string {
	out := make([]string, len(row))
	for i, s := range row {
		out[i] = EscapeMarkdown(s)
	}
	return out
}

func (t Table) markdown(w io.Writer) error {
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = escapeRow(r)
	}
	return render(w, renderer.NewMarkdown(), escapeRow(t.Header), t.alignment(len(t.Header)), rows)
}

func (t Table) alignment(n int) tw.Alignment {
	a := make(tw.Alignment, n)
	for i := range a {
		a[i] = tw.AlignLeft
		if i < len(t.Align) && t.Align[i] == 'r' {
			a[i] = tw.AlignRight
		}
	}
	return a
}

func render(w io.Writer, r tw.Renderer, header []string, align tw.Alignment, rows [][]string) error {
	tb := tablewriter.NewTable(w,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithAlignment(align),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	)
	tb.Header(header)
	if err := tb.Bulk(rows); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	if err := tb.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}

// Width returns the width of a terminal cell's text.
func Width(s string) int { return twwidth.Width(s) }

// WidestLine returns the width of the widest line of s, in terminal cells.
func WidestLine(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, Width(l))
	}
	return n
}

// terminal fits the table to width (negative: no limit) and draws it boxed.
func (t Table) terminal(w io.Writer, width int) error {
	f := t.fit(width)
	if err := render(w, renderer.NewBlueprint(), f.header, f.align, f.rows); err != nil {
		return err
	}
	if note := f.note(); note != "" {
		_, err := fmt.Fprintln(w, Wrap(note, width))
		return err
	}
	return nil
}

// Wrap breaks text into lines of at most width terminal cells at spaces (a word longer than
// the width stays whole); width ≤ 0 leaves it as it is.
func Wrap(text string, width int) string {
	if width <= 0 || Width(text) <= width {
		return text
	}
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		ww := Width(word)
		if i > 0 && n+1+ww > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += ww
	}
	return b.String()
}

// fitted is a table cut to a width: its columns, and what was left out or shortened.
type fitted struct {
	headers   []string // every header, some broken onto two lines
	header    []string
	rows      [][]string
	align     tw.Alignment
	dropped   []string
	shortened bool
}

func (f fitted) note() string {
	var parts []string
	if len(f.dropped) > 0 {
		parts = append(parts, "left out: "+strings.Join(f.dropped, ", "))
	}
	if f.shortened {
		parts = append(parts, "cells cut short with …")
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, "; ") + "; --wide shows all)"
}

// boxWidth is the width of a boxed table with the given column widths: "│ " and " " around
// every cell, and the closing "│".
func boxWidth(widths []int) int {
	n := 1
	for _, c := range widths {
		n += c + 3
	}
	return n
}

func (t Table) colWidths(cols []int) []int {
	widths := make([]int, len(cols))
	for k, c := range cols {
		if c < len(t.Header) {
			widths[k] = Width(t.Header[c])
		}
		for _, r := range t.Rows {
			if c < len(r) {
				widths[k] = max(widths[k], Width(r[c]))
			}
		}
	}
	return widths
}

func (t Table) fit(width int) fitted {
	cols := make([]int, len(t.Header))
	for i := range cols {
		cols[i] = i
	}
	f := fitted{headers: slices.Clone(t.Header)}
	widths := t.colWidths(cols)
	if width > 0 {
		for _, c := range t.Optional {
			if boxWidth(widths) <= width {
				break
			}
			k := slices.Index(cols, c)
			if k < 0 || len(cols) == 1 {
				continue
			}
			f.dropped = append(f.dropped, t.Header[c])
			cols = slices.Delete(cols, k, k+1)
			widths = slices.Delete(widths, k, k+1)
		}
		// Break long headers onto two lines, then shorten the cells of the widest column, the
		// first column (the row labels) last:
		// down to the header's width, then, if that is not enough, down to minCell.
		if boxWidth(widths) > width {
			for k, c := range cols {
				if h := twoLines(t.Header[c]); h != t.Header[c] {
					f.headers[c] = h
					widths[k] = max(WidestLine(h), t.cellWidth(c))
				}
			}
		}
		for _, keepHeaders := range []bool{true, false} {
			floor := func(k int) int {
				if keepHeaders {
					return max(minCell, WidestLine(f.headers[cols[k]]))
				}
				return minCell
			}
			for boxWidth(widths) > width {
				k := -1
				for i := 1; i < len(widths); i++ {
					if widths[i] > floor(i) && (k < 0 || widths[i] >= widths[k]) {
						k = i
					}
				}
				if k < 0 && widths[0] > floor(0) {
					k = 0
				}
				if k < 0 {
					break
				}
				widths[k]--
				f.shortened = true
			}
		}
	}
	all := t.alignment(len(t.Header))
	for k, c := range cols {
		f.header = append(f.header, cutLines(f.headers[c], widths[k]))
		f.align = append(f.align, all[c])
	}
	for _, r := range t.Rows {
		row := make([]string, len(cols))
		for k, c := range cols {
			if c < len(r) {
				row[k] = cut(r[c], widths[k])
			}
		}
		f.rows = append(f.rows, row)
	}
	return f
}

// cellWidth is the width of the widest cell of column c, header left out.
func (t Table) cellWidth(c int) int {
	n := 0
	for _, r := range t.Rows {
		if c < len(r) {
			n = max(n, Width(r[c]))
		}
	}
	return n
}

// twoLines breaks a header at the space that makes its longer line shortest.
func twoLines(h string) string {
	best, bestW := h, Width(h)
	for i, r := range h {
		if r != ' ' {
			continue
		}
		a, b := h[:i], h[i+1:]
		if w := max(Width(a), Width(b)); w < bestW {
			best, bestW = a+"\n"+b, w
		}
	}
	return best
}

// cutLines cuts every line of s to n terminal cells.
func cutLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = cut(l, n)
	}
	return strings.Join(lines, "\n")
}

// cut shortens s to n terminal cells, ending in "…" when it cut.
func cut(s string, n int) string {
	if Width(s) <= n {
		return s
	}
	return twwidth.Truncate(s, n, "…")
}
