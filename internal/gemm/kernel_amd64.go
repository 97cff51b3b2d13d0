//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernel.go

// kernAVX2 is the 4×12 micro-kernel on AVX2 and FMA (kernel_amd64.s).
//
//go:noescape
func kernAVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)

// kernAVX512 is the 8×24 micro-kernel on AVX-512F (kernel_amd64.s).
//
//go:noescape
func kernAVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

// available lists the micro-kernels this CPU runs, fastest first.
func available() []*kernel {
	var ks []*kernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, &kernel{name: "AVX-512", mr: 8, nr: 24, fn: kernAVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &kernel{name: "AVX2+FMA", mr: 4, nr: 12, fn: kernAVX2})
	}
	return ks
}
