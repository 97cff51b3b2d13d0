package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"nabla/internal/table"
	"nabla/internal/units"
	"nabla/results"
)

// Format says how a table is drawn: a terminal table fitted to a width (100 columns unless
// Width says otherwise; table.Wide for every column), Markdown, or CSV. It is the one table
// writer's options (package internal/table).
type Format = table.Options

// The formats of the lab's tables.
var (
	// Terminal draws boxed tables fitted to 100 columns.
	Terminal = Format{}
	// Markdown draws GitHub-flavoured Markdown tables.
	Markdown = Format{Format: table.Markdown}
	// CSV writes comma-separated values with a header row.
	CSV = Format{Format: table.CSV}
)

func isMarkdown(f Format) bool { return f.Format == table.Markdown }

// labTable renders one table with the one table writer. Cells are escaped for Markdown; the
// optional columns may be left out of a terminal table too wide for its width, the first
// first.
func labTable(w io.Writer, f Format, header []string, align tw.Alignment, rows [][]string, optional ...int) error {
	spec := make([]byte, len(align))
	for i, a := range align {
		spec[i] = 'l'
		if a == tw.AlignRight {
			spec[i] = 'r'
		}
	}
	t := table.Table{Header: header, Rows: rows, Align: string(spec), Optional: optional}
	if err := t.Write(w, f); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

func aligns(spec string) tw.Alignment {
	a := make(tw.Alignment, len(spec))
	for i, c := range spec {
		if c == 'r' {
			a[i] = tw.AlignRight
		} else {
			a[i] = tw.AlignLeft
		}
	}
	return a
}

// caseLabel names a case in column headers: "784-30-10 ×100".
func caseLabel(net string, batch int) string { return fmt.Sprintf("%s ×%d", net, batch) }

func fmtRatio(r float64) string {
	switch {
	case r == 0:
		return "—"
	case r < 10:
		return strconv.FormatFloat(r, 'f', 2, 64) + "×"
	case r < 100:
		return strconv.FormatFloat(r, 'f', 1, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 0, 64) + "×"
}

func fmtCount(v float64) string {
	if v == math.Trunc(v) || v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func fmtGFLOPS(g float64) string {
	if g == 0 {
		return "—"
	}
	return strconv.FormatFloat(g, 'f', 3, 64)
}

func fmtExp(e float64) string {
	if math.IsNaN(e) {
		return "—"
	}
	return strconv.FormatFloat(e, 'f', 2, 64)
}

// TimingTable writes one row per engine and case: gradient time, forward time, their ratio (of
// wall times, and of process CPU times: "—" where unknown), allocations and bytes per gradient,
// GFLOP/s and cost evaluations. Skipped engines are
// listed below the table with their reasons.
func TimingTable(w io.Writer, f Format, timings []results.Timing) error {
	var rows [][]string
	var skipped []results.Timing
	for _, r := range timings {
		if r.Skipped {
			skipped = append(skipped, r)
			continue
		}
		evals := "—"
		if r.CostEvals > 0 {
			evals = strconv.Itoa(r.CostEvals)
		}
		rows = append(rows, []string{r.Engine, r.Net, strconv.Itoa(r.Batch), strconv.Itoa(r.Params),
			units.FormatNs(r.GradientNs), units.FormatNs(r.ForwardNs), fmtRatio(r.Ratio), fmtRatio(r.CPURatio),
			fmtCount(r.Allocs), fmtCount(r.Bytes), fmtGFLOPS(r.GFLOPS), evals})
	}
	if err := labTable(w, f, []string{"engine", "net", "batch", "params", "gradient", "forward", "grad/fwd", "CPU grad/fwd", "allocs/op", "B/op", "GFLOP/s", "cost evals"},
		aligns("llrrrrrrrrrr"), rows, 7, 9, 8, 11, 10, 3); err != nil {
		return err
	}
	return skipList(w, f, skipped)
}

func skipList(w io.Writer, f Format, skipped []results.Timing) error {
	if len(skipped) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\nSkipped (never silently):\n")
	if isMarkdown(f) {
		b.WriteString("\n")
	}
	for _, r := range skipped {
		line := fmt.Sprintf("%s on %s: %s", r.Engine, caseLabel(r.Net, r.Batch), r.Reason)
		if isMarkdown(f) {
			fmt.Fprintf(&b, "- %s\n", table.EscapeMarkdown(line))
		} else {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(table.Wrap(line, f.MaxWidth()-4), "\n", "\n    "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RatioMatrix writes the headline table: one row per engine, one column per case, each cell
// the gradient time and its ratio to the reference forward pass ("1.23ms · 2.1×"), or
// "skipped".
func RatioMatrix(w io.Writer, f Format, engines []string, timings []results.Timing) error {
	type key struct {
		net   string
		batch int
	}
	var cases []key
	seen := map[key]bool{}
	cell := map[string]map[key]results.Timing{}
	for _, r := range timings {
		k := key{r.Net, r.Batch}
		if !seen[k] {
			seen[k] = true
			cases = append(cases, k)
		}
		if cell[r.Engine] == nil {
			cell[r.Engine] = map[key]results.Timing{}
		}
		cell[r.Engine][k] = r
	}
	header := []string{"engine"}
	for _, c := range cases {
		header = append(header, caseLabel(c.net, c.batch))
	}
	var rows [][]string
	for _, e := range engines {
		if cell[e] == nil {
			continue
		}
		row := []string{e}
		for _, c := range cases {
			r, ok := cell[e][c]
			switch {
			case !ok:
				row = append(row, "")
			case r.Skipped:
				row = append(row, "skipped")
			default:
				row = append(row, units.FormatNs(r.GradientNs)+" · "+fmtRatio(r.Ratio))
			}
		}
		rows = append(rows, row)
	}
	return labTable(w, f, header, aligns("l"+strings.Repeat("r", len(cases))), rows)
}

// ForwardTable writes the reference forward-pass timings, with the time of the validation
// (nn.Network.Check) that every engine's gradient includes.
func ForwardTable(w io.Writer, f Format, fwd []results.Forward) error {
	var rows [][]string
	for _, x := range fwd {
		check := "—"
		if x.CheckNs > 0 {
			check = units.FormatNs(x.CheckNs)
		}
		rows = append(rows, []string{x.Net, strconv.Itoa(x.Batch), strconv.Itoa(x.Params),
			units.FormatNs(x.Ns), fmtCount(x.Allocs), fmtGFLOPS(x.GFLOPS), check})
	}
	return labTable(w, f, []string{"net", "batch", "params", "forward", "allocs/op", "GFLOP/s", "validation (Check)"}, aligns("lrrrrrr"), rows)
}

// FitTable writes the fitted scaling exponents, one row per engine.
func FitTable(w io.Writer, f Format, fits []results.Fit) error {
	var rows [][]string
	for _, x := range fits {
		re := fmtExp(x.RatioExponent)
		if x.Engine == "forward" {
			re = "—"
		}
		rows = append(rows, []string{x.Engine, fmtExp(x.Exponent), re, strconv.Itoa(x.Points),
			fmt.Sprintf("%d … %d", x.MinParams, x.MaxParams)})
	}
	return labTable(w, f, []string{"engine", "time ∝ params^k: k", "grad/fwd ∝ params^k: k", "points", "params"}, aligns("lrrrl"), rows)
}
