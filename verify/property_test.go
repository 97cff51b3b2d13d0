package verify_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	_ "nabla/autodiff"
	_ "nabla/backprop"
	"nabla/gradients"
	_ "nabla/numeric"
	"nabla/verify"
)

// propertyCases is the number of random networks of the property test (fewer with -short).
const propertyCases = 400

// approxBudget bounds NumParams × batch for the approximate engines, which evaluate the cost
// 2n+1 times per gradient; larger cases are checked by the exact engines only.
const approxBudget = 20_000

// TestPropertyEveryPairAgrees draws random networks (depth 1–4, widths 1–32, every
// activation, batch 1–64, one seed each) and requires every pair of registered engines to
// agree within the pair's tolerance, parameters at ReLU kinks set aside as
// non-differentiable points. It never redraws a case: kinks are the cross-check's to handle.
func TestPropertyEveryPairAgrees(t *testing.T) {
	n := propertyCases
	if testing.Short() {
		n = propertyCases / 4
	}
	start := time.Now()
	var pairs, kinks, approxSkipped int
	var rounding []string // pairs that only agree within the rounding allowance
	engines := gradients.All()
	require.NotEmpty(t, engines)
	for i := range n {
		c := verify.RandomCase(verify.Space{}, 1, i)
		var results []gradients.Result
		steps := map[string]float64{}
		for _, info := range engines {
			if !info.Exact && c.Net.NumParams()*c.B.Len() > approxBudget {
				approxSkipped++
				continue
			}
			e, err := info.New(c.Net)
			if errors.Is(err, gradients.ErrUnsupported) {
				continue
			}
			require.NoError(t, err, "%s on %s", info.Name, c.Arch)
			g, k, err := e.Gradient(nil, c.A, c.B)
			require.NoError(t, err, "%s on %s", info.Name, c.Arch)
			results = append(results, gradients.Result{Engine: info.Name, Tolerance: info.Tol(), K: k, Grad: g, Step: info.KinkStep()})
			steps[info.Name] = 0
			if s, ok := e.(stepper); ok && !info.Exact {
				steps[info.Name] = s.Step()
			}
		}
		rep := gradients.CompareAt(c.Net, c.A, c.B, results)
		pairs += len(rep.Pairs)
		for _, p := range rep.Pairs {
			kinks += len(p.NonDifferentiable)
			if !p.Agree && withinRounding(p, results, steps) {
				rounding = append(rounding, fmt.Sprintf("case %d %s batch %d: %s vs %s, rel err %.3g > %.3g, K = %.4g",
					i, c.Arch, c.B.Len(), p.A, p.B, p.MaxRelErr, p.Tolerance, results[0].K))
				continue
			}
			if !p.Agree {
				t.Errorf("case %d %s batch %d seed %d: %s vs %s disagree: max rel err %.3g > %.3g at %s (%v vs %v), cost rel err %.3g, first bad block %s",
					i, c.Arch, c.B.Len(), c.Seed, p.A, p.B, p.MaxRelErr, p.Tolerance, p.Worst, p.WorstA, p.WorstB, p.CostErr, p.FirstBad)
			}
		}
	}
	names := make([]string, len(engines))
	for i, e := range engines {
		names[i] = e.Name
	}
	// The allowance explains rare cases only; if it is needed often, a tolerance is wrong.
	require.LessOrEqual(t, len(rounding), pairs/50, "too many pairs need the rounding allowance")
	for _, r := range rounding {
		t.Logf("beyond the registered tolerance, within the rounding allowance: %s", r)
	}
	t.Logf("%d random networks, %d engine pairs compared (%s), %d parameters set aside at ReLU kinks, approximate engines skipped on %d engine-cases over budget, %v",
		n, pairs, strings.Join(names, ", "), kinks, approxSkipped, time.Since(start).Round(time.Millisecond))
}

// stepper is implemented by finite-difference engines that report their step h.
type stepper interface{ Step() float64 }

// roundingSlack is the factor c of the rounding allowance c·ε·max(1, |K|)/h.
const roundingSlack = 16

// withinRounding reports whether a disagreeing pair with a finite-difference engine agrees
// once each entry's allowance is widened by the rounding error of a difference quotient,
// c·ε·max(1, |K|)/h: the registered tolerances are relative to the gradient and hold on
// well-scaled networks, but the rounding error of K(A ± h·eᵢ) grows with |K|, which random
// networks with identity outputs push into the thousands.
func withinRounding(p gradients.Pair, results []gradients.Result, steps map[string]float64) bool {
	h := 0.0
	for _, name := range []string{p.A, p.B} {
		if s := steps[name]; s > 0 && (h == 0 || s < h) {
			h = s
		}
	}
	if h == 0 || p.CostErr > p.Tolerance {
		return false
	}
	var ga, gb []float64
	var k float64
	for _, r := range results {
		switch r.Engine {
		case p.A:
			ga, k = r.Grad, r.K
		case p.B:
			gb = r.Grad
		}
	}
	allow := roundingSlack * 0x1p-52 * max(1, math.Abs(k)) / h
	for i := range ga {
		if math.Abs(ga[i]-gb[i]) > p.Tolerance*max(1, math.Abs(ga[i])+math.Abs(gb[i]))+allow {
			return false
		}
	}
	return true
}

func ExampleRandomCase() {
	for i := range 3 {
		c := verify.RandomCase(verify.Space{}, 1, i)
		fmt.Println(c.Arch, c.B.Len())
	}
	// Output:
	// 1-11:tanh 3
	// 32-4-7-1-1:relu,identity,relu,identity 3
	// 9-2-10:sigmoid,relu 3
}
