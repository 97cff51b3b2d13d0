package mutants

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"nabla/nn"
)

// Table writes the report as terminal tables: the full check (fault × engine, the first
// wrong block each engine names), the directional check, and the detection rates.
func (r Report) Table(w io.Writer) error { return r.render(w, false) }

// Markdown writes the report as Markdown tables, ready for a README or a report.
func (r Report) Markdown(w io.Writer) error { return r.render(w, true) }

// JSON writes the report and its rates as indented JSON: every fault with, per engine,
// "detected" and the "block" named. A relative error that is not finite (a NaN gradient)
// is written as the string "+Inf".
func (r Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	out := struct {
		Report
		Rates []Rate `json:"rates"`
	}{finite(r), r.Rates()}
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("mutants: JSON: %w", err)
	}
	return nil
}

// finite returns a copy of r with non-finite errors replaced by math.MaxFloat64, which
// encoding/json can hold.
func finite(r Report) Report {
	fix := func(o Outcome) Outcome {
		o.Detections = append([]Detection(nil), o.Detections...)
		for i := range o.Detections {
			o.Detections[i].MaxRelErr = clampInf(o.Detections[i].MaxRelErr)
			o.Detections[i].DirectionalRelErr = clampInf(o.Detections[i].DirectionalRelErr)
		}
		o.CentralRelErr = clampInf(o.CentralRelErr)
		return o
	}
	r.Control = fix(r.Control)
	r.Faults = append([]Outcome(nil), r.Faults...)
	for i := range r.Faults {
		r.Faults[i] = fix(r.Faults[i])
	}
	return r
}

func clampInf(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return math.MaxFloat64
	}
	return v
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

func (r Report) render(w io.Writer, md bool) error {
	var b strings.Builder
	if md {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(r.Heading()))
	} else {
		fmt.Fprintf(&b, "%s\n\n", r.Heading())
	}
	rows := append([]Outcome{r.Control}, r.Faults...)

	b.WriteString(title(md, "Full check: first wrong block each engine names, output layer first"))
	header := []string{"fault", "really wrong at"}
	for _, e := range r.Engines {
		header = append(header, e.Name)
	}
	var full [][]string
	for _, o := range rows {
		row := []string{o.Name, dash(o.Truth)}
		for _, d := range o.Detections {
			row = append(row, cell(o.Truth, d.Detected, d.Block))
		}
		full = append(full, row)
	}
	if err := writeTable(&b, md, header, full); err != nil {
		return err
	}

	b.WriteString("\n" + title(md, "Directional check: ∇K·v for random unit v, against each engine and central differences"))
	header = append(header[:2:2], append(engineNames(r), "central-along-v")...)
	var dir [][]string
	for _, o := range rows {
		row := []string{o.Name, dash(o.Truth)}
		for _, d := range o.Detections {
			row = append(row, yesNo(o.Truth, d.Directional, d.DirectionalKinks, r.Directions))
		}
		dir = append(dir, append(row, yesNo(o.Truth, o.Central, 0, r.Directions)))
	}
	if err := writeTable(&b, md, header, dir); err != nil {
		return err
	}

	b.WriteString("\n" + title(md, "Detection rate"))
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
	if err := writeTable(&b, md, []string{"engine", "kind", "full check", "directional check", "false alarm on control"}, rates); err != nil {
		return err
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\n")
		for _, s := range r.Skipped {
			if md {
				fmt.Fprintf(&b, "- skipped %s\n", mdEscape(s))
			} else {
				fmt.Fprintf(&b, "skipped %s\n", s)
			}
		}
	}
	fmt.Fprintf(&b, "\n%s\n", r.Summary())
	_, err := io.WriteString(w, b.String())
	return err
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

// writeTable renders one table with tablewriter, boxed for the terminal or as Markdown.
func writeTable(w io.Writer, md bool, header []string, rows [][]string) error {
	var r tw.Renderer = renderer.NewBlueprint()
	if md {
		r = renderer.NewMarkdown()
		header = escapeAll(header)
		for i := range rows {
			rows[i] = escapeAll(rows[i])
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	t.Header(header)
	if err := t.Bulk(rows); err != nil {
		return fmt.Errorf("mutants: table: %w", err)
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("mutants: table: %w", err)
	}
	return nil
}

func escapeAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = mdEscape(v)
	}
	return out
}

// mdEscape keeps text from breaking a Markdown table or turning into markup.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`).Replace(s)
}
