package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lengths covers empty, a partial step, full steps, the 32-row blocks of Comb4 and their
// remainders.
var lengths = []int{0, 1, 3, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 100, 128, 131}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// closeTo asserts got ≈ want to a few ulps of the sum of magnitudes scale (fused vs separate
// rounding, and the order of a dot product's additions).
func closeTo(t *testing.T, want, got []float64, scale float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		assert.InDelta(t, want[i], got[i], 1e-14*(scale+1), "%s row %d", msg, i)
	}
}

func TestElementwise(t *testing.T) { atLevels(t, testElementwise) }

func testElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := 0.75
	for _, n := range lengths {
		a, b, c := randVec(rng, n+3), randVec(rng, n), randVec(rng, n)
		if n > 2 {
			a[1], a[2] = math.NaN(), 0
		}
		for _, tc := range []struct {
			name     string
			asm, ref func(d []float64)
		}{
			{"AddVV", func(d []float64) { AddVV(d, a, b) }, func(d []float64) { addVVGo(d, a[:n], b) }},
			{"SubVV", func(d []float64) { SubVV(d, a, b) }, func(d []float64) { subVVGo(d, a[:n], b) }},
			{"MulVV", func(d []float64) { MulVV(d, a, b) }, func(d []float64) { mulVVGo(d, a[:n], b) }},
			{"FmaVVV", func(d []float64) { FmaVVV(d, a, b, c) }, func(d []float64) { fmaVVVGo(d, a[:n], b, c) }},
			{"AddVS", func(d []float64) { AddVS(d, a, s) }, func(d []float64) { addVSGo(d, a[:n], s) }},
			{"MulVS", func(d []float64) { MulVS(d, a, s) }, func(d []float64) { mulVSGo(d, a[:n], s) }},
			{"FmaVVS", func(d []float64) { FmaVVS(d, a, b, s) }, func(d []float64) { fmaVVSGo(d, a[:n], b, s) }},
			{"ReLU", func(d []float64) { ReLU(d, a) }, func(d []float64) { reluGo(d, a[:n]) }},
			{"Step", func(d []float64) { Step(d, a) }, func(d []float64) { stepGo(d, a[:n]) }},
		} {
			want, got := make([]float64, n+1), make([]float64, n+1)
			want[n], got[n] = 42, 42 // past the end: must stay
			tc.ref(want[:n])
			tc.asm(got[:n])
			for i := range want {
				if math.IsNaN(want[i]) {
					assert.True(t, math.IsNaN(got[i]), "%s n=%d row %d: %v, want NaN", tc.name, n, i, got[i])
					continue
				}
				assert.InDelta(t, want[i], got[i], 1e-15*(math.Abs(want[i])+4), "%s n=%d row %d", tc.name, n, i)
			}
		}
	}
}

// combRef is Comb4 written out plainly, one sum and one row at a time.
func combRef(buf []float64, dst [4]int, n int, terms []Term4, w []float64) {
	for j := range 4 {
		for r := range n {
			s := 0.0
			for _, tk := range terms {
				s += buf[int(tk.Off)+r] * w[tk.W[j]]
			}
			buf[dst[j]+r] = s
		}
	}
}

// atLevels runs f with the kernels of every level this CPU has (Go, AVX2, AVX-512), and
// restores the level.
func atLevels(t *testing.T, f func(t *testing.T)) {
	defer func(l int) { level = l }(level)
	for l := 0; l <= maxLevel; l++ {
		level = l
		t.Run(fmt.Sprintf("level=%d", l), f)
	}
}

func TestComb4(t *testing.T) { atLevels(t, testComb4) }

func TestDots(t *testing.T) { atLevels(t, testDots) }

func TestDots4(t *testing.T) { atLevels(t, testDots4) }

func TestDot(t *testing.T) { atLevels(t, testDot) }

// dot32 adds in the order Dot documents for the assembly, with fused multiply-adds: 32
// partial sums over the full blocks, the rows after them into the first eight, then lane by
// lane and the lanes pairwise.
func dot32(a, b []float64) float64 {
	var p [32]float64
	i := 0
	for ; i+32 <= len(a); i += 32 {
		for r := range 32 {
			p[r] = math.FMA(a[i+r], b[i+r], p[r])
		}
	}
	for l := 0; i < len(a); i, l = i+1, (l+1)%8 {
		p[l] = math.FMA(a[i], b[i], p[l])
	}
	var q [8]float64
	for l := range q {
		q[l] = (p[l] + p[8+l]) + (p[16+l] + p[24+l])
	}
	return ((q[0] + q[4]) + (q[2] + q[6])) + ((q[1] + q[5]) + (q[3] + q[7]))
}

func testDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range append(lengths, 784, 799) {
		a, b := randVec(rng, n), randVec(rng, n+5)
		got := Dot(a, b)
		s := 0.0
		for r := range n {
			s += a[r] * b[r]
		}
		assert.InDelta(t, s, got, 1e-14*float64(n+1)*4, "Dot n=%d", n)
		if level == 0 {
			assert.Equal(t, dotGo(a, b[:n]), got, "Dot n=%d", n)
			continue
		}
		assert.Equal(t, math.Float64bits(dot32(a, b)), math.Float64bits(got), "Dot n=%d: %v, want %v", n, got, dot32(a, b))
	}
}

// TestLevelsSameOrder checks that the AVX2 kernels add in the order of the AVX-512 ones: the
// same bits.
func TestLevelsSameOrder(t *testing.T) {
	if maxLevel < 2 {
		t.Skip("no AVX-512 here")
	}
	defer func(l int) { level = l }(level)
	rng := rand.New(rand.NewPCG(9, 10))
	const stride = 140
	for _, n := range lengths {
		buf, w := randVec(rng, stride*12), randVec(rng, 20)
		terms := []Term4{{Off: 0, W: [4]int32{1, 2, 3, 4}}, {Off: stride, W: [4]int32{5, 6, 7, 8}}, {Off: 2 * stride, W: [4]int32{0, 9, 10, 11}}}
		dts := []DotTerm{{Off: 0, Out: 0}, {Off: stride, Out: 1}, {Off: 2 * stride, Out: 2}, {Off: 3 * stride, Out: 3}, {Off: 4 * stride, Out: 4}}
		var got [3][]float64
		for _, l := range []int{1, 2} {
			level = l
			b, out := append([]float64(nil), buf...), make([]float64, 12)
			Comb4(b, [4]int{8 * stride, 9 * stride, 10 * stride, 11 * stride}, n, terms, w)
			Dots(out, b, 5*stride, n, dts)
			c := NewCombTable(terms)
			c.Dots4(out, b, [4]int{5 * stride, 6 * stride, 7 * stride, 3 * stride}, n, 0, len(terms))
			if l == 1 {
				got[0], got[1] = b, out
				continue
			}
			for i := range b {
				require.Equal(t, math.Float64bits(got[0][i]), math.Float64bits(b[i]), "Comb4 n=%d element %d", n, i)
			}
			for i := range out {
				require.Equal(t, got[1][i], out[i], "Dots, Dots4 n=%d output %d", n, i)
			}
		}
	}
}

func testComb4(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const stride, nvec = 140, 12
	w := randVec(rng, 50)
	for _, n := range lengths {
		for _, nt := range []int{0, 1, 2, 5, 8} {
			buf := randVec(rng, stride*nvec)
			terms := make([]Term4, nt)
			for k := range terms {
				terms[k] = Term4{Off: int32(rng.IntN(8) * stride), W: [4]int32{int32(rng.IntN(50)), int32(rng.IntN(50)), int32(rng.IntN(50)), int32(rng.IntN(50))}}
			}
			dst := [4]int{8 * stride, 9 * stride, 10 * stride, 11 * stride}
			want := append([]float64(nil), buf...)
			combRef(want, dst, n, terms, w)
			Comb4(buf, dst, n, terms, w)
			closeTo(t, want, buf, float64(nt)*4, "Comb4")
			for j := range dst { // the rows past n are untouched
				assert.Equal(t, want[dst[j]+n:dst[j]+stride], buf[dst[j]+n:dst[j]+stride])
			}
		}
	}
}

func testDots(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const stride, nvec = 140, 8
	for _, n := range lengths {
		for _, nt := range []int{0, 1, 3, 4, 9} {
			buf := randVec(rng, stride*nvec)
			terms := make([]DotTerm, nt)
			for k := range terms {
				terms[k] = DotTerm{Off: int32(rng.IntN(nvec) * stride), Out: int32(rng.IntN(5))}
			}
			a := rng.IntN(nvec) * stride
			want, got := randVec(rng, 5), make([]float64, 5)
			copy(got, want)
			for _, tk := range terms {
				s := 0.0
				for r := range n {
					s += buf[a+r] * buf[int(tk.Off)+r]
				}
				want[tk.Out] += s
			}
			Dots(got, buf, a, n, terms)
			closeTo(t, want, got, float64(n)*4, "Dots")
			// The fallback, and the assembly's order written out: equal up to the roundings.
			ref, ref8 := make([]float64, 5), make([]float64, 5)
			clear(got)
			dotsGo(ref, buf, a, n, terms)
			for _, tk := range terms {
				ref8[tk.Out] += dot8(buf[a:a+n], buf[tk.Off:int(tk.Off)+n])
			}
			Dots(got, buf, a, n, terms)
			closeTo(t, ref, got, float64(n)*4, "Dots vs dotsGo")
			closeTo(t, ref8, got, float64(n)*4, "Dots vs dot8")
		}
	}
}

func testDots4(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const stride, nvec = 140, 10
	for _, n := range lengths {
		for _, nt := range []int{0, 1, 3, 6} {
			buf := randVec(rng, stride*nvec)
			terms := make([]Term4, nt)
			for k := range terms {
				terms[k] = Term4{Off: int32(rng.IntN(nvec) * stride), W: [4]int32{int32(rng.IntN(9)), int32(rng.IntN(9)), int32(rng.IntN(9)), int32(rng.IntN(9))}}
			}
			a := [4]int{rng.IntN(nvec) * stride, rng.IntN(nvec) * stride, rng.IntN(nvec) * stride, rng.IntN(nvec) * stride}
			want, got := randVec(rng, 9), make([]float64, 9)
			copy(got, want)
			for _, tk := range terms {
				for j := range a {
					want[tk.W[j]] += dot8(buf[a[j]:a[j]+n], buf[tk.Off:int(tk.Off)+n])
				}
			}
			c := NewCombTable(terms)
			c.Dots4(got, buf, a, n, 0, nt)
			closeTo(t, want, got, float64(n)*8, "Dots4")
		}
	}
}

func TestPanics(t *testing.T) {
	buf, w := make([]float64, 64), make([]float64, 4)
	assert.Panics(t, func() { Comb4(buf, [4]int{0, 8, 16, 60}, 8, nil, w) })
	assert.Panics(t, func() { Comb4(buf, [4]int{0, 8, 16, 24}, 8, []Term4{{Off: 60}}, w) })
	assert.Panics(t, func() { Comb4(buf, [4]int{0, 8, 16, 24}, 8, []Term4{{Off: 32, W: [4]int32{0, 4, 0, 0}}}, w) })
	assert.Panics(t, func() { Dots(w, buf, 60, 8, []DotTerm{{Off: 0}}) })
	assert.Panics(t, func() { Dots(w, buf, 0, 8, []DotTerm{{Off: 0, Out: 4}}) })
	assert.NotPanics(t, func() { Dots(w, buf, 56, 8, []DotTerm{{Off: 0, Out: 3}}) })
	assert.Panics(t, func() { NewDotTable([]DotTerm{{Off: -1}}) })
	c := NewCombTable([]Term4{{Off: 8, W: [4]int32{0, 1, 2, 3}}})
	assert.NotPanics(t, func() { c.Dots4(w, buf, [4]int{0, 16, 24, 56}, 8, 0, 1) })
	assert.Panics(t, func() { c.Dots4(w, buf, [4]int{0, 16, 24, 57}, 8, 0, 1) })
	assert.Panics(t, func() { c.Dots4(w[:3], buf, [4]int{0, 16, 24, 32}, 8, 0, 1) })
	assert.Panics(t, func() { NewCombTable([]Term4{{W: [4]int32{0, 0, -8, 0}}}) })
	// A table checks the largest offset of all its terms, not only of the range run.
	d := NewDotTable([]DotTerm{{Off: 0}, {Off: 60}})
	assert.NotPanics(t, func() { d.Dots(w, buf, 0, 4, 0, 1) })
	assert.Panics(t, func() { d.Dots(w, buf, 0, 8, 0, 1) })
}

// dot8 adds in the order of the assembly's Dots: eight partial sums, then pairwise (the tests'
// reference for that order).
func dot8(a, b []float64) float64 {
	var p [8]float64
	b = b[:len(a)]
	i := 0
	for ; i+8 <= len(a); i += 8 {
		p[0] += a[i] * b[i]
		p[1] += a[i+1] * b[i+1]
		p[2] += a[i+2] * b[i+2]
		p[3] += a[i+3] * b[i+3]
		p[4] += a[i+4] * b[i+4]
		p[5] += a[i+5] * b[i+5]
		p[6] += a[i+6] * b[i+6]
		p[7] += a[i+7] * b[i+7]
	}
	for l := 0; i < len(a); i, l = i+1, l+1 {
		p[l] += a[i] * b[i]
	}
	return ((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7]))
}
