package autodiff

// minElementwise is the number of entries below which an elementwise op runs on the caller's
// goroutine alone: waking a worker costs a few microseconds.
const minElementwise = 2048

// elementSpans is an elementwise op in progress on a tape's threads (a par.Spanner): a
// sigmoid's value z = σ(x), or its adjoint rule x̄ += z̄ ⊙ z ⊙ (1 − z), or (src nil) the
// zeroing of an adjoint before the backward sweep. Every entry is computed alone, so the result does not depend on
// the number of threads.
type elementSpans struct {
	back     bool
	dst, src []float64 // value: z, x; adjoint: x̄, z
	g        []float64 // adjoint: z̄
}

// Span computes entries [lo, hi).
func (s *elementSpans) Span(lo, hi int) {
	if s.src == nil {
		clear(s.dst[lo:hi])
		return
	}
	dst, src := s.dst[lo:hi], s.src[lo:hi]
	if !s.back {
		for i, v := range src {
			dst[i] = sigmoid(v)
		}
		return
	}
	for i, v := range s.g[lo:hi] {
		dst[i] += v * src[i] * (1 - src[i])
	}
}

// sigmoids sets dst = σ(src) or, when back, adds g ⊙ src ⊙ (1 − src) to dst (src = σ(x)), on
// the tape's threads.
func (t *Tape) sigmoids(back bool, dst, src, g []float64) {
	t.sig = elementSpans{back: back, dst: dst, src: src, g: g}
	t.ew.Spans(len(dst), minElementwise, &t.sig)
	t.sig = elementSpans{}
}

// clearAdjoint sets the adjoint g to zero, on the tape's threads when it is large.
func (t *Tape) clearAdjoint(g []float64) {
	if len(g) < 2*minClear {
		clear(g)
		return
	}
	t.sig = elementSpans{dst: g}
	t.ew.Spans(len(g), minClear, &t.sig)
	t.sig = elementSpans{}
}

// minClear is the number of entries below which an adjoint is zeroed on the caller's
// goroutine alone: zeroing is ten times cheaper per entry than a sigmoid.
const minClear = 16384
