//go:build amd64 && !noasm

package vec

import "golang.org/x/sys/cpu"

//go:generate go run gen_vec.go gen_avx2.go

// Kernel levels: which kernels of vec_amd64.s a CPU runs.
const (
	levelGo     = iota // none
	levelAVX2          // comb4, dots and dots4 on AVX2 and FMA; the element-wise ones in Go
	levelAVX512        // all of them on AVX-512F
)

// maxLevel is what this CPU runs; level what the kernels use (tests lower it).
var maxLevel = func() int {
	switch {
	case cpu.X86.HasAVX512F:
		return levelAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return levelAVX2
	}
	return levelGo
}()

var level = maxLevel

// useAsm: the element-wise kernels run in assembly.
func useAsm() bool { return level == levelAVX512 }

// HasAsm reports whether the kernels run in assembly on this CPU (AVX-512, or AVX2 and FMA
// for the linear combinations and dot products).
func HasAsm() bool { return level > levelGo }

//go:noescape
func comb4AVX2(buf *float64, dst *[4]int, n int, t *Term4, nt int, w *float64)

//go:noescape
func dotsAVX2(buf *float64, a, n int, t *DotTerm, nt int, out *float64)

//go:noescape
func dots4AVX2(buf *float64, a *[4]int, n int, t *Term4, nt int, out *float64)

//go:noescape
func comb4AVX512(buf *float64, dst *[4]int, n int, t *Term4, nt int, w *float64)

//go:noescape
func dotsAVX512(buf *float64, a, n int, t *DotTerm, nt int, out *float64)

//go:noescape
func dots4AVX512(buf *float64, a *[4]int, n int, t *Term4, nt int, out *float64)

//go:noescape
func addVVAVX512(d, a, b []float64)

//go:noescape
func subVVAVX512(d, a, b []float64)

//go:noescape
func mulVVAVX512(d, a, b []float64)

//go:noescape
func fmaVVVAVX512(d, a, b, c []float64)

//go:noescape
func addVSAVX512(d, a []float64, s float64)

//go:noescape
func mulVSAVX512(d, a []float64, s float64)

//go:noescape
func fmaVVSAVX512(d, a, b []float64, s float64)

//go:noescape
func reluAVX512(d, a []float64)

//go:noescape
func stepAVX512(d, a []float64)

func comb4(buf []float64, dst [4]int, n int, t []Term4, w []float64) {
	switch {
	case len(t) == 0 || level == levelGo:
		comb4Go(buf, dst, n, t, w)
	case level == levelAVX2:
		comb4AVX2(&buf[0], &dst, n, &t[0], len(t), &w[0])
	default:
		comb4AVX512(&buf[0], &dst, n, &t[0], len(t), &w[0])
	}
}

func dots(out, buf []float64, a, n int, t []DotTerm) {
	switch {
	case n == 0 || level == levelGo:
		dotsGo(out, buf, a, n, t)
	case level == levelAVX2:
		dotsAVX2(&buf[0], a, n, &t[0], len(t), &out[0])
	default:
		dotsAVX512(&buf[0], a, n, &t[0], len(t), &out[0])
	}
}

func dots4(out, buf []float64, a [4]int, n int, t []Term4) {
	switch {
	case n == 0 || level == levelGo:
		dots4Go(out, buf, a, n, t)
	case level == levelAVX2:
		dots4AVX2(&buf[0], &a, n, &t[0], len(t), &out[0])
	default:
		dots4AVX512(&buf[0], &a, n, &t[0], len(t), &out[0])
	}
}

func addVV(d, a, b []float64) {
	if useAsm() {
		addVVAVX512(d, a, b)
		return
	}
	addVVGo(d, a, b)
}

func subVV(d, a, b []float64) {
	if useAsm() {
		subVVAVX512(d, a, b)
		return
	}
	subVVGo(d, a, b)
}

func mulVV(d, a, b []float64) {
	if useAsm() {
		mulVVAVX512(d, a, b)
		return
	}
	mulVVGo(d, a, b)
}

func fmaVVV(d, a, b, c []float64) {
	if useAsm() {
		fmaVVVAVX512(d, a, b, c)
		return
	}
	fmaVVVGo(d, a, b, c)
}

func addVS(d, a []float64, s float64) {
	if useAsm() {
		addVSAVX512(d, a, s)
		return
	}
	addVSGo(d, a, s)
}

func mulVS(d, a []float64, s float64) {
	if useAsm() {
		mulVSAVX512(d, a, s)
		return
	}
	mulVSGo(d, a, s)
}

func fmaVVS(d, a, b []float64, s float64) {
	if useAsm() {
		fmaVVSAVX512(d, a, b, s)
		return
	}
	fmaVVSGo(d, a, b, s)
}

func relu(d, a []float64) {
	if useAsm() {
		reluAVX512(d, a)
		return
	}
	reluGo(d, a)
}

func step(d, a []float64) {
	if useAsm() {
		stepAVX512(d, a)
		return
	}
	stepGo(d, a)
}
