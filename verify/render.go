package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
func (r Report) Table(w io.Writer) error {
	net := r.Net
	if r.Cost != nn.Quadratic {
		net += ", cost " + r.Cost.String()
	}
	fmt.Fprintf(w, "%s, batch %d, %d parameters, K = %.10g\n%s\n\n", net, r.Batch, r.Params, r.K, r.Summary())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "block\tentries\twrong\tmax rel err\tpattern")
	for _, b := range r.Blocks {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2e\t%s\n", b.Block, b.Len, b.Wrong, b.MaxRelErr, b.Pattern)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Worst) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "worst\tgiven\tright\trel err")
		for _, e := range r.Worst {
			fmt.Fprintf(tw, "%s\t%.10g\t%.10g\t%.2e\n", e.Name, e.Given, e.Want, e.RelErr)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, f := range r.Faults {
		fmt.Fprintf(w, "\nmatches the fault %s (max rel err %.1e): %s\n", f.Fault, f.RelErr, f.Mistake)
	}
	if x := r.Witness; x != nil {
		side := "the exact engines"
		if x.Sides == "given" {
			side = "the given gradient"
		}
		fmt.Fprintf(w, "\nwitness %s along %s: %.10g (exact engines %.10g, given %.10g): sides with %s\n", x.Engine, x.Direction, x.Difference, x.Exact, x.Given, side)
	}
	return nil
}

// JSON writes the report as indented JSON, with "summary" first.
func (r Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	out := struct {
		Summary string `json:"summary"`
		Report
	}{r.Summary(), r}
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("verify: JSON: %w", err)
	}
	return nil
}
