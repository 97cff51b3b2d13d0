package verify_test

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/mutants"
	"nabla/nn"
	"nabla/verify"
)

var (
	sweep       = flag.Bool("sweep", false, "run the verdict sweep (TestSweep): random networks up to width 128, 784 inputs and batch 1000")
	sweepCases  = flag.Int("sweep.n", 1000, "networks of the verdict sweep")
	sweepBudget = flag.Duration("sweep.budget", 150*time.Millisecond, "largest estimated time of one gradient of an engine in the sweep")
)

// sizeClass buckets a case by parameters × batch, the work of one forward pass.
func sizeClass(net *nn.Network, batch int) string {
	w := net.NumParams() * batch
	switch {
	case w < 1e3:
		return "1 <1e3"
	case w < 1e5:
		return "2 1e3–1e5"
	case w < 1e7:
		return "3 1e5–1e7"
	}
	return "4 ≥1e7"
}

// tally counts detections of one engine in one size class.
type tally struct{ faults, detected int }

// TestSweep is the verdict sweep (opt-in: go test ./verify -run Sweep -sweep): seeded random
// networks of depth 1–4, widths 1–128 (every eighth with 784 inputs), every activation and
// batch 1–1000. On each, every registered engine that fits the budget runs, and every pair is
// cross-checked with the engines' own error bounds: a disagreement is a false alarm. Then the
// gradient of every catalogued mutant that changes the gradient there is held against each
// engine; a pair that agrees is a missed fault. It logs the false alarms, the worst
// observed/expected ratio, and the detection rate per engine and size class.
func TestSweep(t *testing.T) {
	if !*sweep {
		t.Skip("opt-in: -sweep")
	}
	start := time.Now()
	runner := &gradients.Runner{Budget: *sweepBudget, Seed: 1}
	infos := gradients.All()
	rates := map[string]map[string]*tally{} // engine → size class → tally
	count := func(engine, class string, detected bool) {
		if rates[engine] == nil {
			rates[engine] = map[string]*tally{}
		}
		if rates[engine][class] == nil {
			rates[engine][class] = &tally{}
		}
		rates[engine][class].faults++
		if detected {
			rates[engine][class].detected++
		}
	}
	var pairs, alarms, notComparable, measured int
	var worstRatio float64
	var worstAt string
	for i := range *sweepCases {
		s := verify.Space{MaxWidth: 128, MaxBatch: 1000}
		if i%8 == 7 {
			s.Inputs = 784
		}
		c := verify.RandomCase(s, 7, i)
		out, err := runner.Run(infos, c.Net, c.A, c.B)
		require.NoError(t, err, "case %d %s", i, c.Arch)
		rep := gradients.CompareAt(c.Net, c.A, c.B, out.Results)
		pairs += len(rep.Pairs)
		for _, p := range rep.Pairs {
			notComparable += len(p.NonDifferentiable)
			measured += p.Measured
			if p.WorstRatio > worstRatio {
				worstRatio, worstAt = p.WorstRatio, fmt.Sprintf("case %d %s batch %d: %s vs %s at %s", i, c.Arch, c.B.Len(), p.A, p.B, p.WorstRatioAt)
			}
			if !p.Agree {
				alarms++
				t.Errorf("false alarm: case %d %s batch %d seed %d: %s vs %s: rel err %.3g, obs/exp %.3g at %s, %d disagreeing",
					i, c.Arch, c.B.Len(), c.Seed, p.A, p.B, p.MaxRelErr, p.WorstRatio, p.WorstRatioAt, p.Disagreeing)
			}
		}
		class := sizeClass(c.Net, c.B.Len())
		for _, f := range mutants.Catalogue() {
			g, k, err := mutants.Gradient(c.Net, f, c.A, c.B)
			require.NoError(t, err)
			ref := out.Results[0] // an exact engine: exact engines come first
			if !changes(g, ref.Grad) {
				continue
			}
			m := gradients.Result{Engine: "mutant:" + f.Name, Tolerance: 1e-12, K: k, Grad: g, Exact: true, Step: gradients.ExactKinkStep}
			for _, r := range out.Results {
				p := gradients.ComparePairAt(c.Net, c.A, c.B, r, m)
				count(r.Engine, class, !p.Agree)
				if p.Agree {
					t.Errorf("missed fault: case %d %s batch %d: %s agrees with %s (max rel err %.3g)", i, c.Arch, c.B.Len(), r.Engine, f.Name, p.MaxRelErr)
				}
			}
		}
	}
	t.Logf("%d networks, %d engine pairs, %d false alarms, %d elements not comparable, %d judged with measured bounds, worst obs/exp %.3g (%s), %v",
		*sweepCases, pairs, alarms, notComparable, measured, worstRatio, worstAt, time.Since(start).Round(time.Second))
	classes := map[string]bool{}
	for _, m := range rates {
		for c := range m {
			classes[c] = true
		}
	}
	cls := slices.Sorted(maps.Keys(classes))
	var b strings.Builder
	fmt.Fprintf(&b, "detection rate (detected/faults that change the gradient) per engine and params×batch:\n%-20s", "engine")
	for _, c := range cls {
		fmt.Fprintf(&b, " %14s", c[2:])
	}
	for _, e := range slices.Sorted(maps.Keys(rates)) {
		fmt.Fprintf(&b, "\n%-20s", e)
		for _, c := range cls {
			if tl := rates[e][c]; tl != nil {
				fmt.Fprintf(&b, " %14s", fmt.Sprintf("%d/%d", tl.detected, tl.faults))
			} else {
				fmt.Fprintf(&b, " %14s", "–")
			}
		}
	}
	t.Log(b.String())
}

// changes reports whether a mutant's gradient differs from the exact one beyond rounding.
func changes(g, ref []float64) bool {
	for i := range g {
		if gradients.RelErr(g[i], ref[i]) > 1e-10 {
			return true
		}
	}
	return false
}
