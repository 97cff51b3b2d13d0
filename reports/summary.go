package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"nabla/internal/units"
	"nabla/results"
)

func summarySection() Section {
	return Section{ID: "summary", Title: "Summary", Order: 15,
		Has:  func(r *Results) bool { return len(r.Benchmarks) > 0 || len(r.Agreement) > 0 },
		Body: summaryBody}
}

// summaryBody states the report's findings in a few lines, each computed from the results.
func summaryBody(w io.Writer, r *Results) error {
	var lines []string
	if len(r.Agreement) > 0 {
		pairs, bad := 0, 0
		var worst []string
		for _, a := range r.Agreement {
			pairs += len(a.Pairs)
			for _, p := range a.Disagreeing() {
				bad++
				worst = append(worst, fmt.Sprintf("%s vs %s on %s", p.A, p.B, a.Net))
			}
		}
		if bad == 0 {
			lines = append(lines, fmt.Sprintf("**Agreement:** every pair of engines agrees within its error bounds on all %d networks (%d pairs).", len(r.Agreement), pairs))
		} else {
			lines = append(lines, fmt.Sprintf("**Agreement:** %d of %d pairs DISAGREE: %s.", bad, pairs, strings.Join(worst, "; ")))
		}
	}
	if c, ok := largestCase(r.Benchmarks); ok {
		var ran []results.Timing
		for _, b := range r.Benchmarks {
			if b.Net == c.Net && b.Batch == c.Batch && !b.Skipped {
				ran = append(ran, b)
			}
		}
		if len(ran) > 0 {
			slices.SortStableFunc(ran, func(a, b results.Timing) int {
				switch {
				case a.GradientNs < b.GradientNs:
					return -1
				case a.GradientNs > b.GradientNs:
					return 1
				}
				return 0
			})
			var parts []string
			for _, b := range ran {
				parts = append(parts, fmt.Sprintf("%s %s", b.Engine, fmtRatio(b.Ratio)))
			}
			lines = append(lines, fmt.Sprintf("**Largest case, %s (%d parameters):** gradient time over forward time, fastest first: %s.",
				caseLabel(c.Net, c.Batch), ran[0].Params, strings.Join(parts, ", ")))
		}
	}
	skipped := 0
	for _, b := range r.Benchmarks {
		if b.Skipped {
			skipped++
		}
	}
	if skipped > 0 {
		lines = append(lines, fmt.Sprintf("**Skipped:** %d of %d engine × case timings, over the budget of %s per gradient or unsupported (each with its reason under [Timings in detail](#timings)).",
			skipped, len(r.Benchmarks), units.FormatNs(r.BudgetNs)))
	}
	if r.Scaling != nil && len(r.Scaling.Fits) > 0 {
		var parts []string
		for _, f := range r.Scaling.Fits {
			if f.Engine != "forward" {
				parts = append(parts, fmt.Sprintf("%s %s", f.Engine, fmtExp(f.RatioExponent)))
			}
		}
		lines = append(lines, fmt.Sprintf("**Scaling:** grad/fwd grows as params^k with k = %s (0 is a constant number of forward passes, 1 one pass per parameter).",
			strings.Join(parts, ", ")))
	}
	if probs := r.Problems(); len(probs) > 0 {
		lines = append([]string{"**Problems:** " + strings.Join(probs, "; ") + "."}, lines...)
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "- %s\n", l); err != nil {
			return err
		}
	}
	return nil
}

// benchCase is a network and batch size of the benchmarks.
type benchCase struct {
	Net   string
	Batch int
}

// largestCase returns the benchmark case with the most work (parameters × batch).
func largestCase(timings []results.Timing) (benchCase, bool) {
	var best benchCase
	work := -1
	for _, b := range timings {
		if w := b.Params * b.Batch; w > work {
			best, work = benchCase{Net: b.Net, Batch: b.Batch}, w
		}
	}
	return best, work >= 0
}

// Problems lists what a reader must not miss: engines that failed (returned an error) on a
// benchmark case or in a cross-check, and cross-checked pairs that disagree. It is empty for
// a clean run; nabla report exits with status 1 when it is not.
func (r *Results) Problems() []string {
	var probs []string
	failed := map[string][]string{}
	var order []string
	note := func(engine, where string) {
		if failed[engine] == nil {
			order = append(order, engine)
		}
		failed[engine] = append(failed[engine], where)
	}
	for _, b := range r.Benchmarks {
		if b.Failed {
			note(b.Engine, caseLabel(b.Net, b.Batch))
		}
	}
	for _, a := range r.Agreement {
		for _, sk := range a.Skipped {
			if strings.HasPrefix(sk.Reason, "error: ") {
				note(sk.Name, "cross-check on "+a.Net)
			}
		}
	}
	for _, e := range order {
		probs = append(probs, fmt.Sprintf("engine %s failed on %s", e, strings.Join(failed[e], ", ")))
	}
	for _, a := range r.Agreement {
		for _, p := range a.Disagreeing() {
			probs = append(probs, fmt.Sprintf("%s and %s disagree on %s (max rel err %s > tolerance %s)", p.A, p.B, a.Net, fmtErr(p.MaxRelErr), fmtErr(p.Tolerance)))
		}
	}
	return probs
}
