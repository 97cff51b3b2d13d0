package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"nabla/gradients"
	"nabla/internal/jsonnum"
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

// Table writes the fast check as a table in the format f: one row per engine with ∇K·v per
// direction, the witness's row first.
func (d Directional) Table(w io.Writer, f Format) error {
	var b strings.Builder
	fmt.Fprintf(&b, "directional check on %s, batch %d, seed %d: ∇K·v for %d random unit directions v\n\n", d.Net, d.Batch, d.Seed, len(d.Reference))
	header := []string{"engine", "how"}
	for j := range d.Reference {
		header = append(header, "v"+strconv.Itoa(j+1))
	}
	header = append(header, "max rel err", "agree")
	align := aligns("ll" + strings.Repeat("r", len(d.Reference)) + "rl")
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
	if err := labTable(&b, f, header, align, rows); err != nil {
		return err
	}
	for _, s := range d.Skipped {
		fmt.Fprintf(&b, "\nskipped %s: %s", s.Engine, s.Reason)
	}
	fmt.Fprintf(&b, "\n\n%s\n", d.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// JSON writes the fast check as indented JSON with its summary, under the one JSON policy
// (package internal/jsonnum): non-finite values are written as the strings "+Inf", "-Inf" or
// "NaN".
func (d Directional) JSON(w io.Writer) error {
	out := struct {
		Directional
		Summary string `json:"summary"`
	}{Directional: d, Summary: d.Summary()}
	if err := jsonnum.Encode(w, out); err != nil {
		return fmt.Errorf("reports: directional JSON: %w", err)
	}
	return nil
}
