package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"nabla/gradients"
	"nabla/nn"
)

// Agreement is a cross-check of gradient engines on one network, set of parameters and batch
// (a gradients.Report) together with what it takes to repeat it: the batch size and seed, the
// engines that ran with their cost K, and the engines left out and why. nabla compare prints
// it with Table, Markdown or JSON.
type Agreement struct {
	Net     string           `json:"net"`     // architecture string, as nn.Network.String
	Cost    nn.CostKind      `json:"cost"`    // the cost kind, "quadratic" or "xent" in JSON
	Params  int              `json:"params"`  // number of parameters, len(A)
	Batch   int              `json:"batch"`   // training pairs in the batch
	Seed    uint64           `json:"seed"`    // seed of the parameters and the batch
	Engines []EngineRun      `json:"engines"` // the engines compared, in the order of Pairs
	Skipped []SkippedEngine  `json:"skipped,omitempty"`
	Pairs   []gradients.Pair `json:"pairs"` // every unordered pair of Engines
	Agree   bool             `json:"agree"` // every pair agrees
	// ExactAgree reports whether the pairs of exact engines agree among themselves;
	// ExactPairs counts them (gradients.Report).
	ExactAgree bool `json:"exact_agree"`
	ExactPairs int  `json:"exact_pairs"`
	// Quantity names what was compared when it is not the gradient, e.g. "H·v along 4 random
	// directions" for nabla compare --order 2; empty means the gradient.
	Quantity string `json:"quantity,omitempty"`
}

// EngineRun is one engine's part in an Agreement.
type EngineRun struct {
	Name      string  `json:"name"`
	Tolerance float64 `json:"tolerance"` // the engine's own relative tolerance
	K         float64 `json:"K"`         // the cost the engine returned
}

// SkippedEngine is a registered engine that was not run, with the reason.
type SkippedEngine struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// NewAgreement builds an Agreement from the engines' results and their cross-check (as
// returned by gradients.Run and gradients.Compare). Batch, Seed, Params and Skipped are left
// for the caller to fill in.
func NewAgreement(rep gradients.Report, results []gradients.Result) Agreement {
	a := Agreement{Net: rep.Net, Cost: rep.Cost, Pairs: rep.Pairs, Agree: rep.Agree, ExactAgree: rep.ExactAgree, ExactPairs: rep.ExactPairs}
	for _, r := range results {
		a.Engines = append(a.Engines, EngineRun{Name: r.Engine, Tolerance: r.Tolerance, K: r.K})
	}
	return a
}

// Disagreeing returns the pairs that do not agree.
func (a Agreement) Disagreeing() []gradients.Pair {
	var bad []gradients.Pair
	for _, p := range a.Pairs {
		if !p.Agree {
			bad = append(bad, p)
		}
	}
	return bad
}

// Summary is one line saying first whether the exact engines agree among themselves (when
// two or more took part), then whether all pairs agree, and if not, which pair is worst.
func (a Agreement) Summary() string {
	return a.exactSummary() + a.pairSummary()
}

// exactSummary is the summary's opening about the exact engines, "" with fewer than two.
func (a Agreement) exactSummary() string {
	switch {
	case a.ExactPairs == 0:
		return ""
	case a.ExactAgree:
		return "the exact engines agree among themselves; "
	}
	return "the exact engines DISAGREE among themselves; "
}

func (a Agreement) pairSummary() string {
	bad := a.Disagreeing()
	if len(bad) == 0 {
		nc := 0
		for _, p := range a.Pairs {
			nc += len(p.NonDifferentiable)
		}
		s := fmt.Sprintf("all %d pairs agree within their tolerances", len(a.Pairs))
		if len(a.Pairs) == 1 {
			s = "the pair agrees within its tolerance"
		}
		if nc > 0 {
			s += fmt.Sprintf(" (%d elements not comparable: a stencil crossed a ReLU kink)", nc)
		}
		return s
	}
	w := bad[0]
	for _, p := range bad[1:] {
		if p.MaxRelErr > w.MaxRelErr {
			w = p
		}
	}
	prefix := fmt.Sprintf("%d of %d pairs disagree; worst ", len(bad), len(a.Pairs))
	if len(a.Pairs) == 1 {
		prefix = "engines disagree: "
	}
	s := fmt.Sprintf("%s%s vs %s: max rel err %s > tolerance %s", prefix, w.A, w.B, fmtErr(w.MaxRelErr), fmtErr(w.Tolerance))
	if w.WorstRatio > 1 {
		s += fmt.Sprintf(", %d elements beyond %g× their expected errors (worst %.3g× at %s)", w.Disagreeing, w.Safety, w.WorstRatio, w.WorstRatioAt)
	}
	if w.Disagreeing > 0 && w.MaxRelErr <= w.Tolerance { // judged by --atol/--rtol
		s = fmt.Sprintf("%s%s vs %s: %d elements beyond their allowance", prefix, w.A, w.B, w.Disagreeing)
	}
	if w.Disagreeing == 0 && w.MaxRelErr <= w.Tolerance { // only the costs differ
		s = fmt.Sprintf("%s%s vs %s: cost rel err %s > tolerance %s", prefix, w.A, w.B, fmtErr(w.CostErr), fmtErr(w.Tolerance))
	}
	if w.FirstBad != "" {
		s += fmt.Sprintf(" at %s (first bad block %s)", w.Worst, w.FirstBad)
	}
	return s
}

// Table writes the agreement as terminal tables: a heading line, the engines with their K,
// the pairs with their errors and verdicts, and a summary line.
func (a Agreement) Table(w io.Writer) error {
	return a.render(w, false)
}

// Markdown writes the agreement as Markdown: a heading line, the engine and pair tables and
// the summary, ready to paste into a note.
func (a Agreement) Markdown(w io.Writer) error {
	return a.render(w, true)
}

func (a Agreement) heading() string {
	what := "gradient"
	if a.Quantity != "" {
		what = a.Quantity
	}
	return fmt.Sprintf("%s agreement on %s (%d parameters)%s, batch %d, seed %d", what, a.Net, a.Params, costNote(a.Cost), a.Batch, a.Seed)
}

// costNote names a cost other than the notes' quadratic one for a heading (", cost xent"),
// so that text output on the default cost reads as it always has.
func costNote(c nn.CostKind) string {
	if c == nn.Quadratic {
		return ""
	}
	return ", cost " + c.String()
}

func (a Agreement) render(w io.Writer, md bool) error {
	var b strings.Builder
	if md {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(a.heading()))
	} else {
		fmt.Fprintf(&b, "%s\n\n", a.heading())
	}
	engines := [][]string{}
	for _, e := range a.Engines {
		engines = append(engines, []string{e.Name, fmtErr(e.Tolerance), fmtK(e.K)})
	}
	if err := writeTable(&b, md, []string{"engine", "tolerance", "K"},
		tw.Alignment{tw.AlignLeft, tw.AlignRight, tw.AlignRight}, engines); err != nil {
		return err
	}
	b.WriteString("\n")
	pairs := [][]string{}
	for _, p := range a.Pairs {
		verdict := "yes"
		if n := len(p.NonDifferentiable) + len(p.Convention); n > 0 {
			verdict += fmt.Sprintf(" (%d set aside)", n)
		}
		if !p.Agree {
			verdict = "NO"
			if p.FirstBad != "" {
				verdict += " (from " + p.FirstBad + ")"
			} else {
				verdict += " (cost)"
			}
		}
		ratio := "–"
		if p.WorstRatioAt != "" {
			ratio = strconv.FormatFloat(p.WorstRatio, 'g', 2, 64)
		}
		pairs = append(pairs, []string{p.A, p.B, fmtErr(p.MaxAbsErr), fmtErr(p.MaxRelErr), fmtErr(p.Tolerance), ratio,
			p.Worst, fmtK(p.WorstA), fmtK(p.WorstB), fmtErr(p.CostErr), verdict})
	}
	if err := writeTable(&b, md,
		[]string{"a", "b", "max abs err", "max rel err", "tolerance", "obs/exp", "worst", "a at worst", "b at worst", "cost rel err", "agree"},
		tw.Alignment{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft,
			tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}, pairs); err != nil {
		return err
	}
	if len(a.Skipped) > 0 {
		b.WriteString("\n")
		for _, s := range a.Skipped {
			if md {
				fmt.Fprintf(&b, "- skipped %s: %s\n", mdEscape(s.Name), mdEscape(s.Reason))
			} else {
				fmt.Fprintf(&b, "skipped %s: %s\n", s.Name, s.Reason)
			}
		}
	}
	if err := a.writeDetail(&b, md); err != nil {
		return err
	}
	a.writeNotes(&b, md)
	fmt.Fprintf(&b, "\n%s\n", a.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDetail writes the elements the pairs name in detail (gradients.Criteria.Detail), one
// table over all pairs; nothing when none does.
func (a Agreement) writeDetail(b *strings.Builder, md bool) error {
	var rows [][]string
	for _, p := range a.Pairs {
		for _, e := range p.Detail {
			rows = append(rows, []string{p.A + " vs " + p.B, e.Name, fmtK(e.A), fmtK(e.B), fmtErr(e.AbsErr), fmtErr(e.Allowed),
				strconv.FormatFloat(e.Ratio, 'g', 3, 64), e.Category})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	b.WriteString("\n")
	return writeTable(b, md, []string{"pair", "element", "a", "b", "abs err", "allowed", "ratio", "category"},
		tw.Alignment{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}, rows)
}

// writeNotes writes the elements not comparable or differing by convention, per pair, and
// what obs/exp means.
func (a Agreement) writeNotes(b *strings.Builder, md bool) {
	var notes []string
	for _, p := range a.Pairs {
		if len(p.NonDifferentiable) > 0 {
			notes = append(notes, fmt.Sprintf("%s vs %s: %d parameters not comparable (a difference stencil crossed a ReLU kink): %s",
				p.A, p.B, len(p.NonDifferentiable), strings.Join(p.NonDifferentiable, ", ")))
		}
		if len(p.Convention) > 0 {
			notes = append(notes, fmt.Sprintf("%s vs %s: %d parameters differ by convention (a ReLU pre-activation at 0, where ReLU'(0) is chosen): %s",
				p.A, p.B, len(p.Convention), strings.Join(p.Convention, ", ")))
		}
	}
	for _, line := range notes {
		if md {
			fmt.Fprintf(b, "\n- %s\n", mdEscape(line))
		} else {
			fmt.Fprintf(b, "\n%s\n", line)
		}
	}
	if len(a.Pairs) > 0 {
		line := fmt.Sprintf("obs/exp: the largest observed difference over %g× the sum of the two engines' expected errors (below 1: explained by them); "+
			"an element agrees within that or within the tolerance", a.Pairs[0].Safety)
		if md {
			line = mdEscape(line)
		}
		fmt.Fprintf(b, "\n%s\n", line)
	}
}

// writeTable renders one table, boxed for the terminal or as Markdown (see labTable).
func writeTable(w io.Writer, md bool, header []string, align tw.Alignment, rows [][]string) error {
	f := Terminal
	if md {
		f = Markdown
	}
	return labTable(w, f, header, align, rows)
}

// mdEscape keeps text from breaking a Markdown table or turning into markup.
func mdEscape(s string) string { return mdReplacer.Replace(s) }

// fmtErr prints an error or tolerance with three significant digits.
func fmtErr(v float64) string { return strconv.FormatFloat(v, 'e', 2, 64) }

// fmtK prints a cost or gradient entry with ten significant digits.
func fmtK(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// JSON writes the agreement as indented JSON. Every float is written exactly (shortest
// round-trip form); a non-finite one (a NaN gradient gives an infinite error) is written as
// the string "+Inf", "-Inf" or "NaN", which ReadAgreement reads back.
func (a Agreement) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(toJSON(a)); err != nil {
		return fmt.Errorf("reports: agreement JSON: %w", err)
	}
	return nil
}

// ReadAgreement reads an Agreement written by JSON, so that it can be rendered again.
func ReadAgreement(r io.Reader) (Agreement, error) {
	var j agreementJSON
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return Agreement{}, fmt.Errorf("reports: read agreement: %w", err)
	}
	return fromJSON(j), nil
}

// jsonFloat is a float64 whose JSON form is a number when finite and a string otherwise,
// since encoding/json rejects NaN and ±Inf.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return json.Marshal(v)
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		switch s {
		case "NaN":
			*f = jsonFloat(math.NaN())
		case "+Inf":
			*f = jsonFloat(math.Inf(1))
		case "-Inf":
			*f = jsonFloat(math.Inf(-1))
		default:
			return fmt.Errorf("reports: %q is not a number", s)
		}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jsonFloat(v)
	return nil
}

// The JSON mirror of Agreement, with jsonFloat for every float. Its keys are those of the
// gradients types' json tags (a test checks that they stay in step).
type agreementJSON struct {
	Net     string          `json:"net"`
	Cost    nn.CostKind     `json:"cost"`
	Params  int             `json:"params"`
	Batch   int             `json:"batch"`
	Seed    uint64          `json:"seed"`
	Engines []engineJSON    `json:"engines"`
	Skipped []SkippedEngine `json:"skipped,omitempty"`
	Pairs   []pairJSON      `json:"pairs"`
	Agree   bool            `json:"agree"`
	// ExactAgree and ExactPairs: see Agreement.
	ExactAgree bool `json:"exact_agree"`
	ExactPairs int  `json:"exact_pairs"`
	// Quantity is Agreement.Quantity: empty for gradients.
	Quantity string `json:"quantity,omitempty"`
}

type engineJSON struct {
	Name      string    `json:"name"`
	Tolerance jsonFloat `json:"tolerance"`
	K         jsonFloat `json:"K"`
}

type pairJSON struct {
	A         string      `json:"a"`
	B         string      `json:"b"`
	MaxAbsErr jsonFloat   `json:"max_abs_err"`
	MaxRelErr jsonFloat   `json:"max_rel_err"`
	Worst     string      `json:"worst"`
	WorstAt   int         `json:"worst_index"`
	WorstA    jsonFloat   `json:"worst_a"`
	WorstB    jsonFloat   `json:"worst_b"`
	CostErr   jsonFloat   `json:"cost_rel_err"`
	Tolerance jsonFloat   `json:"tolerance"`
	Agree     bool        `json:"agree"`
	Blocks    []blockJSON `json:"blocks"`
	FirstBad  string      `json:"first_bad_block,omitempty"`
	// NonDifferentiable names the parameters not comparable at ReLU kinks, Convention those
	// that differ by the convention for ReLU'(0) (gradients.Pair).
	NonDifferentiable []string      `json:"non_differentiable,omitempty"`
	Convention        []string      `json:"convention,omitempty"`
	Agreeing          int           `json:"agreeing"`
	Disagreeing       int           `json:"disagreeing"`
	WorstRatio        jsonFloat     `json:"worst_ratio"`
	WorstRatioAt      string        `json:"worst_ratio_at,omitempty"`
	Safety            jsonFloat     `json:"safety_factor"`
	Detail            []elementJSON `json:"detail,omitempty"`
}

// elementJSON mirrors gradients.Element.
type elementJSON struct {
	Name     string    `json:"name"`
	Index    int       `json:"index"`
	A        jsonFloat `json:"a"`
	B        jsonFloat `json:"b"`
	AbsErr   jsonFloat `json:"abs_err"`
	Allowed  jsonFloat `json:"allowed"`
	Ratio    jsonFloat `json:"ratio"`
	Category string    `json:"category"`
}

type blockJSON struct {
	Block     string    `json:"block"`
	MaxAbsErr jsonFloat `json:"max_abs_err"`
	MaxRelErr jsonFloat `json:"max_rel_err"`
}

func toJSON(a Agreement) agreementJSON {
	j := agreementJSON{Net: a.Net, Cost: a.Cost, Params: a.Params, Batch: a.Batch, Seed: a.Seed, Skipped: a.Skipped,
		Agree: a.Agree, ExactAgree: a.ExactAgree, ExactPairs: a.ExactPairs, Engines: []engineJSON{}, Pairs: []pairJSON{}, Quantity: a.Quantity}
	for _, e := range a.Engines {
		j.Engines = append(j.Engines, engineJSON{e.Name, jsonFloat(e.Tolerance), jsonFloat(e.K)})
	}
	for _, p := range a.Pairs {
		pj := pairJSON{A: p.A, B: p.B, MaxAbsErr: jsonFloat(p.MaxAbsErr), MaxRelErr: jsonFloat(p.MaxRelErr),
			Worst: p.Worst, WorstAt: p.WorstAt, WorstA: jsonFloat(p.WorstA), WorstB: jsonFloat(p.WorstB),
			CostErr: jsonFloat(p.CostErr), Tolerance: jsonFloat(p.Tolerance), Agree: p.Agree,
			Blocks: []blockJSON{}, FirstBad: p.FirstBad, NonDifferentiable: p.NonDifferentiable, Convention: p.Convention,
			Agreeing: p.Agreeing, Disagreeing: p.Disagreeing, WorstRatio: jsonFloat(p.WorstRatio), WorstRatioAt: p.WorstRatioAt,
			Safety: jsonFloat(p.Safety)}
		for _, e := range p.Detail {
			pj.Detail = append(pj.Detail, elementJSON{e.Name, e.Index, jsonFloat(e.A), jsonFloat(e.B), jsonFloat(e.AbsErr),
				jsonFloat(e.Allowed), jsonFloat(e.Ratio), e.Category})
		}
		for _, b := range p.Blocks {
			pj.Blocks = append(pj.Blocks, blockJSON{b.Block, jsonFloat(b.MaxAbsErr), jsonFloat(b.MaxRelErr)})
		}
		j.Pairs = append(j.Pairs, pj)
	}
	return j
}

func fromJSON(j agreementJSON) Agreement {
	a := Agreement{Net: j.Net, Cost: j.Cost, Params: j.Params, Batch: j.Batch, Seed: j.Seed, Skipped: j.Skipped, Agree: j.Agree,
		ExactAgree: j.ExactAgree, ExactPairs: j.ExactPairs, Quantity: j.Quantity}
	for _, e := range j.Engines {
		a.Engines = append(a.Engines, EngineRun{e.Name, float64(e.Tolerance), float64(e.K)})
	}
	for _, pj := range j.Pairs {
		p := gradients.Pair{A: pj.A, B: pj.B, MaxAbsErr: float64(pj.MaxAbsErr), MaxRelErr: float64(pj.MaxRelErr),
			Worst: pj.Worst, WorstAt: pj.WorstAt, WorstA: float64(pj.WorstA), WorstB: float64(pj.WorstB),
			CostErr: float64(pj.CostErr), Tolerance: float64(pj.Tolerance), Agree: pj.Agree, FirstBad: pj.FirstBad,
			NonDifferentiable: pj.NonDifferentiable, Convention: pj.Convention, Agreeing: pj.Agreeing,
			Disagreeing: pj.Disagreeing, WorstRatio: float64(pj.WorstRatio), WorstRatioAt: pj.WorstRatioAt, Safety: float64(pj.Safety)}
		for _, e := range pj.Detail {
			p.Detail = append(p.Detail, gradients.Element{Name: e.Name, Index: e.Index, A: float64(e.A), B: float64(e.B),
				AbsErr: float64(e.AbsErr), Allowed: float64(e.Allowed), Ratio: float64(e.Ratio), Category: e.Category})
		}
		for _, b := range pj.Blocks {
			p.Blocks = append(p.Blocks, gradients.BlockErr{Block: b.Block, MaxAbsErr: float64(b.MaxAbsErr), MaxRelErr: float64(b.MaxRelErr)})
		}
		a.Pairs = append(a.Pairs, p)
	}
	return a
}
