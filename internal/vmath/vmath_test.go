package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ulps returns how many representable doubles lie between got and want (0 when both are the
// same NaN or infinity, MaxInt64 when only one of them is NaN or they differ in sign).
func ulps(got, want float64) int64 {
	switch {
	case math.IsNaN(got) || math.IsNaN(want):
		if math.IsNaN(got) && math.IsNaN(want) {
			return 0
		}
		return math.MaxInt64
	case got == want:
		return 0
	case math.Signbit(got) != math.Signbit(want):
		return math.MaxInt64
	}
	d := int64(math.Float64bits(got)) - int64(math.Float64bits(want))
	if d < 0 {
		d = -d
	}
	return d
}

// specials are the arguments at the ends of each function's range: zeros, tiny values,
// infinities, NaN, the overflow and underflow thresholds of exp and the points where its
// result is subnormal, and the branch point of tanh.
var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	1e-300, -1e-300, 1e-17, -1e-17, 0x1p-28, math.Inf(1), math.Inf(-1), math.NaN(),
	709.7827128933841, 709.79, 710, 711, 1e10, math.MaxFloat64,
	-708.39, -708.4, -709, -720, -740, -744.4, -744.45, -745.1332191019411, -745.14, -746, -747,
	-1e10, -math.MaxFloat64, 0.625, -0.625, 0.62499999999999989, 19, 20, 44.1, -44.1, 0.3465735902799726,
	-0.3465735902799726, 0.34657359027997264,
}

// sweep returns the specials and n seeded arguments per decade of magnitude from 1e-20 to
// 1e3, of either sign, plus n uniform in [-746, 710].
func sweep(n int) []float64 {
	rng := rand.New(rand.NewPCG(14, 1))
	x := append([]float64(nil), specials...)
	for e := -20; e < 3; e++ {
		for range n {
			v := math.Pow(10, float64(e)+rng.Float64())
			if rng.IntN(2) == 0 {
				v = -v
			}
			x = append(x, v)
		}
	}
	for range n {
		x = append(x, expLo+(expHi-expLo)*rng.Float64())
	}
	return x
}

// mathExp is math.Exp, except from 709 to ln(MaxFloat64), where math.Exp on amd64 returns
// +Inf for finite results: there e^(x−1)·e, math.Exp's result times the double nearest e.
func mathExp(x float64) float64 {
	if x > 709 && x < 709.79 {
		return math.Exp(x-1) * math.E
	}
	return math.Exp(x)
}

// TestScalarAccuracy holds the scalar functions (the algorithm every kernel follows) against
// math.Exp, math.Tanh and the sigmoid on math.Exp, and reports the largest difference in
// ulps: at most 2 (math.Exp is itself up to 1.45 ulp from the correctly rounded value on this
// sweep, exp1 0.61), with the specials exact (NaN for NaN, 0 and +Inf past the thresholds,
// subnormal results, tanh(±0) = ±0).
func TestScalarAccuracy(t *testing.T) {
	sigmoid := func(x float64) float64 { // nn.SigmoidF
		e, n := math.Exp(-math.Abs(x)), 1.0
		if x < 0 {
			n = e
		}
		return n / (1 + e)
	}
	cases := []struct {
		name    string
		got     func(float64) float64
		want    func(float64) float64
		maxUlps int64
	}{
		{"exp", exp1, mathExp, 2},
		{"sigmoid", sigmoid1, sigmoid, 2},
		{"tanh", tanh1, math.Tanh, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var worst int64
			var at float64
			for _, x := range sweep(5000) {
				d := ulps(c.got(x), c.want(x))
				require.LessOrEqual(t, d, c.maxUlps, "%s(%v) = %v, want %v", c.name, x, c.got(x), c.want(x))
				if d > worst {
					worst, at = d, x
				}
			}
			t.Logf("%s: largest error %d ulp (at %v)", c.name, worst, at)
		})
	}
	// e^x for the double x nearest ln(MaxFloat64) is 1.79769313486227321784e308 (Python's
	// decimal at 50 digits): below MaxFloat64, where math.Exp on amd64 returns +Inf.
	assert.Equal(t, 1.7976931348622732e308, exp1(709.782712893384))
	assert.Equal(t, math.Inf(1), exp1(709.79))
	assert.Equal(t, 0.0, exp1(-746))
	assert.Equal(t, math.SmallestNonzeroFloat64, exp1(-745))
	assert.Equal(t, 1.0, exp1(0))
	assert.True(t, math.IsNaN(exp1(math.NaN())))
	assert.True(t, math.Signbit(tanh1(math.Copysign(0, -1))))
	assert.Equal(t, -1.0, tanh1(math.Inf(-1)))
}

// TestKernels requires every kernel set this CPU runs to give the scalar functions' bits on
// the sweep, at every length from 0 to 40 (whole vectors and tails), in place and not.
func TestKernels(t *testing.T) {
	ks := available()
	if len(ks) == 0 {
		t.Skip("no vector kernels in this build or on this CPU")
	}
	defer func(saved *kernels) { active = saved }(active)
	x := sweep(500)
	fns := []struct {
		name   string
		slice  func(dst, x []float64) []float64
		scalar func(float64) float64
	}{{"Exp", Exp, exp1}, {"Sigmoid", Sigmoid, sigmoid1}, {"Tanh", Tanh, tanh1}}
	for _, ks := range ks {
		active = ks
		for _, f := range fns {
			t.Run(ks.name+"/"+f.name, func(t *testing.T) {
				got := f.slice(nil, x)
				for i, v := range x {
					require.Equal(t, bitsOf([]float64{f.scalar(v)}), bitsOf(got[i:i+1]), "%s(%v) = %v, scalar %v", f.name, v, got[i], f.scalar(v))
				}
				for n := range 41 {
					in := append([]float64(nil), x[len(x)-n:]...)
					out := f.slice(make([]float64, n), in)
					require.Equal(t, bitsOf(got[len(x)-n:]), bitsOf(out), "n=%d", n)
					f.slice(in, in)
					require.Equal(t, bitsOf(out), bitsOf(in), "n=%d in place", n)
				}
			})
		}
	}
}

// bitsOf returns the bits of x's entries, every NaN as the same NaN: the payload of a NaN
// is not part of the result.
func bitsOf(x []float64) []uint64 {
	b := make([]uint64, len(x))
	for i, v := range x {
		b[i] = math.Float64bits(v)
		if math.IsNaN(v) {
			b[i] = math.Float64bits(math.NaN())
		}
	}
	return b
}

// TestFirstNonFinite puts each kind of non-finite value at every position of slices around
// the vector kernels' block (32 values on AVX-512, 16 on AVX2) and the scalar scan's stride
// of 8, on every kernel set and the scalar code, so that blocks and tails are covered.
func TestFirstNonFinite(t *testing.T) {
	defer func(saved *kernels) { active = saved }(active)
	for _, ks := range append(available(), nil) {
		active = ks
		for n := 0; n <= 70; n++ {
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(i) - 7.5
			}
			require.Equal(t, -1, FirstNonFinite(x), "finite, n=%d", n)
			for pos := range n {
				for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
					old := x[pos]
					x[pos] = bad
					require.Equal(t, pos, FirstNonFinite(x), "n=%d pos=%d %v", n, pos, bad)
					x[pos] = old
				}
			}
		}
		x := []float64{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64}
		assert.Equal(t, -1, FirstNonFinite(append(append(x, make([]float64, 40)...), x...)))
		y := make([]float64, 100)
		y[90], y[50] = math.NaN(), math.Inf(-1)
		assert.Equal(t, 50, FirstNonFinite(y), "the first of two")
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	assert.PanicsWithValue(t, "vmath: Exp: len(dst) != len(x)", func() { Exp(make([]float64, 2), make([]float64, 3)) })
	assert.Len(t, Tanh(nil, make([]float64, 5)), 5)
}

func TestAllocs(t *testing.T) {
	x, dst := sweep(10), make([]float64, len(sweep(10)))
	assert.Zero(t, testing.AllocsPerRun(10, func() { Sigmoid(dst, x) }))
}

// BenchmarkExp reports ns per element of each slice function on the vector kernels of this
// CPU and on the scalar code (math.Exp, math.Tanh and nn.SigmoidF's form on math.Exp as
// "math").
func BenchmarkExp(b *testing.B) {
	x := make([]float64, 1000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = 20*rng.Float64() - 10
	}
	dst := make([]float64, len(x))
	mathFns := map[string]func(float64) float64{"Exp": math.Exp, "Tanh": math.Tanh, "Sigmoid": func(x float64) float64 {
		e, n := math.Exp(-math.Abs(x)), 1.0
		if x < 0 {
			n = e
		}
		return n / (1 + e)
	}}
	defer func(saved *kernels) { active = saved }(active)
	for _, f := range []struct {
		name  string
		slice func(dst, x []float64) []float64
	}{{"Exp", Exp}, {"Sigmoid", Sigmoid}, {"Tanh", Tanh}} {
		impls := []string{"math", "scalar"}
		for _, ks := range available() {
			impls = append(impls, ks.name)
		}
		for _, impl := range impls {
			b.Run(fmt.Sprintf("fn=%s/impl=%s", f.name, impl), func(b *testing.B) {
				active = nil
				for _, ks := range available() {
					if ks.name == impl {
						active = ks
					}
				}
				mathFn := mathFns[f.name]
				b.ReportAllocs()
				for b.Loop() {
					if impl == "math" {
						for i, v := range x {
							dst[i] = mathFn(v)
						}
						continue
					}
					f.slice(dst, x)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/elem")
			})
		}
	}
}

// BenchmarkFirstNonFinite scans the parameters of 784-300-100-10 (266 610 values) on the
// vector kernels of this CPU and on the scalar code, and reports ns per element.
func BenchmarkFirstNonFinite(b *testing.B) {
	x := make([]float64, 266610)
	for i := range x {
		x[i] = float64(i%1000) - 500
	}
	defer func(saved *kernels) { active = saved }(active)
	for _, ks := range append(available(), nil) {
		name := "scalar"
		if ks != nil {
			name = ks.name
		}
		b.Run("impl="+name, func(b *testing.B) {
			active = ks
			b.ReportAllocs()
			for b.Loop() {
				if FirstNonFinite(x) != -1 {
					b.Fatal("non-finite")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/elem")
		})
	}
}

// BenchmarkTail times short slices, all tail, through the slice functions and through the
// scalar code: where apply's choice between them (maxScalarTail) comes from.
func BenchmarkTail(b *testing.B) {
	for _, n := range []int{1, 2, 3, 5} {
		x, dst := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = 0.3*float64(i) - 1
		}
		b.Run(fmt.Sprintf("Sigmoid/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				Sigmoid(dst, x)
			}
		})
		b.Run(fmt.Sprintf("scalar/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				for i, v := range x {
					dst[i] = sigmoid1(v)
				}
			}
		})
	}
}
