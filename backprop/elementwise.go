package backprop

import (
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/par"
	"nabla/nn"
)

// minElementwise is the number of entries below which σ and σ' are applied on the caller's
// goroutine alone: waking a worker costs a few microseconds.
const minElementwise = 2048

// elementwise applies an activation to a matrix's entries, or multiplies them by its
// derivative, fills a matrix's rows with the biases, or sums its columns, on a pool of threads
// (it is the par.Spanner). Every entry (or column sum) is computed alone, by the same
// operations in the same order on any thread, so the result does not depend on the number of
// threads. A nil *elementwise works on the caller's goroutine.
type elementwise struct {
	pool   *par.Pool
	act    nn.Activation
	dst, y []float64 // the call in progress: y nil for dst = σ(dst), else dst ⊙= σ'(ŷ) from y = σ(ŷ)
	m      blas64.General
	op     spanOp
}

// spanOp is what an elementwise call in progress does to its span.
type spanOp int

const (
	opActivation spanOp = iota // σ or σ' on entries [lo, hi) of dst
	opBroadcast                // rows [lo, hi) of m set to dst
	opColSums                  // dst[j] = Σᵢ m[i][j] for the columns j in [lo, hi), i in order
)

// apply sets dst = σ(dst), or when y is not nil multiplies dst by σ'(ŷ) computed from the
// activations y = σ(ŷ) (mulDeriv).
func (w *elementwise) apply(a nn.Activation, dst, y []float64) {
	if w == nil {
		(&elementwise{act: a, dst: dst, y: y}).Span(0, len(dst))
		return
	}
	w.act, w.dst, w.y, w.op = a, dst, y, opActivation
	w.pool.Spans(len(dst), minElementwise, w)
	w.dst, w.y = nil, nil
}

// broadcast sets every row of m to v (of length m.Cols): the biases of a dense layer, before
// the product adds Y Wᵀ.
func (w *elementwise) broadcast(m blas64.General, v []float64) {
	w.spans(opBroadcast, m, v, m.Rows, m.Cols)
}

// colSums sets g[j] to the sum of column j of m, the rows added in order: ∂K/∂b of a dense
// layer from its Δ.
func (w *elementwise) colSums(g []float64, m blas64.General) {
	w.spans(opColSums, m, g[:m.Cols], m.Cols, m.Rows)
}

// spans runs op over n items (rows or columns of m) of size entries each.
func (w *elementwise) spans(op spanOp, m blas64.General, v []float64, n, size int) {
	if w == nil {
		(&elementwise{op: op, m: m, dst: v}).Span(0, n)
		return
	}
	w.op, w.m, w.dst = op, m, v
	w.pool.Spans(n, (minElementwise+size-1)/max(size, 1), w)
	w.m, w.dst = blas64.General{}, nil
}

// Span applies the call in progress to its items [lo, hi): entries, rows or columns.
func (w *elementwise) Span(lo, hi int) {
	switch w.op {
	case opBroadcast:
		for i := lo; i < hi; i++ {
			copy(w.m.Data[i*w.m.Stride:i*w.m.Stride+w.m.Cols], w.dst)
		}
		return
	case opColSums:
		colSums(w.dst, w.m, lo, hi)
		return
	}
	if w.y == nil {
		w.act.Apply(w.dst[lo:hi], w.dst[lo:hi])
		return
	}
	mulDeriv(w.act, w.dst[lo:hi], w.y[lo:hi])
}

// colSums sets g[j] = Σᵢ m[i][j] for the columns j in [lo, hi), adding the rows in order: eight
// columns at a time in registers, so that each row is read once per eight columns and g is
// written once.
func colSums(g []float64, m blas64.General, lo, hi int) {
	d, ld := m.Data, m.Stride
	j := lo
	for ; j+8 <= hi; j += 8 {
		r := d[j : j+8 : j+8]
		s0, s1, s2, s3, s4, s5, s6, s7 := r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]
		for i := 1; i < m.Rows; i++ {
			r := d[i*ld+j : i*ld+j+8 : i*ld+j+8]
			s0, s1, s2, s3 = s0+r[0], s1+r[1], s2+r[2], s3+r[3]
			s4, s5, s6, s7 = s4+r[4], s5+r[5], s6+r[6], s7+r[7]
		}
		q := g[j : j+8 : j+8]
		q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
	for ; j < hi; j++ {
		s := d[j]
		for i := 1; i < m.Rows; i++ {
			s += d[i*ld+j]
		}
		g[j] = s
	}
}
