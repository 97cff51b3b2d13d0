package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"nabla/gradients"
)

// Directional is the fast cross-check (gradients.CheckDirections) with what it takes to
// repeat it. nabla compare --directional prints it.
type Directional struct {
	gradients.DirectionalReport
	Batch int    `json:"batch"`
	Seed  uint64 `json:"seed"`
}

// Summary is one line: whether every engine's ∇K·v matches the witness's difference.
func (d Directional) Summary() string {
	var bad []string
	for _, r := range d.Rows {
		if !r.Agree {
			bad = append(bad, fmt.Sprintf("%s (rel err %s > %s)", r.Engine, fmtErr(r.MaxRelErr), fmtErr(r.Tolerance)))
		}
	}
	if len(bad) == 0 {
		return fmt.Sprintf("∇K·v of all %d engines matches %s's difference along each of %d random directions", len(d.Rows), d.Witness, len(d.Reference))
	}
	return fmt.Sprintf("%d of %d engines disagree with %s's difference along v: %s", len(bad), len(d.Rows), d.Witness, strings.Join(bad, ", "))
}

// Table writes the fast check as a terminal table (Markdown when md): one row per engine
// with ∇K·v per direction, the witness's row first.
func (d Directional) Table(w io.Writer, md bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "directional check on %s, batch %d, seed %d: ∇K·v for %d random unit directions v\n\n", d.Net, d.Batch, d.Seed, len(d.Reference))
	header := []string{"engine", "how"}
	align := tw.Alignment{tw.AlignLeft, tw.AlignLeft}
	for j := range d.Reference {
		header = append(header, "v"+strconv.Itoa(j+1))
		align = append(align, tw.AlignRight)
	}
	header = append(header, "max rel err", "agree")
	align = append(align, tw.AlignRight, tw.AlignLeft)
	row := []string{d.Witness, "difference along v"}
	for _, x := range d.Reference {
		row = append(row, fmtK(x))
	}
	rows := [][]string{append(row, "", "(reference)")}
	for _, r := range d.Rows {
		row := []string{r.Engine, r.How}
		for _, x := range r.Values {
			row = append(row, fmtK(x))
		}
		verdict := "yes"
		if !r.Agree {
			verdict = "NO"
		}
		rows = append(rows, append(row, fmtErr(r.MaxRelErr), verdict))
	}
	if err := writeTable(&b, md, header, align, rows); err != nil {
		return err
	}
	for _, s := range d.Skipped {
		fmt.Fprintf(&b, "\nskipped %s: %s", s.Engine, s.Reason)
	}
	fmt.Fprintf(&b, "\n\n%s\n", d.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// JSON writes the fast check as indented JSON with its summary; non-finite values are
// written as the strings "+Inf", "-Inf" or "NaN".
func (d Directional) JSON(w io.Writer) error {
	type row struct {
		gradients.DirectionalRow
		Values    []jsonFloat `json:"values"`
		MaxRelErr jsonFloat   `json:"max_rel_err"`
	}
	out := struct {
		Directional
		Reference []jsonFloat `json:"reference"`
		Rows      []row       `json:"engines"`
		Summary   string      `json:"summary"`
	}{Directional: d, Reference: jsonFloats(d.Reference), Summary: d.Summary()}
	for _, r := range d.Rows {
		out.Rows = append(out.Rows, row{r, jsonFloats(r.Values), jsonFloat(r.MaxRelErr)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: directional JSON: %w", err)
	}
	return nil
}
