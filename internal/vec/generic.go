package vec

import "gonum.org/v1/gonum/floats"

// The Go kernels: what the assembly computes, multiplying and adding separately (the
// assembly fuses them), in the same order except for the dot products.

func comb4Go(buf []float64, dst [4]int, n int, t []Term4, w []float64) {
	d0, d1, d2, d3 := buf[dst[0]:dst[0]+n], buf[dst[1]:dst[1]+n], buf[dst[2]:dst[2]+n], buf[dst[3]:dst[3]+n]
	clear(d0)
	clear(d1)
	clear(d2)
	clear(d3)
	k := 0
	for ; k+1 < len(t); k += 2 { // two terms at a time: each sum is read and written once for both
		x, y := buf[t[k].Off:int(t[k].Off)+n], buf[t[k+1].Off:int(t[k+1].Off)+n]
		s0, s1, s2, s3 := w[t[k].W[0]], w[t[k].W[1]], w[t[k].W[2]], w[t[k].W[3]]
		w0, w1, w2, w3 := w[t[k+1].W[0]], w[t[k+1].W[1]], w[t[k+1].W[2]], w[t[k+1].W[3]]
		for r, xr := range x {
			yr := y[r]
			d0[r] = d0[r] + xr*s0 + yr*w0
			d1[r] = d1[r] + xr*s1 + yr*w1
			d2[r] = d2[r] + xr*s2 + yr*w2
			d3[r] = d3[r] + xr*s3 + yr*w3
		}
	}
	if k < len(t) {
		x := buf[t[k].Off : int(t[k].Off)+n]
		s0, s1, s2, s3 := w[t[k].W[0]], w[t[k].W[1]], w[t[k].W[2]], w[t[k].W[3]]
		for r, xr := range x {
			d0[r] += xr * s0
			d1[r] += xr * s1
			d2[r] += xr * s2
			d3[r] += xr * s3
		}
	}
}

// dotsGo is Dots on gonum's floats.Dot (assembly on amd64 unless built with noasm), in its
// order of additions.
func dotsGo(out, buf []float64, a, n int, t []DotTerm) {
	x := buf[a : a+n]
	for _, tk := range t {
		out[tk.Out] += floats.Dot(x, buf[tk.Off:int(tk.Off)+n])
	}
}

// dotGo is Dot on gonum's floats.Dot.
func dotGo(a, b []float64) float64 { return floats.Dot(a, b) }

func dots4Go(out, buf []float64, a [4]int, n int, t []Term4) {
	a0, a1, a2, a3 := buf[a[0]:a[0]+n], buf[a[1]:a[1]+n], buf[a[2]:a[2]+n], buf[a[3]:a[3]+n]
	for _, tk := range t {
		b := buf[tk.Off : int(tk.Off)+n]
		out[tk.W[0]] += floats.Dot(a0, b)
		out[tk.W[1]] += floats.Dot(a1, b)
		out[tk.W[2]] += floats.Dot(a2, b)
		out[tk.W[3]] += floats.Dot(a3, b)
	}
}

func addVVGo(d, a, b []float64) {
	for i := range d {
		d[i] = a[i] + b[i]
	}
}

func subVVGo(d, a, b []float64) {
	for i := range d {
		d[i] = a[i] - b[i]
	}
}

func mulVVGo(d, a, b []float64) {
	for i := range d {
		d[i] = a[i] * b[i]
	}
}

func fmaVVVGo(d, a, b, c []float64) {
	for i := range d {
		d[i] = a[i] + b[i]*c[i]
	}
}

func addVSGo(d, a []float64, s float64) {
	for i := range d {
		d[i] = a[i] + s
	}
}

func mulVSGo(d, a []float64, s float64) {
	for i := range d {
		d[i] = a[i] * s
	}
}

func fmaVVSGo(d, a, b []float64, s float64) {
	for i := range d {
		d[i] = a[i] + b[i]*s
	}
}

func reluGo(d, a []float64) {
	for i := range d {
		d[i] = max(a[i], 0)
	}
}

func stepGo(d, a []float64) {
	for i := range d {
		var v float64
		if a[i] > 0 {
			v = 1
		}
		d[i] = v
	}
}
