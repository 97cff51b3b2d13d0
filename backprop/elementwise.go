package backprop

import (
	"nabla/internal/par"
	"nabla/nn"
)

// minElementwise is the number of entries below which σ and σ' are applied on the caller's
// goroutine alone: waking a worker costs a few microseconds.
const minElementwise = 4096

// elementwise applies an activation to a matrix's entries, or multiplies them by its
// derivative, on a pool of threads (it is the par.Task). Every entry is computed alone, so the
// result does not depend on the number of threads. A nil *elementwise works on the caller's
// goroutine.
type elementwise struct {
	pool   *par.Pool
	act    nn.Activation
	dst, y []float64 // the call in progress: y nil for dst = σ(dst), else dst ⊙= σ'(ŷ) from y = σ(ŷ)
	parts  int
}

// apply sets dst = σ(dst), or when y is not nil multiplies dst by σ'(ŷ) computed from the
// activations y = σ(ŷ) (mulDeriv).
func (w *elementwise) apply(a nn.Activation, dst, y []float64) {
	if w == nil || w.pool.Threads() == 1 || len(dst) < minElementwise {
		elementSpan(a, dst, y)
		return
	}
	w.act, w.dst, w.y = a, dst, y
	w.parts = min(w.pool.Threads(), len(dst)/(minElementwise/2))
	w.pool.Run(w.parts, w)
	w.dst, w.y = nil, nil
}

// Run applies the call in progress to the entries of part i.
func (w *elementwise) Run(i int) {
	lo, hi := par.Span(len(w.dst), w.parts, i)
	var y []float64
	if w.y != nil {
		y = w.y[lo:hi]
	}
	elementSpan(w.act, w.dst[lo:hi], y)
}

func elementSpan(a nn.Activation, dst, y []float64) {
	if y == nil {
		a.Apply(dst, dst)
		return
	}
	mulDeriv(a, dst, y)
}
