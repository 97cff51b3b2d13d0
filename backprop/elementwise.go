package backprop

import (
	"nabla/internal/par"
	"nabla/nn"
)

// minElementwise is the number of entries below which σ and σ' are applied on the caller's
// goroutine alone: waking a worker costs a few microseconds.
const minElementwise = 2048

// elementwise applies an activation to a matrix's entries, or multiplies them by its
// derivative, on a pool of threads (it is the par.Spanner). Every entry is computed alone, so
// the result does not depend on the number of threads. A nil *elementwise works on the
// caller's goroutine.
type elementwise struct {
	pool   *par.Pool
	act    nn.Activation
	dst, y []float64 // the call in progress: y nil for dst = σ(dst), else dst ⊙= σ'(ŷ) from y = σ(ŷ)
}

// apply sets dst = σ(dst), or when y is not nil multiplies dst by σ'(ŷ) computed from the
// activations y = σ(ŷ) (mulDeriv).
func (w *elementwise) apply(a nn.Activation, dst, y []float64) {
	if w == nil {
		(&elementwise{act: a, dst: dst, y: y}).Span(0, len(dst))
		return
	}
	w.act, w.dst, w.y = a, dst, y
	w.pool.Spans(len(dst), minElementwise, w)
	w.dst, w.y = nil, nil
}

// Span applies the call in progress to entries [lo, hi).
func (w *elementwise) Span(lo, hi int) {
	if w.y == nil {
		w.act.Apply(w.dst[lo:hi], w.dst[lo:hi])
		return
	}
	mulDeriv(w.act, w.dst[lo:hi], w.y[lo:hi])
}
