package numeric

import "math"

// RefineBound returns a measured expected error of element j of the last Gradient call, whose
// quotient was d, in place of ErrorBounds' estimate where that estimate assumed the size of
// the truncation error: for a single-step formula of order p (Forward, Backward, Central) it
// applies the same formula at twice the step h that Gradient used (at h/2 when the stencil at
// 2h crosses a kink), and takes the truncation at h from the two quotients' distance,
// |D(h) − D(sh)|/|1 − s^p| (the leading term C·h^p of D(h) − ∂K/∂Aⱼ cancels in neither), plus
// the rounding that distance carries, (1 + 1/s)·r/|1 − s^p| for the rounding bound r of
// ErrorBounds at h: so the bound is r + |D(h) − D(sh)|/|1 − s^p| + (1 + 1/s)·r/|1 − s^p|. It
// costs the formula's points away from the origin in evaluations of K (one for Forward, two
// for Central). Where the tableau or the companion difference already measured the
// truncation (Richardson, Central5), where the stencil crossed a kink, or where both other
// steps cross one, it returns ErrorBounds' bound unchanged. A and the batch of the last
// Gradient call must not have changed since; it returns NaN when the engine computes no
// bounds or has no Gradient call to refine. It implements gradients.BoundRefiner.
func (e *Engine) RefineBound(j int, d float64) float64 {
	if e.bound == nil || e.lastA == nil || j < 0 || j >= len(e.bound) {
		return math.NaN()
	}
	if e.levels > 1 || e.companion || e.crossed[j] {
		return e.bound[j]
	}
	w := e.workers[0]
	if !e.ready {
		w.eval.begin(e.lastA, e.lastB)
		e.ready = true
	}
	h := e.steps[j]
	r := e.roundC * e.noise / h
	p := float64(e.order)
	for _, s := range []float64{2, 0.5} {
		ds, crossed := w.quotient(j, e.k0, s*h)
		if crossed {
			continue
		}
		den := math.Abs(1 - math.Pow(s, p))
		return r + math.Abs(d-ds)/den + (1+1/s)*r/den
	}
	return e.bound[j]
}
