package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot/plotter"

	"nabla/internal/jsonnum"
	"nabla/results"
)

// Agreements are the cross-checks of a report, one per network. Their JSON form is that of
// Agreement.JSON (non-finite errors written as strings), so that they survive a round trip.
type Agreements []Agreement

// MarshalJSON writes the agreements in Agreement.JSON's form.
func (as Agreements) MarshalJSON() ([]byte, error) {
	return jsonnum.Marshal([]Agreement(as))
}

// UnmarshalJSON reads what MarshalJSON writes.
func (as *Agreements) UnmarshalJSON(b []byte) error {
	return jsonnum.Unmarshal(b, (*[]Agreement)(as))
}

// AgreementOf turns the cross-check that package bench ran into an Agreement.
func AgreementOf(a results.Agreement) Agreement {
	ag := NewAgreement(a.Report, a.Results)
	ag.Params, ag.Batch, ag.Seed = a.Params, a.Batch, a.Seed
	for _, x := range a.Excluded {
		ag.Skipped = append(ag.Skipped, SkippedEngine{Name: x.Engine, Reason: x.Reason})
	}
	return ag
}

func agreementSection() Section {
	return Section{ID: "agreement", Title: "Agreement of the engines", Order: 40,
		Has:  func(r *Results) bool { return len(r.Agreement) > 0 },
		Body: agreementBody, Figures: agreementFigures}
}

func agreementBody(w io.Writer, r *Results) error {
	io.WriteString(w, "Every engine's ∇K on the same parameters and batch, every pair compared with the safe "+
		"relative error |x−y|/max(1,|x|+|y|) against the sum of the two engines' tolerances "+
		"(gradients.CrossCheck). Engines over the time budget on a network are left out of its "+
		"cross-check and named.\n\n")
	var rows [][]string
	for _, a := range r.Agreement {
		worst, worstPair := 0.0, "—"
		agree := 0
		for _, p := range a.Pairs {
			if p.Agree {
				agree++
			}
			if p.MaxRelErr >= worst {
				worst, worstPair = p.MaxRelErr, p.A+" vs "+p.B
			}
		}
		verdict := "yes"
		if !a.Agree {
			verdict = "NO"
		}
		rows = append(rows, []string{a.Net, strconv.Itoa(a.Params), strconv.Itoa(len(a.Engines)),
			fmt.Sprintf("%d/%d", agree, len(a.Pairs)), worstPair, fmtErr(worst), strconv.Itoa(len(a.Skipped)), verdict})
	}
	if err := labTable(w, Markdown, []string{"net", "params", "engines", "pairs agreeing", "worst pair", "its max rel err", "left out", "all agree"},
		aligns("lrrrlrrl"), rows); err != nil {
		return err
	}
	// The pair tables are long (45 pairs for ten engines): each sits in a collapsed block,
	// opened on a disagreement.
	for _, a := range r.Agreement {
		open := ""
		if !a.Agree {
			open = " open"
		}
		fmt.Fprintf(w, "\n<details%s><summary>%s (%d parameters): %s</summary>\n\n", open, a.Net, a.Params, a.Summary())
		if err := a.Markdown(w); err != nil {
			return err
		}
		io.WriteString(w, "\n</details>\n")
	}
	return nil
}

// PreferredReference is the engine the agreement plot measures the others against when it
// takes part in as many cross-checks as any other exact engine: the notes' hand-coded
// backpropagation.
const PreferredReference = "backprop"

// AgreementPlot shows, per engine, the largest relative error against a reference engine in
// every cross-check, against the parameter count, on log–log axes, with the pair's tolerance
// as a dashed line in the same colour. The reference is the exact engine that takes part in
// the most cross-checks (PreferredReference on a tie, otherwise the first in the results'
// order). Errors of exactly 0 are drawn on a dotted row labelled "0 (exact)" a decade below
// the smallest other value; infinite ones (a NaN gradient) are left out.
func AgreementPlot(r *Results) (lp LinePlot, ref string) {
	ref = agreementReference(r)
	series := map[string]*Series{}
	lowest := math.Inf(1)
	for _, a := range r.Agreement {
		for _, p := range a.Pairs {
			other := ""
			switch ref {
			case p.A:
				other = p.B
			case p.B:
				other = p.A
			default:
				continue
			}
			if math.IsInf(p.MaxRelErr, 0) || math.IsNaN(p.MaxRelErr) {
				continue
			}
			s, ok := series[other]
			if !ok {
				s = &Series{Name: other}
				series[other] = s
			}
			x := float64(a.Params)
			s.XY = append(s.XY, plotter.XY{X: x, Y: p.MaxRelErr})
			if p.Tolerance > 0 && !math.IsInf(p.Tolerance, 0) {
				s.Limit = append(s.Limit, plotter.XY{X: x, Y: p.Tolerance})
				lowest = min(lowest, p.Tolerance)
			}
			if p.MaxRelErr > 0 {
				lowest = min(lowest, p.MaxRelErr)
			}
		}
	}
	lp = LinePlot{Title: "Largest relative error against " + ref, X: "parameters", Y: "max relative error",
		LogX: true, LogY: true, LimitName: "dashed: the pair's tolerance"}
	if !math.IsInf(lowest, 0) {
		lp.ZeroAt = math.Pow(10, math.Floor(math.Log10(lowest))-1)
	} else {
		lp.ZeroAt = 1e-17
	}
	for _, e := range r.engineNames() {
		if s, ok := series[e]; ok {
			lp.Series = append(lp.Series, *s)
		}
	}
	return lp, ref
}

// agreementReference is the engine the agreement plot measures the others against: the exact
// engine in the most cross-checks, PreferredReference on a tie.
func agreementReference(r *Results) string {
	count := map[string]int{}
	exact := map[string]bool{}
	for _, e := range r.Engines {
		exact[e.Name] = e.Exact
	}
	for _, a := range r.Agreement {
		for _, e := range a.Engines {
			if exact[e.Name] {
				count[e.Name]++
			}
		}
	}
	ref, best := "", 0
	for _, e := range r.Engines {
		if c := count[e.Name]; c > best || (c == best && c > 0 && e.Name == PreferredReference) {
			ref, best = e.Name, c
		}
	}
	return ref
}

func agreementFigures(r *Results) ([]Figure, error) {
	lp, ref := AgreementPlot(r)
	if ref == "" || len(lp.Series) == 0 {
		return nil, nil
	}
	svg, err := lp.SVG()
	if err != nil {
		return nil, err
	}
	return []Figure{{File: "agreement.svg", Title: lp.Title, SVG: svg,
		Caption: lp.Title + " (log–log): a point under its dashed line (the pair's tolerance, same colour) agrees; above it, the pair " +
			"agrees only where each element is within the engines' expected errors (the agreement tables); an error of exactly 0 sits on the row labelled 0"}}, nil
}
