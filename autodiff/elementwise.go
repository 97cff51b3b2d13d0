package autodiff

import (
	"math"

	"nabla/internal/vmath"
	"nabla/nn"
)

// minElementwise is the number of entries below which an elementwise op that evaluates a
// function (σ, tanh, exp, log, …) runs on the caller's goroutine alone: waking a worker costs
// a few microseconds.
const minElementwise = 2048

// minCheap is the same threshold for the elementwise ops that cost little more than reading
// and writing memory: zeroing, ReLU and squaring, values and adjoint rules.
const minCheap = 16384

// elementSpans is an elementwise op of a unary kind in progress on a tape's threads (a
// par.Spanner): its value dst = f(x), or (back) its adjoint rule dst (x̄) += g (z̄) ⊙ f'(x)
// with z = f(x), written with = instead when fresh, or (op opLeaf) the zeroing of dst. Every
// entry is computed alone, so the result does not depend on the number of threads.
type elementSpans struct {
	op          opKind
	back, fresh bool
	dst         []float64
	x, z, g     []float64
}

// cheap reports whether the op costs little more per entry than a memory pass.
func (s *elementSpans) cheap() bool {
	return s.op == opLeaf || s.op == opReLU || s.op == opSquare
}

// Span computes entries [lo, hi).
func (s *elementSpans) Span(lo, hi int) {
	switch {
	case s.op == opLeaf:
		clear(s.dst[lo:hi])
	case !s.back:
		unaryValue(s.op, s.dst[lo:hi], s.x[lo:hi])
	case s.fresh:
		unarySet(s.op, s.dst[lo:hi], s.x[lo:hi], s.z[lo:hi], s.g[lo:hi])
	default:
		unaryAdd(s.op, s.dst[lo:hi], s.x[lo:hi], s.z[lo:hi], s.g[lo:hi])
	}
}

// elementwise runs s over all of s.dst on the tape's threads.
func (t *Tape) elementwise(s elementSpans) {
	minSpan := minElementwise
	if s.cheap() {
		minSpan = minCheap
	}
	if len(s.dst) < 2*minSpan {
		s.Span(0, len(s.dst))
		return
	}
	t.elem = s
	t.ew.Spans(len(s.dst), minSpan, &t.elem)
	t.elem = elementSpans{}
}

// unaryValues sets dst = f(x) for the elementwise op, on the tape's threads when it is large.
// Below 2·minElementwise entries it calls the loops directly: on small networks building the
// op in progress costs as much as the op.
func (t *Tape) unaryValues(op opKind, dst, x []float64) {
	switch n := len(dst); {
	case n < minVector:
		tinyValue(op, dst, x)
	case n < 2*minElementwise:
		unaryValue(op, dst, x)
	default:
		t.elementwise(elementSpans{op: op, dst: dst, x: x})
	}
}

// unaryAdjoint is the adjoint rule of z = f(x) for the elementwise op: gx = g ⊙ f'(x) when
// fresh, else gx += g ⊙ f'(x), on the tape's threads when it is large.
func (t *Tape) unaryAdjoint(op opKind, fresh bool, gx, xv, zv, g []float64) {
	switch {
	case len(g) >= 2*minElementwise:
		t.elementwise(elementSpans{op: op, back: true, fresh: fresh, dst: gx, x: xv, z: zv, g: g})
	case fresh:
		unarySet(op, gx, xv, zv, g)
	default:
		unaryAdd(op, gx, xv, zv, g)
	}
}

// clearAdjoint sets the adjoint g to zero, on the tape's threads when it is large.
func (t *Tape) clearAdjoint(g []float64) {
	if len(g) < 2*minCheap {
		clear(g)
		return
	}
	t.elementwise(elementSpans{op: opLeaf, dst: g})
}

// minVector is the number of entries below which unaryValues evaluates σ, tanh and exp by the
// scalar functions nn.SigmoidF, math.Tanh and math.Exp (within 2 ulp of vmath's): fewer
// entries than the narrowest vector kernel's lanes, which vmath pads to a whole vector at
// several times the cost of a scalar call per entry (the layers of tiny networks). The choice
// depends on the op's length alone, never on the number of threads.
const minVector = 4

// tinyValue is unaryValue for fewer than minVector entries.
func tinyValue(op opKind, zv, xv []float64) {
	xv = xv[:len(zv)]
	switch op {
	case opSigmoid:
		for i, v := range xv {
			zv[i] = nn.SigmoidF(v)
		}
	case opTanh:
		for i, v := range xv {
			zv[i] = math.Tanh(v)
		}
	case opExp:
		for i, v := range xv {
			zv[i] = math.Exp(v)
		}
	default:
		unaryValue(op, zv, xv)
	}
}

// unaryValue sets zv = f(xv) for the elementwise op.
func unaryValue(op opKind, zv, xv []float64) {
	xv = xv[:len(zv)]
	switch op {
	case opSigmoid: // vectorized, several entries at once (values, not derivatives)
		vmath.Sigmoid(zv, xv)
	case opTanh:
		vmath.Tanh(zv, xv)
	case opExp:
		vmath.Exp(zv, xv)
	case opReLU:
		for i, v := range xv {
			zv[i] = max(v, 0)
		}
	case opSquare:
		for i, v := range xv {
			zv[i] = v * v
		}
	case opLog, opSin, opCos: // the rarer functions, by a call each
		f := scalarFuncs[op]
		for i, v := range xv {
			zv[i] = f(v)
		}
	default:
		panic("autodiff: unary " + op.String())
	}
}

// scalarFuncs are the elementwise functions unaryValue evaluates by a call per entry.
var scalarFuncs = map[opKind]func(float64) float64{opLog: math.Log, opSin: math.Sin, opCos: math.Cos}

// unarySet sets gx = g ⊙ f'(x) (the adjoint rule of z = f(x) when it is the first to push to
// x̄), with the common activations written out; the others as unaryAdd on a zeroed gx.
func unarySet(op opKind, gx, xv, zv, g []float64) {
	gx, zv = gx[:len(g)], zv[:len(g)]
	switch op {
	case opSigmoid: // σ' = σ(1 − σ)
		for i, v := range g {
			gx[i] = v * zv[i] * (1 - zv[i])
		}
	case opTanh: // tanh' = 1 − tanh²
		for i, v := range g {
			gx[i] = v * (1 - zv[i]*zv[i])
		}
	case opReLU: // [x > 0], read off z = max(x, 0)
		for i, v := range g {
			gx[i] = math.Float64frombits(math.Float64bits(v) & reluOn(zv[i]))
		}
	default:
		clear(gx)
		unaryAdd(op, gx, xv, zv, g)
	}
}

// unaryAdd adds g ⊙ f'(x) to gx: the adjoint rule of z = f(x).
func unaryAdd(op opKind, gx, xv, zv, g []float64) {
	gx, xv, zv = gx[:len(g)], xv[:len(g)], zv[:len(g)]
	switch op {
	case opSigmoid:
		for i, v := range g {
			gx[i] += v * zv[i] * (1 - zv[i])
		}
	case opTanh:
		for i, v := range g {
			gx[i] += v * (1 - zv[i]*zv[i])
		}
	case opReLU:
		for i, v := range g {
			gx[i] += math.Float64frombits(math.Float64bits(v) & reluOn(zv[i]))
		}
	case opSquare:
		for i, v := range g {
			gx[i] += 2 * v * xv[i]
		}
	default:
		for i, v := range g {
			gx[i] += v * deriv(op, xv[i], zv[i])
		}
	}
}

// reluOn returns 64 one bits when z = max(x, 0) is positive, that is when x > 0 and ReLU's
// derivative is 1, and 64 zero bits when z is 0 (x ≤ 0, the derivative 0, also at the kink)
// or NaN; it is computed without a branch, since the signs of a layer's pre-activations follow
// no pattern a branch predictor could learn. As integers, the bits of a positive float64 are
// 1 to those of +Inf; b−1 maps them to [0, Inf−1], which the two sign tests pick out.
func reluOn(z float64) uint64 {
	const inf = 0x7FF0000000000000
	d := math.Float64bits(z) - 1 // wraps to all ones for +0
	return uint64(int64((d-inf)&^d) >> 63)
}

// minBias is the number of entries per thread below which a bias is written into a layer's
// rows, or its adjoint summed from them, on fewer threads: a copy or an addition per entry,
// at which a span smaller than this costs about as much as handing it to a worker.
const minBias = 4096

// biasRows sets every row of an n×f matrix to the bias b (a par.Spanner over rows): Linear's
// first term, to which the product then adds x·wᵀ. Every row is a copy of b, alone.
type biasRows struct {
	dst, b []float64
	f      int
}

// Span writes rows [lo, hi).
func (s *biasRows) Span(lo, hi int) {
	for i := lo; i < hi; i++ {
		copy(s.dst[i*s.f:(i+1)*s.f], s.b[:s.f])
	}
}

// fillBias sets each of the n rows of dst (n×f) to b, on the tape's threads when dst is large.
func (t *Tape) fillBias(dst, b []float64, n, f int) {
	if n*f < 2*minBias { // one span: no op in progress to publish
		(&biasRows{dst: dst, b: b, f: f}).Span(0, n)
		return
	}
	t.br = biasRows{dst: dst, b: b, f: f}
	t.ew.Spans(n, (minBias+f-1)/f, &t.br)
	t.br = biasRows{}
}

// biasSums adds to a bias's adjoint gb[c] the sum of z̄ over channel c's pixels in every row,
// rows in order (a par.Spanner over channels): each channel's sum is computed alone, in the
// same order on any number of threads.
type biasSums struct {
	gb, g          []float64
	rows, f, pixel int
}

// Span sums channels [lo, hi).
func (s *biasSums) Span(lo, hi int) {
	if s.pixel == 1 {
		columnSums(s.gb, s.g, s.rows, s.f, lo, hi)
		return
	}
	for c := lo; c < hi; c++ {
		acc := s.gb[c]
		for n := 0; n < s.rows; n++ {
			var t float64
			for _, v := range s.g[(n*s.f+c)*s.pixel : (n*s.f+c+1)*s.pixel] {
				t += v
			}
			acc += t
		}
		s.gb[c] = acc
	}
}

// columnSums adds to gb[j], for the columns j in [lo, hi) of the rows×f matrix g, the
// column's entries row after row (gb[j] + g[0][j] + g[1][j] + …, in that order): eight
// columns at a time in registers, so that gb is read and written once and each row's eight
// entries are read together.
func columnSums(gb, g []float64, rows, f, lo, hi int) {
	j := lo
	for ; j+8 <= hi; j += 8 {
		q := gb[j : j+8 : j+8]
		s0, s1, s2, s3, s4, s5, s6, s7 := q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7]
		for n := 0; n < rows; n++ {
			r := g[n*f+j : n*f+j+8 : n*f+j+8]
			s0, s1, s2, s3 = s0+r[0], s1+r[1], s2+r[2], s3+r[3]
			s4, s5, s6, s7 = s4+r[4], s5+r[5], s6+r[6], s7+r[7]
		}
		q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
	for ; j < hi; j++ {
		s := gb[j]
		for n := 0; n < rows; n++ {
			s += g[n*f+j]
		}
		gb[j] = s
	}
}

// addBiasSums adds to gb[c] (c < f) the sum of g[n, c, p] over n < rows and p < pix, on the
// tape's threads when g is large: the adjoint rule of a bias added per channel (pix = 1: per
// column).
func (t *Tape) addBiasSums(gb, g []float64, rows, f, pix int) {
	if rows*pix*f < 2*minBias { // one span: no op in progress to publish
		if rows == 1 && pix == 1 { // Linear at batch 1: gb += g
			gb = gb[:len(g)]
			for j, v := range g {
				gb[j] += v
			}
			return
		}
		s := biasSums{gb: gb, g: g, rows: rows, f: f, pixel: pix}
		s.Span(0, f)
		return
	}
	t.bs = biasSums{gb: gb, g: g, rows: rows, f: f, pixel: pix}
	t.ew.Spans(f, (minBias+rows*pix-1)/(rows*pix), &t.bs)
	t.bs = biasSums{}
}
