package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"nabla/autodiff"
	"nabla/gradients"
)

// opCase is one operation under test: the shapes of its inputs for random sizes m, k, n, and
// the operation recorded on those inputs.
type opCase struct {
	name   string
	shapes func(m, k, n int) [][2]int
	// values draws an input entry; nil means uniform in [-2, 2).
	values func(r *rand.Rand) float64
	op     func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor
}

func one(m, n int) func(int, int, int) [][2]int {
	return func(int, int, int) [][2]int { return [][2]int{{m, n}} }
}

func mk(m, k, n int) [][2]int { return [][2]int{{m, k}} }

func positive(r *rand.Rand) float64 { return 0.2 + 2*r.Float64() }

// awayFromZero keeps ReLU's inputs off its kink, where differences are not valid.
func awayFromZero(r *rand.Rand) float64 {
	v := 0.1 + 1.9*r.Float64()
	if r.IntN(2) == 0 {
		return -v
	}
	return v
}

var opCases = []opCase{
	{"MatMul", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {k, n}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.MatMul(in[0], in[1]) }},
	{"MatMulT", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {n, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.MatMulT(in[0], in[1]) }},
	{"Transpose", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Transpose(in[0]) }},
	{"Add", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Add(in[0], in[1]) }},
	{"Add/row-bias", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {1, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Add(in[0], in[1]) }},
	{"Add/column", func(m, k, n int) [][2]int { return [][2]int{{m, 1}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Add(in[0], in[1]) }},
	{"Sub", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Sub(in[0], in[1]) }},
	{"Sub/scalar-minus", func(m, k, n int) [][2]int { return [][2]int{{1, 1}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Sub(in[0], in[1]) }},
	{"Sub/row", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {1, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Sub(in[0], in[1]) }},
	{"Mul", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Mul(in[0], in[1]) }},
	{"Mul/column", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {m, 1}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Mul(in[0], in[1]) }},
	{"Mul/scalar", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {1, 1}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Mul(in[0], in[1]) }},
	{"Mul/same-input", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Mul(in[0], in[0]) }},
	{"Scale", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Scale(-1.7, in[0]) }},
	{"Sigmoid", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Sigmoid(in[0]) }},
	{"Tanh", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Tanh(in[0]) }},
	{"ReLU", mk, awayFromZero,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.ReLU(in[0]) }},
	{"Exp", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Exp(in[0]) }},
	{"Log", mk, positive,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Log(in[0]) }},
	{"Square", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Square(in[0]) }},
	{"Sin", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Sin(in[0]) }},
	{"Cos", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Cos(in[0]) }},
	{"SquaredDistance", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.SquaredDistance(in[0], in[1]) }},
	{"SquaredDistance/same-input", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor {
			return t.SquaredDistance(in[0], t.Scale(0.5, in[0]))
		}},
	{"Sum", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Sum(in[0]) }},
	{"LogSumExp", mk, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.LogSumExp(in[0]) }},
	{"LogSumExp/large", mk, func(r *rand.Rand) float64 { return 800 + 4*r.Float64() },
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.LogSumExp(in[0]) }},
	{"composite/xent", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {m, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor {
			return t.Sum(t.Mul(in[1], t.Sub(t.LogSumExp(in[0]), in[0])))
		}},
	{"Slice", func(m, k, n int) [][2]int { return [][2]int{{m + 2, k}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor {
			r, _ := in[0].Shape()
			return t.Slice(in[0], 1, r-1)
		}},
	{"At", one(3, 4), nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.At(in[0], 2, 1) }},
	{"Linear", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {n, k}, {1, n}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Linear(in[0], in[1], in[2]) }},
	{"Linear/column-bias", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {n, k}, {n, 1}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Linear(in[0], in[1], in[2]) }},
	{"composite/dense-layer", func(m, k, n int) [][2]int { return [][2]int{{m, k}, {n, k}, {1, n}} }, nil,
		func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor {
			return t.Tanh(t.Add(t.MatMulT(in[0], in[1]), in[2]))
		}},
}

// weighted records L = Σ W ⊙ op(inputs) for a fixed random W, so that every entry of the
// operation's output gets its own adjoint.
func weighted(t *autodiff.Tape, c opCase, in []*autodiff.Tensor, w []float64) *autodiff.Tensor {
	out := c.op(t, in)
	r, k := out.Shape()
	return t.Sum(t.Mul(out, t.Const(r, k, w)))
}

// TestOpRules checks every operation's adjoint rule (Backward) and tangent rule (forward
// mode) against central differences, on random shapes and values.
func TestOpRules(t *testing.T) {
	for _, c := range opCases {
		for seed := uint64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewPCG(seed, 0xad))
			m, k, n := 1+rng.IntN(5), 1+rng.IntN(5), 1+rng.IntN(5)
			shapes := c.shapes(m, k, n)
			draw := c.values
			if draw == nil {
				draw = func(r *rand.Rand) float64 { return 4*r.Float64() - 2 }
			}
			var flat []float64 // all inputs, concatenated
			for _, s := range shapes {
				for range s[0] * s[1] {
					flat = append(flat, draw(rng))
				}
			}
			split := func(flat []float64) [][]float64 {
				parts := make([][]float64, len(shapes))
				for i, s := range shapes {
					parts[i], flat = flat[:s[0]*s[1]], flat[s[0]*s[1]:]
				}
				return parts
			}
			var tape autodiff.Tape
			vars := func(flat []float64) []*autodiff.Tensor {
				tape.Reset()
				parts := split(flat)
				in := make([]*autodiff.Tensor, len(shapes))
				for i, s := range shapes {
					in[i] = tape.Var(s[0], s[1], parts[i])
				}
				return in
			}
			out := c.op(&tape, vars(flat))
			w := make([]float64, out.Len())
			for i := range w {
				w[i] = 2*rng.Float64() - 1
			}
			t.Run(fmt.Sprintf("%s/%v/seed=%d", c.name, shapes, seed), func(t *testing.T) {
				// Reverse mode against central differences.
				in := vars(flat)
				L := weighted(&tape, c, in, w)
				tape.Backward(L)
				var grad []float64
				for _, x := range in {
					require.NotNil(t, x.Grad())
					grad = append(grad, x.Grad()...)
				}
				lossOf := func(x []float64) float64 {
					return weighted(&tape, c, vars(x), w).Scalar()
				}
				ref := fd.Gradient(nil, lossOf, flat, &fd.Settings{Formula: fd.Central})
				for i := range ref {
					assert.LessOrEqual(t, gradients.RelErr(ref[i], grad[i]), 1e-7, "entry %d: central %v, backward %v", i, ref[i], grad[i])
				}
				// Forward mode: seed a random direction, compare with ∇L·v and with a central
				// difference along v.
				v := make([]float64, len(flat))
				for i := range v {
					v[i] = 2*rng.Float64() - 1
				}
				in = vars(flat)
				vs := split(v)
				for i, x := range in {
					x.SetTangent(vs[i])
				}
				L = weighted(&tape, c, in, w)
				require.NotNil(t, L.Tangent())
				tangent := L.Tangent()[0] // read before the tape is reused below
				var dot float64
				for i := range v {
					dot += grad[i] * v[i]
				}
				assert.LessOrEqual(t, gradients.RelErr(dot, tangent), 1e-12, "tangent %v, ∇L·v %v", tangent, dot)
				dir := fd.Derivative(func(h float64) float64 {
					x := make([]float64, len(flat))
					for i := range x {
						x[i] = flat[i] + h*v[i]
					}
					return lossOf(x)
				}, 0, &fd.Settings{Formula: fd.Central})
				assert.LessOrEqual(t, gradients.RelErr(dir, tangent), 1e-7, "tangent %v, central %v", tangent, dir)
			})
		}
	}
}

// TestTangentsSweep checks that Tape.Tangents recomputes tangents for new seeds without a new
// recording, and that removing a seed removes the tangents that depended on it.
func TestTangentsSweep(t *testing.T) {
	var tape autodiff.Tape
	x := tape.Var(2, 1, []float64{0.3, -1.2})
	y := tape.Var(1, 1, []float64{0.7})
	z := tape.Sum(tape.Mul(tape.Exp(x), tape.Sin(y))) // z = (e^x₁ + e^x₂)·sin y
	require.Nil(t, z.Tangent())
	x.SetTangent([]float64{1, 0})
	tape.Tangents()
	require.NotNil(t, z.Tangent())
	assert.InDelta(t, math.Exp(0.3)*math.Sin(0.7), z.Tangent()[0], 1e-15)
	x.SetTangent(nil)
	y.SetTangent([]float64{1})
	tape.Tangents()
	assert.InDelta(t, (math.Exp(0.3)+math.Exp(-1.2))*math.Cos(0.7), z.Tangent()[0], 1e-15)
	y.SetTangent(nil)
	tape.Tangents()
	assert.Nil(t, z.Tangent())
}

// TestConstantsGetNoAdjoint checks that tensors depending only on constants get no adjoint
// and that Backward of a constant leaves every adjoint absent.
func TestConstantsGetNoAdjoint(t *testing.T) {
	var tape autodiff.Tape
	c := tape.Const(2, 2, []float64{1, 2, 3, 4})
	x := tape.Var(2, 2, []float64{0.5, 0.5, 0.5, 0.5})
	cc := tape.Square(c)
	out := tape.Sum(tape.MatMul(cc, x))
	tape.Backward(out)
	assert.Nil(t, c.Grad())
	assert.Nil(t, cc.Grad())
	// ∂/∂x Σ (C²·X) = (C²)ᵀ·1: column sums of C² repeated along rows.
	assert.Equal(t, []float64{1 + 9, 1 + 9, 4 + 16, 4 + 16}, x.Grad())
	k := tape.Sum(c)
	tape.Backward(k)
	assert.Nil(t, k.Grad())
	assert.InDelta(t, 10, k.Scalar(), 0)
}

// TestMisuse checks that programmer errors panic with a clear message.
func TestMisuse(t *testing.T) {
	var a, b autodiff.Tape
	x := a.Var(2, 3, make([]float64, 6))
	y := b.Var(3, 2, make([]float64, 6))
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"other tape", func() { a.MatMul(x, y) }},
		{"MatMul shapes", func() { a.MatMul(x, x) }},
		{"MatMulT shapes", func() { a.MatMulT(x, a.Var(2, 2, make([]float64, 4))) }},
		{"Linear shapes", func() { a.Linear(x, a.Var(2, 2, make([]float64, 4)), a.Var(1, 2, make([]float64, 2))) }},
		{"Linear bias length", func() { a.Linear(x, x, a.Var(1, 3, make([]float64, 3))) }},
		{"Linear bias matrix", func() { a.Linear(x, a.Var(4, 3, make([]float64, 12)), a.Var(2, 2, make([]float64, 4))) }},
		{"no broadcast", func() { a.Add(x, a.Var(2, 2, make([]float64, 4))) }},
		{"Var length", func() { a.Var(2, 2, make([]float64, 3)) }},
		{"Backward of a matrix", func() { a.Backward(x) }},
		{"Slice range", func() { a.Slice(x, 1, 5) }},
		{"At range", func() { a.At(x, 2, 0) }},
		{"SetTangent on an op", func() { a.Sum(x).SetTangent([]float64{1}) }},
		{"SetTangent length", func() { x.SetTangent([]float64{1}) }},
		{"Scalar of a matrix", func() { x.Scalar() }},
		{"after Reset", func() { z := a.Sum(x); a.Reset(); a.Backward(z) }},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Panics(t, tc.f) })
	}
}

// TestTapeReuse checks that recording the same operations again after Reset allocates nothing.
func TestTapeReuse(t *testing.T) {
	var tape autodiff.Tape
	xs := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	record := func() {
		tape.Reset()
		x := tape.Var(3, 2, xs)
		w := tape.Const(2, 2, xs[:4])
		y := tape.Sum(tape.Log(tape.Exp(tape.Tanh(tape.MatMul(x, w)))))
		tape.Backward(y)
	}
	record()
	assert.Zero(t, testing.AllocsPerRun(10, record))
}

// TestSetGradBuffer checks that Backward writes an adjoint into the caller's buffer,
// overwriting what was there, and that the setting ends with Reset.
func TestSetGradBuffer(t *testing.T) {
	var tape autodiff.Tape
	xs := []float64{1, 2, 3}
	buf := []float64{9, 9, 9}
	x := tape.Var(3, 1, xs)
	x.SetGradBuffer(buf)
	tape.Backward(tape.Sum(tape.Square(x)))
	assert.Equal(t, []float64{2, 4, 6}, buf)
	assert.Same(t, &buf[0], &x.Grad()[0])
	assert.Panics(t, func() { x.SetGradBuffer(make([]float64, 2)) })
	tape.Reset()
	x = tape.Var(3, 1, xs)
	tape.Backward(tape.Sum(x))
	assert.Equal(t, []float64{2, 4, 6}, buf, "buffer used after Reset")
	assert.Equal(t, []float64{1, 1, 1}, x.Grad())
}

// TestStaleAdjoints checks Backward's stale adjoints: buffers holding old values are written
// by the first rule that reaches them, then added to by later rules, and zeroed when nothing
// reaches them (a Var only on a branch the output does not depend on, a tensor recorded after
// the output), for every kind of first rule (product, elementwise, broadcast).
func TestStaleAdjoints(t *testing.T) {
	var tape autodiff.Tape
	xs := []float64{0.5, -1, 2, 0.25}
	garbage := func() []float64 { return []float64{7, 7, 7, 7} }
	gx, gw, gd, gb := garbage(), garbage(), garbage(), garbage()
	x := tape.Var(2, 2, xs)
	w := tape.Var(2, 2, xs)
	dead := tape.Var(2, 2, xs)
	bias := tape.Var(1, 2, xs[:2])
	bias.SetGradBuffer(gb[:2])
	for v, g := range map[*autodiff.Tensor][]float64{x: gx, w: gw, dead: gd} {
		v.SetGradBuffer(g)
	}
	tape.Tanh(dead)                             // a branch K does not depend on
	h := tape.Add(tape.MatMulT(x, w), bias)     // x's first adjoint by a product (β = 0)
	k := tape.Sum(tape.Add(tape.Sigmoid(h), x)) // and then added to by Add's rule
	tape.ReLU(h)                                // recorded after K
	tape.Backward(k)
	// By hand: with s = σ'(h) (2×2), x̄ = s·w + 1, w̄ = sᵀ·x, b̄ = column sums of s.
	var sd [2][2]float64
	for i := range 2 {
		for j := range 2 {
			hij := xs[2*i]*xs[2*j] + xs[2*i+1]*xs[2*j+1] + xs[j]
			sig := 1 / (1 + math.Exp(-hij))
			sd[i][j] = sig * (1 - sig)
		}
	}
	for i := range 2 {
		for j := range 2 {
			assert.InDelta(t, sd[i][0]*xs[j]+sd[i][1]*xs[2+j]+1, gx[2*i+j], 1e-15, "x̄[%d,%d]", i, j)
			assert.InDelta(t, sd[0][i]*xs[j]+sd[1][i]*xs[2+j], gw[2*i+j], 1e-15, "w̄[%d,%d]", i, j)
		}
		assert.InDelta(t, sd[0][i]+sd[1][i], gb[i], 1e-15, "b̄[%d]", i)
	}
	assert.Equal(t, []float64{7, 7}, gb[2:], "outside the buffer")
	assert.Equal(t, []float64{0, 0, 0, 0}, gd, "dead branch")
}

// TestBackwardTwiceOnOneRecording checks that a second Backward on the same recording starts
// every adjoint afresh: to another output, the adjoints of the first sweep are neither added
// to nor left behind (an output recorded before the first loses the tensors after it), and
// to an output that depends on no Var, every adjoint is zero.
func TestBackwardTwiceOnOneRecording(t *testing.T) {
	var tape autodiff.Tape
	x := tape.Var(1, 3, []float64{1, -2, 3})
	c := tape.Const(1, 3, []float64{4, 5, 6})
	sq := tape.Sum(tape.Square(x))           // ∂/∂x = 2x
	dot := tape.Sum(tape.Mul(x, c))          // ∂/∂x = c
	none := tape.Sum(tape.Square(c))         // depends on no Var
	both := tape.Add(sq, tape.Scale(3, dot)) // ∂/∂x = 2x + 3c
	tape.Backward(both)
	assert.Equal(t, []float64{14, 11, 24}, x.Grad())
	tape.Backward(dot)
	assert.Equal(t, []float64{4, 5, 6}, x.Grad())
	assert.Equal(t, []float64{0}, sq.Grad(), "a Var's tensor dot does not depend on")
	assert.Nil(t, both.Grad(), "recorded after dot")
	tape.Backward(both)
	assert.Equal(t, []float64{14, 11, 24}, x.Grad())
	tape.Backward(none)
	assert.Equal(t, []float64{0, 0, 0}, x.Grad())
	assert.Nil(t, none.Grad())
}
