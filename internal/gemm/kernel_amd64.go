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

// packTAVX transposes kb4 groups of 4 entries of n4 groups of 4 rows (row x at s + x·ld):
// entry l of row x goes to d[l·wd + x] (kernel_amd64.s).
//
//go:noescape
func packTAVX(d *float64, wd int, s *float64, ld, kb4, n4 int)

// packRunsAVX copies kb runs of 4·wd4 entries, run l from s + l·ld to d + l·4·wd4
// (kernel_amd64.s).
//
//go:noescape
func packRunsAVX(d *float64, wd4 int, s *float64, ld, kb int)

// hasAVX reports whether the packing routines in assembly run on this CPU.
var hasAVX = cpu.X86.HasAVX

// packT sets d[l·wd + x] = s[x·ld + l] for x < n, l < kb: on AVX for blocks of 4 × 4, in Go
// for the rest.
func packT(d []float64, wd int, s []float64, ld, kb, n int) {
	if n <= 0 || kb <= 0 {
		return
	}
	_, _ = s[(n-1)*ld+kb-1], d[(kb-1)*wd+n-1] // the assembly reads and writes within these bounds
	n4, kb4 := n&^3, kb&^3
	if !hasAVX || n4 == 0 || kb4 == 0 {
		packTGo(d, wd, s, ld, kb, n)
		return
	}
	packTAVX(&d[0], wd, &s[0], ld, kb4/4, n4/4)
	for x := range n4 { // the entries past the last block of 4
		for l := kb4; l < kb; l++ {
			d[l*wd+x] = s[x*ld+l]
		}
	}
	if n4 < n {
		packTGo(d[n4:], wd, s[n4*ld:], ld, kb, n-n4)
	}
}

// packRuns sets d[l·wd + x] = s[l·ld + x] for x < wd, l < kb: whole runs of a panel, on AVX
// when wd is a multiple of 4.
func packRuns(d []float64, wd int, s []float64, ld, kb int) {
	if kb <= 0 {
		return
	}
	_, _ = s[(kb-1)*ld+wd-1], d[kb*wd-1] // the assembly reads and writes within these bounds
	if !hasAVX || wd%4 != 0 {
		packRunsGo(d, wd, s, ld, kb)
		return
	}
	packRunsAVX(&d[0], wd/4, &s[0], ld, kb)
}

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
