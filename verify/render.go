package verify

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/nn"
)

// Summary is the verdict in one line: whether the exact engines agree among themselves,
// then whether the given gradient matches them, and if not where and how it is wrong.
func (r Report) Summary() string {
	var b strings.Builder
	if r.ExactAgree {
		fmt.Fprintf(&b, "the exact engines (%s) agree among themselves (max rel err %.2g); ", strings.Join(r.Engines, ", "), r.ExactMaxRelErr)
	} else {
		fmt.Fprintf(&b, "the exact engines (%s) DISAGREE among themselves (max rel err %.2g): the verdict below rests on %s; ", strings.Join(r.Engines, ", "), r.ExactMaxRelErr, r.Engines[0])
	}
	if r.OK {
		fmt.Fprintf(&b, "the given gradient matches them: ok (max rel err %.2g ≤ %.2g)", r.MaxRelErr, r.Tol)
		return b.String()
	}
	var bad []string
	for _, blk := range r.Blocks {
		if blk.Wrong > 0 {
			bad = append(bad, blk.Block)
		}
	}
	fmt.Fprintf(&b, "the given gradient is WRONG: %d of %d elements beyond %.2g in %s, worst %s", r.Wrong, r.Params, r.Tol, strings.Join(bad, ", "), r.Worst[0].Name)
	if r.Pattern != "" {
		fmt.Fprintf(&b, "; %s", r.Pattern)
	}
	if len(r.Faults) > 0 {
		fmt.Fprintf(&b, "; it is the fault %s: %s", r.Faults[0].Fault, r.Faults[0].Mistake)
	}
	return b.String()
}

// Table writes the report for a terminal: the summary, the blocks, the worst elements, the
// matching faults and the witness.
func (r Report) Table(w io.Writer) error { return r.Write(w, table.Options{}) }

// Write writes the report in the format of o (terminal, Markdown or CSV); CSV is the table of
// blocks alone.
func (r Report) Write(w io.Writer, o table.Options) error {
	blocks := table.Table{Header: []string{"block", "entries", "wrong", "max rel err", "pattern"}, Align: "lrrrl"}
	for _, b := range r.Blocks {
		blocks.Rows = append(blocks.Rows, []string{b.Block, strconv.Itoa(b.Len), strconv.Itoa(b.Wrong), fmt.Sprintf("%.2e", b.MaxRelErr), b.Pattern})
	}
	if o.Format == table.CSV {
		return blocks.Write(w, o)
	}
	line := func(s string) {
		if o.Format == table.Markdown {
			s = table.EscapeMarkdown(s)
		} else {
			s = table.Wrap(s, o.MaxWidth())
		}
		fmt.Fprintln(w, s)
	}
	net := r.Net
	if r.Cost != nn.Quadratic {
		net += ", cost " + r.Cost.String()
	}
	line(fmt.Sprintf("%s, batch %d, %d parameters, K = %.10g", net, r.Batch, r.Params, r.K))
	line(r.Summary())
	fmt.Fprintln(w)
	if err := blocks.Write(w, o); err != nil {
		return err
	}
	if len(r.Worst) > 0 {
		fmt.Fprintln(w)
		worst := table.Table{Header: []string{"worst", "given", "right", "rel err"}, Align: "lrrr"}
		for _, e := range r.Worst {
			worst.Rows = append(worst.Rows, []string{e.Name, fmt.Sprintf("%.10g", e.Given), fmt.Sprintf("%.10g", e.Want), fmt.Sprintf("%.2e", e.RelErr)})
		}
		if err := worst.Write(w, o); err != nil {
			return err
		}
	}
	for _, f := range r.Faults {
		fmt.Fprintln(w)
		line(fmt.Sprintf("matches the fault %s (max rel err %.1e): %s", f.Fault, f.RelErr, f.Mistake))
	}
	if x := r.Witness; x != nil {
		side := "the exact engines"
		if x.Sides == "given" {
			side = "the given gradient"
		}
		fmt.Fprintln(w)
		line(fmt.Sprintf("witness %s along %s: %.10g (exact engines %.10g, given %.10g): sides with %s", x.Engine, x.Direction, x.Difference, x.Exact, x.Given, side))
	}
	return nil
}

// JSON writes the report as indented JSON, with "summary" first; a non-finite number is
// written as the string "NaN", "+Inf" or "-Inf" (package internal/jsonnum).
func (r Report) JSON(w io.Writer) error {
	out := struct {
		Summary string `json:"summary"`
		Report
	}{r.Summary(), r}
	if err := jsonnum.Encode(w, out); err != nil {
		return fmt.Errorf("verify: JSON: %w", err)
	}
	return nil
}
