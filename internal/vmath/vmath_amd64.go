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
func expAVX512(dst, x *float64, n int)

//go:noescape
func sigmoidAVX512(dst, x *float64, n int)

//go:noescape
func tanhAVX512(dst, x *float64, n int)

// available lists the kernel sets this CPU runs, fastest first.
func available() []*kernels {
	var ks []*kernels
	if cpu.X86.HasAVX512F {
		ks = append(ks, &kernels{name: "AVX-512", lanes: 8, fn: [3]func(dst, x *float64, n int){expAVX512, sigmoidAVX512, tanhAVX512}})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &kernels{name: "AVX2+FMA", lanes: 4, fn: [3]func(dst, x *float64, n int){expAVX2, sigmoidAVX2, tanhAVX2}})
	}
	return ks
}
