package mutants

import (
	"fmt"
	"io"
	"strings"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/nn"
)

// Table writes the report as terminal tables: the full check (fault × engine, the first
// wrong block each engine names), the directional check, and the detection rates.
func (r Report) Table(w io.Writer) error { return r.Write(w, table.Options{}) }

// Markdown writes the report as Markdown tables, ready for a README or a report.
func (r Report) Markdown(w io.Writer) error { return r.Write(w, table.Options{Format: table.Markdown}) }

// Write writes the report in the format of o: the tables of Table (a terminal table too wide
// for o's width shows, per fault, what the exact and the approximate engines say instead of
// one column per engine), Markdown, or as CSV the full check alone.
func (r Report) Write(w io.Writer, o table.Options) error {
	if o.Format == table.CSV {
		header, rows := r.fullTable()
		return table.Table{Header: header, Rows: rows}.Write(w, o)
	}
	return r.render(w, o)
}

// JSON writes the report and its rates as indented JSON: every fault with, per engine,
// "detected" and the "block" named. A relative error that is not finite (a NaN gradient)
// is written as the string "+Inf" or "NaN" (package internal/jsonnum).
func (r Report) JSON(w io.Writer) error {
	out := struct {
		Report
		Rates []Rate `json:"rates"`
	}{r, r.Rates()}
	if err := jsonnum.Encode(w, out); err != nil {
		return fmt.Errorf("mutants: JSON: %w", err)
	}
	return nil
}

// Heading is one line naming the run.
func (r Report) Heading() string {
	cost := ""
	if r.Cost != nn.Quadratic {
		cost = ", cost " + r.Cost.String()
	}
	return fmt.Sprintf("mutation testing on %s%s, batch %d, seed %d: %d faults, %d random directions",
		r.Net, cost, r.Batch, r.Seed, len(r.Faults), r.Directions)
}

// Summary is one line: how many faults the exact engines and all engines detect in the full
// check, and which engines flag the control in the directional check.
func (r Report) Summary() string {
	exact := r.Undetected(true)
	all := r.Undetected(false)
	var s string
	switch {
	case len(all) == 0:
		s = fmt.Sprintf("full check: every engine detects every fault that changes the gradient (%d of %d), and none flags the control", changing(r), len(r.Faults))
	case len(exact) == 0:
		s = fmt.Sprintf("full check: the exact engines detect every fault; missed by approximate engines: %s", strings.Join(all, ", "))
	default:
		s = fmt.Sprintf("full check: missed by exact engines: %s", strings.Join(exact, ", "))
	}
	var alarms []string
	for _, rt := range r.Rates() {
		if rt.FalseAlarm {
			alarms = append(alarms, rt.Engine)
		}
	}
	if len(alarms) > 0 {
		s += fmt.Sprintf("; false alarm on the control (directional check): %s", strings.Join(alarms, ", "))
	}
	return s
}

func changing(r Report) int {
	n := 0
	for _, o := range r.Faults {
		if o.Truth != "" {
			n++
		}
	}
	return n
}

// cell is the full-check verdict of one engine on one fault.
func cell(truth string, detected bool, block string) string {
	switch {
	case detected && truth == "":
		return "FALSE ALARM"
	case detected && block == "":
		return "cost"
	case detected:
		return block
	case truth != "":
		return "MISSED"
	}
	return "-"
}

func yesNo(truth string, detected bool, kinks, dirs int) string {
	switch {
	case kinks == dirs && !detected:
		return "kink"
	case detected && truth == "":
		return "FALSE ALARM"
	case detected:
		return "yes"
	case truth != "":
		return "MISSED"
	}
	return "-"
}

// fullTable is the full check: per fault, the first wrong block each engine names.
func (r Report) fullTable() (header []string, rows [][]string) {
	header = []string{"fault", "really wrong at"}
	for _, e := range r.Engines {
		header = append(header, e.Name)
	}
	for _, o := range append([]Outcome{r.Control}, r.Faults...) {
		row := []string{o.Name, dash(o.Truth)}
		for _, d := range o.Detections {
			row = append(row, cell(o.Truth, d.Detected, d.Block))
		}
		rows = append(rows, row)
	}
	return header, rows
}

// dirTable is the directional check: per fault, whether each engine and the central
// differences along v flag it.
func (r Report) dirTable() (header []string, rows [][]string) {
	header = append([]string{"fault", "really wrong at"}, append(engineNames(r), "central-along-v")...)
	for _, o := range append([]Outcome{r.Control}, r.Faults...) {
		row := []string{o.Name, dash(o.Truth)}
		for _, d := range o.Detections {
			row = append(row, yesNo(o.Truth, d.Directional, d.DirectionalKinks, r.Directions))
		}
		rows = append(rows, append(row, yesNo(o.Truth, o.Central, 0, r.Directions)))
	}
	return header, rows
}

// byKind folds the engine columns of a fault table (columns 2…) into one column for the
// exact engines and one for the approximate ones: the verdict they share, or each engine's.
func (r Report) byKind(header []string, rows [][]string) ([]string, [][]string) {
	exact := map[string]bool{}
	for _, e := range r.Engines {
		exact[e.Name] = e.Exact
	}
	out := [][]string{}
	for _, row := range rows {
		var ex, ap []string
		var exN, apN []string
		for c := 2; c < len(row); c++ {
			if exact[header[c]] {
				ex, exN = append(ex, row[c]), append(exN, header[c])
			} else {
				ap, apN = append(ap, row[c]), append(apN, header[c])
			}
		}
		out = append(out, []string{row[0], row[1], shared(ex, exN), shared(ap, apN)})
	}
	return []string{"fault", "really wrong at", "exact engines", "approximate engines"}, out
}

// shared is the verdict all engines share, or the engines grouped by verdict.
func shared(verdicts, names []string) string {
	if len(verdicts) == 0 {
		return "-"
	}
	var order []string
	by := map[string][]string{}
	for i, v := range verdicts {
		if by[v] == nil {
			order = append(order, v)
		}
		by[v] = append(by[v], names[i])
	}
	if len(order) == 1 {
		return order[0]
	}
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = v + ": " + strings.Join(by[v], ", ")
	}
	return strings.Join(parts, "; ")
}

// faultTable writes a fault table, folded by engine kind when a terminal table with a column
// per engine would be wider than o allows.
func (r Report) faultTable(w io.Writer, o table.Options, header []string, rows [][]string) error {
	t := table.Table{Header: header, Rows: rows}
	if o.Format == table.Terminal && o.MaxWidth() > 0 {
		var b strings.Builder
		if err := t.Write(&b, table.Options{Width: table.Wide}); err != nil {
			return err
		}
		if table.WidestLine(b.String()) > o.MaxWidth() {
			h, folded := r.byKind(header, rows)
			t = table.Table{Header: h, Rows: folded}
			if err := t.Write(w, o); err != nil {
				return err
			}
			_, err := fmt.Fprintln(w, "(engines folded by kind; --wide shows a column per engine)")
			return err
		}
	}
	return t.Write(w, o)
}

func (r Report) render(w io.Writer, o table.Options) error {
	md := o.Format == table.Markdown
	var b strings.Builder
	if md {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(r.Heading()))
	} else {
		fmt.Fprintf(&b, "%s\n\n", table.Wrap(r.Heading(), o.MaxWidth()))
	}
	b.WriteString(title(md, "Full check: first wrong block each engine names, output layer first"))
	header, rows := r.fullTable()
	if err := r.faultTable(&b, o, header, rows); err != nil {
		return err
	}
	b.WriteString("\n" + title(md, "Directional check: ∇K·v for random unit v, against each engine and central differences"))
	header, rows = r.dirTable()
	if err := r.faultTable(&b, o, header, rows); err != nil {
		return err
	}
	b.WriteString("\n" + title(md, "Detection rate"))
	if err := r.rateTable().Write(&b, o); err != nil {
		return err
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\n")
		for _, s := range r.Skipped {
			if md {
				fmt.Fprintf(&b, "- skipped %s\n", mdEscape(s))
			} else {
				fmt.Fprintf(&b, "%s\n", table.Wrap("skipped "+s, o.MaxWidth()))
			}
		}
	}
	if md {
		fmt.Fprintf(&b, "\n%s\n", mdEscape(r.Summary()))
	} else {
		fmt.Fprintf(&b, "\n%s\n", table.Wrap(r.Summary(), o.MaxWidth()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rateTable is the detection rate per engine.
func (r Report) rateTable() table.Table {
	var rates [][]string
	for _, rt := range r.Rates() {
		kind := "approximate"
		if rt.Exact {
			kind = "exact"
		}
		if rt.Engine == "central-along-v" {
			kind = "reference cost"
		}
		alarm := "no"
		if rt.FalseAlarm {
			alarm = "YES"
		}
		full := fmt.Sprintf("%d/%d", rt.Full, rt.Faults)
		if rt.Engine == "central-along-v" {
			full = "n/a"
		}
		dir := fmt.Sprintf("%d/%d", rt.Directional, rt.Faults)
		if rt.AtKinks > 0 {
			dir += fmt.Sprintf(" (%d at ReLU kinks)", rt.AtKinks)
		}
		rates = append(rates, []string{rt.Engine, kind, full, dir, alarm})
	}
	return table.Table{Header: []string{"engine", "kind", "full check", "directional check", "false alarm on control"}, Rows: rates}
}

func engineNames(r Report) []string {
	var names []string
	for _, e := range r.Engines {
		names = append(names, e.Name)
	}
	return names
}

func title(md bool, s string) string {
	if md {
		return "*" + mdEscape(s) + "*\n\n"
	}
	return s + "\n"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdEscape keeps text from breaking a Markdown table or turning into markup.
func mdEscape(s string) string { return table.EscapeMarkdown(s) }
