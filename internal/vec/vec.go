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

// CombTable is a list of Comb4 terms checked once (no negative offset or index), so that
// Comb4 over a range of them checks only the largest offset and index against the buffers.
type CombTable struct {
	t            []Term4
	maxOff, maxW int
}

// NewCombTable returns the table of the terms t, which it keeps. A negative offset or index
// panics.
func NewCombTable(t []Term4) CombTable {
	c := CombTable{t: t, maxOff: -1, maxW: -1}
	for _, tk := range t {
		if min(tk.Off, tk.W[0], tk.W[1], tk.W[2], tk.W[3]) < 0 {
			panic("vec: NewCombTable: negative offset or index")
		}
		c.maxOff = max(c.maxOff, int(tk.Off))
		c.maxW = max(c.maxW, int(tk.W[0]), int(tk.W[1]), int(tk.W[2]), int(tk.W[3]))
	}
	return c
}

// Comb4 is Comb4 over the terms [lo, hi) of the table.
func (c *CombTable) Comb4(buf []float64, dst [4]int, n, lo, hi int, w []float64) {
	if t := c.check("Comb4", buf, dst, n, lo, hi, len(w)); n > 0 {
		comb4(buf, dst, n, t, w)
	}
}

// Dots4 adds Σᵣ buf[a[j]+r]·buf[t.Off+r] (r < n) into out[t.W[j]] for each term t of [lo, hi)
// and j < 4: the dot products of four vectors against the same ones, each term's vector read
// once for its four. Each product adds up as in Dots, and they are added to out term by term,
// j = 0, 1, 2, 3. An offset or index out of range panics.
func (c *CombTable) Dots4(out, buf []float64, a [4]int, n, lo, hi int) {
	if t := c.check("Dots4", buf, a, n, lo, hi, len(out)); len(t) > 0 && n > 0 {
		dots4(out, buf, a, n, t)
	}
}

// check panics unless the four vectors at v, the terms [lo, hi) (n rows each) lie in buf and
// their indices below nw; it returns those terms.
func (c *CombTable) check(fn string, buf []float64, v [4]int, n, lo, hi, nw int) []Term4 {
	for _, o := range v {
		if o < 0 || o+n > len(buf) {
			panic(fmt.Sprintf("vec: %s: vector %d+%d out of range [0, %d]", fn, o, n, len(buf)))
		}
	}
	t := c.t[lo:hi]
	switch {
	case n < 0:
		panic("vec: " + fn + ": negative n")
	case len(t) > 0 && c.maxOff+n > len(buf):
		panic(fmt.Sprintf("vec: %s: term offset %d+%d out of range [0, %d]", fn, c.maxOff, n, len(buf)))
	case len(t) > 0 && c.maxW >= nw:
		panic(fmt.Sprintf("vec: %s: index %d out of range [0, %d)", fn, c.maxW, nw))
	}
	return t
}

// Comb4 sets, for j < 4 and r < n, buf[dst[j]+r] = Σₖ buf[t[k].Off+r]·w[t[k].W[j]]: four
// linear combinations of the same vectors with their own weights, each vector read once for
// the four. Each sum starts at zero and adds its terms in order. No destination may overlap a
// term's vector. An offset or index out of range panics.
func Comb4(buf []float64, dst [4]int, n int, t []Term4, w []float64) {
	c := NewCombTable(t)
	c.Comb4(buf, dst, n, 0, len(t), w)
}

// DotTable is a list of Dots terms checked once (no negative offset or index), so that Dots
// over a range of them checks only the largest offset and index against the buffers.
type DotTable struct {
	t              []DotTerm
	maxOff, maxOut int
}

// NewDotTable returns the table of the terms t, which it keeps. A negative offset or index
// panics.
func NewDotTable(t []DotTerm) DotTable {
	d := DotTable{t: t, maxOff: -1, maxOut: -1}
	for _, tk := range t {
		if tk.Off < 0 || tk.Out < 0 {
			panic("vec: NewDotTable: negative offset or index")
		}
		d.maxOff, d.maxOut = max(d.maxOff, int(tk.Off)), max(d.maxOut, int(tk.Out))
	}
	return d
}

// Dots is Dots over the terms [lo, hi) of the table.
func (d *DotTable) Dots(out, buf []float64, a, n, lo, hi int) {
	t := d.t[lo:hi]
	switch {
	case n < 0 || a < 0 || a+n > len(buf):
		panic(fmt.Sprintf("vec: Dots: vector %d+%d out of range [0, %d]", a, n, len(buf)))
	case len(t) > 0 && d.maxOff+n > len(buf):
		panic(fmt.Sprintf("vec: Dots: term offset %d+%d out of range [0, %d]", d.maxOff, n, len(buf)))
	case len(t) > 0 && d.maxOut >= len(out):
		panic(fmt.Sprintf("vec: Dots: output index %d out of range [0, %d)", d.maxOut, len(out)))
	case len(t) == 0:
		return
	}
	dots(out, buf, a, n, t)
}

// Dots adds Σᵣ buf[a+r]·buf[t[k].Off+r] (r < n) into out[t[k].Out] for every k: dot products of
// one vector against several. In assembly each dot product keeps eight partial sums, lane l
// adding rows l, l+8, l+16, … in order by fused multiply-adds, and adds them as
// ((p0+p4)+(p2+p6)) + ((p1+p5)+(p3+p7)); without, it is gonum's floats.Dot. That sum is then
// added to out. An offset or index out of range panics.
func Dots(out, buf []float64, a, n int, t []DotTerm) {
	d := NewDotTable(t)
	d.Dots(out, buf, a, n, 0, len(t))
}

// Dot returns Σ a[i]·b[i] over len(a) elements (b may be longer). In assembly the rows add
// by fused multiply-adds into 32 partial sums, row r of each block of 32 into sum r, the rows
// after the last full block into sums 0–7 (r mod 8), and the sums add up as
// ((s0+s8)+(s16+s24)) lane by lane, then the eight lanes as in Dots; without, it is gonum's
// floats.Dot.
func Dot(a, b []float64) float64 { return dot(a, b[:len(a)]) }

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
