package vmath

import "math"

// Exp sets dst[i] = eˣ for x = x[i] and returns dst (allocated when nil). dst and x may be the
// same slice; otherwise they must not overlap. A dst of another length panics.
func Exp(dst, x []float64) []float64 {
	return apply(dst, x, "Exp", kernelExp, exp1)
}

// Sigmoid sets dst[i] = 1/(1+e⁻ˣ) for x = x[i], computed as nn.SigmoidF does without
// overflow: e = e^(−|x|), then 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0. It returns dst
// (allocated when nil); dst and x may be the same slice.
func Sigmoid(dst, x []float64) []float64 {
	return apply(dst, x, "Sigmoid", kernelSigmoid, sigmoid1)
}

// Tanh sets dst[i] = tanh x for x = x[i], by the algorithm of math.Tanh with this package's
// exponential, and returns dst (allocated when nil); dst and x may be the same slice.
func Tanh(dst, x []float64) []float64 {
	return apply(dst, x, "Tanh", kernelTanh, tanh1)
}

// FirstNonFinite returns the index of the first NaN or ±Inf in x, or -1 when every value is
// finite. It scans with one subtraction per value (v − v is 0 for a finite v and NaN
// otherwise), several vectors at a time, and looks for the index only when the scan fails.
func FirstNonFinite(x []float64) int {
	n, s := 0, 0.0
	if ks := active; ks != nil && len(x) >= 4*ks.lanes {
		blocks := len(x) / (4 * ks.lanes)
		s = ks.nanSum(&x[0], blocks)
		n = blocks * 4 * ks.lanes
	}
	if s == 0 && nanSum(x[n:]) == 0 {
		return -1
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// nanSum is the sum of v − v over x, in eight accumulators: 0 when every value is finite,
// NaN otherwise.
func nanSum(x []float64) float64 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float64
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s0 += v[0] - v[0]
		s1 += v[1] - v[1]
		s2 += v[2] - v[2]
		s3 += v[3] - v[3]
		s4 += v[4] - v[4]
		s5 += v[5] - v[5]
		s6 += v[6] - v[6]
		s7 += v[7] - v[7]
	}
	for ; i < len(x); i++ {
		s0 += x[i] - x[i]
	}
	return (s0 + s4) + (s1 + s5) + (s2 + s6) + (s3 + s7)
}

// Which kernel of a set apply runs.
const (
	kernelExp = iota
	kernelSigmoid
	kernelTanh
)

// apply runs the active kernel set's kernel k on x's whole vectors, and on the rest padded to
// one vector, or scalar on it when it is at most maxScalarTail values (or no kernels run here).
func apply(dst, x []float64, name string, k int, scalar func(float64) float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic("vmath: " + name + ": len(dst) != len(x)")
	}
	n := 0
	ks := active
	if ks != nil && len(x) >= ks.lanes {
		n = len(x) / ks.lanes
		ks.run(k, &dst[0], &x[0], n)
		n *= ks.lanes
	}
	if ks != nil && len(x)-n > maxScalarTail {
		// The tail, padded to one vector (of the narrowest kernels that hold it, the cheapest
		// to set up): the kernels give the scalar code's bits, in less time than it beyond
		// maxScalarTail values (the small layers of tiny networks are all tail).
		if t := narrow; t != nil && len(x)-n <= t.lanes {
			ks = t
		}
		var in, out [8]float64
		tail := copy(in[:], x[n:])
		ks.run(k, &out[0], &in[0], 1)
		copy(dst[n:], out[:tail])
		return dst
	}
	for i := n; i < len(x); i++ {
		dst[i] = scalar(x[i])
	}
	return dst
}

// maxScalarTail is the longest tail apply computes by the scalar code (the same bits as the
// kernels): one or two values took 20–40 ns that way against 55–60 ns through the padded
// vector, three about the same (BenchmarkTail, Sigmoid, AVX-512, 2026-12-01).
const maxScalarTail = 2

// kernels is one instruction set's kernels: its run(k, dst, x, n) computes n vectors of lanes
// values with kernel k. (Direct calls, not func values, so that the slices do not escape.)
type kernels struct {
	name  string
	lanes int
}

// active is the fastest kernel set this CPU runs, nil for the scalar code alone.
var active = first(available())

// narrow is the set with the fewest lanes this CPU runs (nil: none), for the tails of apply.
var narrow = last(available())

func last(ks []*kernels) *kernels {
	if len(ks) == 0 {
		return nil
	}
	return ks[len(ks)-1]
}

func first(ks []*kernels) *kernels {
	if len(ks) == 0 {
		return nil
	}
	return ks[0]
}

// Kernels names the instruction set the slice functions run on: "AVX-512", "AVX2+FMA" or
// "scalar" (other CPUs and architectures, the build tag noasm).
func Kernels() string {
	if active == nil {
		return "scalar"
	}
	return active.name
}

// The exponential's constants: the clamp of its argument (e^-746 rounds to 0, e^710 to +Inf),
// log₂e, and ln 2 in two parts, hi with zeros in its low bits so that k·ln2hi is exact.
const (
	expLo = -746
	expHi = 710
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	// shifter is 1.5·2⁵²: k + shifter holds the integer k in its low bits.
	shifter = 0x1.8p52
)

// expCoef holds 1/n! for n = 13 down to 2, the polynomial of exp1 in Horner order.
var expCoef = func() [12]float64 {
	var c [12]float64
	f := 1.0
	for n := 1; n <= 13; n++ {
		f *= float64(n)
		if n >= 2 {
			c[13-n] = 1 / f
		}
	}
	return c
}()

// exp1 is eˣ: x clamped to [expLo, expHi] (NaN stays NaN), k = x·log₂e rounded to nearest
// even, r = x − k·ln2 by two fused multiply-adds (|r| ≤ ln2/2) and d, r's rounding error;
// e^r = s + (r²·p(r) + c) with p the Taylor polynomial of degree 11 (the first term left out
// is r¹⁴/14! < 2⁻⁵⁸), s = 1 + r rounded and c = (1 − s) + r + d what s and r lost; times 2^k
// in two exact powers of two, so that results near overflow and subnormal ones round once.
func exp1(x float64) float64 {
	x = min(max(x, expLo), expHi)
	k := math.RoundToEven(float64(x * math.Log2E))
	hi := math.FMA(-k, ln2Hi, x)
	r := math.FMA(-k, ln2Lo, hi)
	d := math.FMA(-k, ln2Lo, hi-r)
	p := expCoef[0]
	for _, c := range expCoef[1:] {
		p = math.FMA(p, r, c)
	}
	s := 1 + r
	c := float64(float64(1-s)+r) + d
	y := s + math.FMA(float64(r*r), p, c)
	k1 := math.Floor(float64(k * 0.5))
	return float64(y*pow2(k1)) * pow2(k-k1)
}

// pow2 returns 2^k for an integer k in the normal range, by the bits of k + shifter.
func pow2(k float64) float64 {
	return math.Float64frombits((math.Float64bits(k+shifter) - (math.Float64bits(shifter) - 1023)) << 52)
}

// sigmoid1 is nn.SigmoidF with exp1.
func sigmoid1(x float64) float64 {
	e, n := exp1(-math.Abs(x)), 1.0
	if x < 0 {
		n = e
	}
	return n / (1 + e)
}

// The rational approximation of math.Tanh below |x| = 0.625 (Cephes).
const (
	tanhP0 = -9.64399179425052238628e-1
	tanhP1 = -9.92877231001918586564e1
	tanhP2 = -1.61468768441708447952e3
	tanhQ0 = 1.12811678491632931402e2
	tanhQ1 = 2.23548839060100448583e3
	tanhQ2 = 4.84406305325125486048e3
)

// tanh1 is math.Tanh's algorithm with exp1, on z = |x| and given x's sign: below 0.625
// z + z·s·P(s)/Q(s) with s = z² (the same bits as math.Tanh), else 1 − 2/(e^(2z) + 1), which
// is 1 from z ≈ 19 on.
func tanh1(x float64) float64 {
	z := math.Abs(x)
	var t float64
	if z < 0.625 {
		s := z * z
		num := float64(float64(float64(tanhP0*s)+tanhP1)*s) + tanhP2
		den := float64(float64(float64(float64(s+tanhQ0)*s)+tanhQ1)*s) + tanhQ2
		t = z + float64(float64(z*s)*num)/den
	} else {
		t = 1 - 2/(exp1(z+z)+1)
	}
	return math.Copysign(t, x)
}
