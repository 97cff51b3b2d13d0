//go:build amd64 && !noasm

package vmath

import "golang.org/x/sys/cpu"

//go:generate go run gen_vmath.go

// The kernels of vmath_amd64.s (gen_vmath.go): n vectors of 4 (AVX2) or 8 (AVX512) values.
//
//go:noescape
func expAVX2(dst, x *float64, n int)

//go:noescape
func sigmoidAVX2(dst, x *float64, n int)

//go:noescape
func tanhAVX2(dst, x *float64, n int)

//go:noescape
func nanSumAVX2(x *float64, n int) float64

//go:noescape
func expAVX512(dst, x *float64, n int)

//go:noescape
func sigmoidAVX512(dst, x *float64, n int)

//go:noescape
func tanhAVX512(dst, x *float64, n int)

//go:noescape
func nanSumAVX512(x *float64, n int) float64

// available lists the kernel sets this CPU runs, fastest first.
func available() []*kernels {
	var ks []*kernels
	if cpu.X86.HasAVX512F {
		ks = append(ks, &kernels{name: "AVX-512", lanes: 8})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &kernels{name: "AVX2+FMA", lanes: 4})
	}
	return ks
}

// run computes n vectors of x into dst with kernel k of the set.
func (ks *kernels) run(k int, dst, x *float64, n int) {
	wide := ks.lanes == 8
	switch {
	case k == kernelExp && wide:
		expAVX512(dst, x, n)
	case k == kernelExp:
		expAVX2(dst, x, n)
	case k == kernelSigmoid && wide:
		sigmoidAVX512(dst, x, n)
	case k == kernelSigmoid:
		sigmoidAVX2(dst, x, n)
	case wide:
		tanhAVX512(dst, x, n)
	default:
		tanhAVX2(dst, x, n)
	}
}

// nanSum returns the sum of x − x over n blocks of 4 vectors: 0 when every value is finite,
// NaN otherwise.
func (ks *kernels) nanSum(x *float64, n int) float64 {
	if ks.lanes == 8 {
		return nanSumAVX512(x, n)
	}
	return nanSumAVX2(x, n)
}
