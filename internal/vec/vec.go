package vec

import "fmt"

// Term4 is one term of Comb4: the vector that starts at buf[Off] and, for each of the four
// sums, the index in w of the weight it is multiplied by.
type Term4 struct {
	Off int32
	W   [4]int32
}

// DotTerm is one product of Dots: the vector that starts at buf[Off] and the index in out its
// dot product is added to.
type DotTerm struct{ Off, Out int32 }

// Comb4 sets, for j < 4 and r < n, buf[dst[j]+r] = Σₖ buf[t[k].Off+r]·w[t[k].W[j]]: four
// linear combinations of the same vectors with their own weights, each vector read once for
// the four. Each sum starts at zero and adds its terms in order. No destination may overlap a
// term's vector. An offset or index out of range panics.
func Comb4(buf []float64, dst [4]int, n int, t []Term4, w []float64) {
	var maxOff, maxW int32
	for _, tk := range t {
		maxOff = max(maxOff, tk.Off)
		maxW = max(maxW, tk.W[0], tk.W[1], tk.W[2], tk.W[3])
		if min(tk.Off, tk.W[0], tk.W[1], tk.W[2], tk.W[3]) < 0 {
			panic("vec: Comb4: negative offset or index")
		}
	}
	for _, d := range dst {
		if d < 0 || d+n > len(buf) {
			panic(fmt.Sprintf("vec: Comb4: destination %d+%d out of range [0, %d]", d, n, len(buf)))
		}
	}
	switch {
	case n < 0:
		panic("vec: Comb4: negative n")
	case len(t) > 0 && int(maxOff)+n > len(buf):
		panic(fmt.Sprintf("vec: Comb4: term offset %d+%d out of range [0, %d]", maxOff, n, len(buf)))
	case len(t) > 0 && int(maxW) >= len(w):
		panic(fmt.Sprintf("vec: Comb4: weight index %d out of range [0, %d)", maxW, len(w)))
	case n == 0:
		return
	}
	comb4(buf, dst, n, t, w)
}

// Dots adds Σᵣ buf[a+r]·buf[t[k].Off+r] (r < n) into out[t[k].Out] for every k: dot products of
// one vector against several. Each dot product keeps eight partial sums, lane l adding rows
// l, l+8, l+16, … in order, and adds them as ((p0+p4)+(p2+p6)) + ((p1+p5)+(p3+p7)); that sum
// is then added to out. An offset or index out of range panics.
func Dots(out, buf []float64, a, n int, t []DotTerm) {
	var maxOff, maxOut int32
	for _, tk := range t {
		maxOff, maxOut = max(maxOff, tk.Off), max(maxOut, tk.Out)
		if tk.Off < 0 || tk.Out < 0 {
			panic("vec: Dots: negative offset or index")
		}
	}
	switch {
	case n < 0 || a < 0 || a+n > len(buf):
		panic(fmt.Sprintf("vec: Dots: vector %d+%d out of range [0, %d]", a, n, len(buf)))
	case len(t) > 0 && int(maxOff)+n > len(buf):
		panic(fmt.Sprintf("vec: Dots: term offset %d+%d out of range [0, %d]", maxOff, n, len(buf)))
	case len(t) > 0 && int(maxOut) >= len(out):
		panic(fmt.Sprintf("vec: Dots: output index %d out of range [0, %d)", maxOut, len(out)))
	case len(t) == 0:
		return
	}
	dots(out, buf, a, n, t)
}

// AddVV sets d[i] = a[i] + b[i].
func AddVV(d, a, b []float64) { addVV(d, a[:len(d)], b[:len(d)]) }

// SubVV sets d[i] = a[i] − b[i].
func SubVV(d, a, b []float64) { subVV(d, a[:len(d)], b[:len(d)]) }

// MulVV sets d[i] = a[i]·b[i].
func MulVV(d, a, b []float64) { mulVV(d, a[:len(d)], b[:len(d)]) }

// FmaVVV sets d[i] = a[i] + b[i]·c[i].
func FmaVVV(d, a, b, c []float64) { fmaVVV(d, a[:len(d)], b[:len(d)], c[:len(d)]) }

// AddVS sets d[i] = a[i] + s.
func AddVS(d, a []float64, s float64) { addVS(d, a[:len(d)], s) }

// MulVS sets d[i] = a[i]·s.
func MulVS(d, a []float64, s float64) { mulVS(d, a[:len(d)], s) }

// FmaVVS sets d[i] = a[i] + b[i]·s.
func FmaVVS(d, a, b []float64, s float64) { fmaVVS(d, a[:len(d)], b[:len(d)], s) }

// ReLU sets d[i] = max(a[i], 0); a NaN stays NaN.
func ReLU(d, a []float64) { relu(d, a[:len(d)]) }

// Step sets d[i] = 1 where a[i] > 0 and 0 elsewhere (NaN included).
func Step(d, a []float64) { step(d, a[:len(d)]) }
