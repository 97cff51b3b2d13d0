//go:build amd64 && !noasm

package vec

import "golang.org/x/sys/cpu"

//go:generate go run gen_vec.go gen_avx2.go

// Kernel levels: which kernels of vec_amd64.s a CPU runs.
const (
	levelGo     = iota // none
	levelAVX2          // the kernels on AVX2 and FMA
	levelAVX512        // the kernels on AVX-512F
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

// HasAsm reports whether the kernels run in assembly on this CPU (AVX-512, or AVX2 and FMA).
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
func dotAVX512(a, b []float64) float64

//go:noescape
func dotAVX2(a, b []float64) float64

//go:noescape
func addVVAVX512(d, a, b []float64)

//go:noescape
func addVVAVX2(d, a, b []float64)

//go:noescape
func subVVAVX512(d, a, b []float64)

//go:noescape
func subVVAVX2(d, a, b []float64)

//go:noescape
func mulVVAVX512(d, a, b []float64)

//go:noescape
func mulVVAVX2(d, a, b []float64)

//go:noescape
func fmaVVVAVX512(d, a, b, c []float64)

//go:noescape
func fmaVVVAVX2(d, a, b, c []float64)

//go:noescape
func addVSAVX512(d, a []float64, s float64)

//go:noescape
func addVSAVX2(d, a []float64, s float64)

//go:noescape
func mulVSAVX512(d, a []float64, s float64)

//go:noescape
func mulVSAVX2(d, a []float64, s float64)

//go:noescape
func fmaVVSAVX512(d, a, b []float64, s float64)

//go:noescape
func fmaVVSAVX2(d, a, b []float64, s float64)

//go:noescape
func reluAVX512(d, a []float64)

//go:noescape
func reluAVX2(d, a []float64)

//go:noescape
func stepAVX512(d, a []float64)

//go:noescape
func stepAVX2(d, a []float64)

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

func dot(a, b []float64) float64 {
	switch level {
	case levelAVX512:
		return dotAVX512(a, b)
	case levelAVX2:
		return dotAVX2(a, b)
	default:
		return dotGo(a, b)
	}
}

func addVV(d, a, b []float64) {
	switch level {
	case levelAVX512:
		addVVAVX512(d, a, b)
	case levelAVX2:
		addVVAVX2(d, a, b)
	default:
		addVVGo(d, a, b)
	}
}

func subVV(d, a, b []float64) {
	switch level {
	case levelAVX512:
		subVVAVX512(d, a, b)
	case levelAVX2:
		subVVAVX2(d, a, b)
	default:
		subVVGo(d, a, b)
	}
}

func mulVV(d, a, b []float64) {
	switch level {
	case levelAVX512:
		mulVVAVX512(d, a, b)
	case levelAVX2:
		mulVVAVX2(d, a, b)
	default:
		mulVVGo(d, a, b)
	}
}

func fmaVVV(d, a, b, c []float64) {
	switch level {
	case levelAVX512:
		fmaVVVAVX512(d, a, b, c)
	case levelAVX2:
		fmaVVVAVX2(d, a, b, c)
	default:
		fmaVVVGo(d, a, b, c)
	}
}

func addVS(d, a []float64, s float64) {
	switch level {
	case levelAVX512:
		addVSAVX512(d, a, s)
	case levelAVX2:
		addVSAVX2(d, a, s)
	default:
		addVSGo(d, a, s)
	}
}

func mulVS(d, a []float64, s float64) {
	switch level {
	case levelAVX512:
		mulVSAVX512(d, a, s)
	case levelAVX2:
		mulVSAVX2(d, a, s)
	default:
		mulVSGo(d, a, s)
	}
}

func fmaVVS(d, a, b []float64, s float64) {
	switch level {
	case levelAVX512:
		fmaVVSAVX512(d, a, b, s)
	case levelAVX2:
		fmaVVSAVX2(d, a, b, s)
	default:
		fmaVVSGo(d, a, b, s)
	}
}

func relu(d, a []float64) {
	switch level {
	case levelAVX512:
		reluAVX512(d, a)
	case levelAVX2:
		reluAVX2(d, a)
	default:
		reluGo(d, a)
	}
}

func step(d, a []float64) {
	switch level {
	case levelAVX512:
		stepAVX512(d, a)
	case levelAVX2:
		stepAVX2(d, a)
	default:
		stepGo(d, a)
	}
}
