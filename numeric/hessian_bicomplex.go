package numeric

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/blas/cblas128"

	"nabla/internal/par"
	"nabla/nn"
)

// This file is numeric-complex's H·v: the complex step along v taken through the complex-step
// gradient, in bicomplex arithmetic. A bicomplex number is a + i₂b with a and b complex numbers
// in i₁, where i₁² = i₂² = −1 and i₁i₂ = i₂i₁ (Lantoine, Russell and Dargent, "Using
// multicomplex variables for automatic computation of high-order sensitivities", 2012). For an
// analytic K,
//
//	K(A + i₁h·eⱼ + i₂h·u) = K + i₁h ∂ⱼK + i₂h ∂ᵤK + i₁i₂h² ∂ⱼ∂ᵤK + O(h³),
//
// so the i₁i₂ part over h² is (H·u)ⱼ with no difference of nearly equal numbers: the step h can
// be as tiny as for the complex step (1e-20), its truncation error is O(h²) relative and the
// result is accurate to rounding. The pass carries every quantity as two complex matrices, the
// parts without and with i₂. Layers are bilinear in their parameters P₁ + i₂P₂ and input
// Y₁ + i₂Y₂, with the bias in the first factor only:
//
//	Ŷ₁ = L(P₁, Y₁) − L₀(P₂, Y₂),   Ŷ₂ = L₀(P₁, Y₂) + L(P₂, Y₁)
//
// (L the layer's complex pass, L₀ the same without its bias). Activations and the cost use the
// analytic continuations: tanh(a + i₂b) = (t(1 + s²) + i₂ s·sech²a)/(1 + t²s²) with t = tanh a,
// s = tan b (the complex tanh's formula one level up), σ(z) = (1 + tanh(z/2))/2, exp(a + i₂b) =
// eᵃ(cos b + i₂ sin b) and log(a + i₂b) = log a + ½log(1 + t²) + i₂ atan t with t = b/a. Max
// pooling picks by the real part, and both parts follow the pick.

// bicTanh is tanh(a + i₂b) as parts (a', b').
func bicTanh(a, b complex128) (complex128, complex128) {
	t := complexTanh(a)
	if b == 0 {
		return t, 0
	}
	s := cmplx.Tan(b)
	var sech2 complex128 // 1 − t², without the cancellation where tanh saturates
	if math.Abs(real(a)) < 300 {
		ch := cmplx.Cosh(a)
		sech2 = 1 / (ch * ch)
	}
	d := 1 + t*t*s*s
	return t * (1 + s*s) / d, s * sech2 / d
}

// bicAct is the activation of a + i₂b.
func bicAct(act nn.Activation, a, b complex128) (complex128, complex128) {
	switch act {
	case nn.Sigmoid:
		ta, tb := bicTanh(a/2, b/2)
		return (1 + ta) / 2, tb / 2
	case nn.Tanh:
		return bicTanh(a, b)
	case nn.ReLU:
		if real(a) > 0 {
			return a, b
		}
		return 0, 0
	case nn.Identity:
		return a, b
	}
	panic("numeric: unknown activation " + act.String())
}

// bicExp is exp(a + i₂b).
func bicExp(a, b complex128) (complex128, complex128) {
	e := cmplx.Exp(a)
	return e * cmplx.Cos(b), e * cmplx.Sin(b)
}

// bicLog is log(a + i₂b) = log a + log(1 + i₂t), t = b/a, with log(1 + i₂t) = ½log(1 + t²) +
// i₂ atan t summed as series for small t (where 1 + t² would round to 1).
func bicLog(a, b complex128) (complex128, complex128) {
	la := cmplx.Log(a)
	t := b / a
	if cmplx.Abs(t) < 1e-4 {
		t2 := t * t
		return la + t2*(0.5-t2/4), t * (1 - t2*(1.0/3-t2/5))
	}
	return la + cmplx.Log(1+t*t)/2, cmplx.Atan(t)
}

// quadraticBic adds Σ (z − z̄)² for the pair z₁ + i₂z₂.
func quadraticBic(k1, k2 complex128, z1, z2 []complex128, zbar []float64) (complex128, complex128) {
	for i, a := range z1 {
		r, s := a-complex(zbar[i], 0), z2[i]
		k1 += r*r - s*s
		k2 += 2 * r * s
	}
	return k1, k2
}

// crossEntropyBic adds Σₖ z̄ₖ (LSE(z) − zₖ) for the pair z₁ + i₂z₂, the log-sum-exp shifted by
// the largest real part.
func crossEntropyBic(k1, k2 complex128, z1, z2 []complex128, zbar []float64) (complex128, complex128) {
	m := real(z1[0])
	for _, v := range z1[1:] {
		m = max(m, real(v))
	}
	var s1, s2 complex128
	for i, a := range z1 {
		e1, e2 := bicExp(a-complex(m, 0), z2[i])
		s1, s2 = s1+e1, s2+e2
	}
	l1, l2 := bicLog(s1, s2)
	l1 += complex(m, 0)
	for i, a := range z1 {
		if zbar[i] != 0 {
			k1 += complex(zbar[i], 0) * (l1 - a)
			k2 += complex(zbar[i], 0) * (l2 - z2[i])
		}
	}
	return k1, k2
}

// bicBufs is one pass's matrices: per layer the two parts of the pre-activations and
// activations, and a scratch matrix.
type bicBufs struct {
	one, two []layerBuf
	tmp      []cblas128.General
	store    []complex128
}

func (w *bicBufs) size(net *nn.Network, n int) {
	L := net.NumLayers()
	if w.one == nil {
		w.one, w.two, w.tmp = make([]layerBuf, L), make([]layerBuf, L), make([]cblas128.General, L)
	}
	total := 0
	for _, l := range net.Layers() {
		total += 5 * n * l.Outputs()
	}
	if cap(w.store) < total {
		w.store = make([]complex128, total)
	}
	s := w.store[:total]
	for l, layer := range net.Layers() {
		k := n * layer.Outputs()
		mk := func() cblas128.General {
			m := cblas128.General{Rows: n, Cols: layer.Outputs(), Stride: layer.Outputs(), Data: s[:k:k]}
			s = s[k:]
			return m
		}
		w.one[l] = layerBuf{pre: mk(), act: mk()}
		w.two[l] = layerBuf{pre: mk(), act: mk()}
		w.tmp[l] = mk()
	}
}

// bicHv is the state of one Hv call of numeric-complex and the par.Task that computes it.
type bicHv struct {
	c              *Complex
	p2, p1nb, p2nb []complex128 // h·u, and A and h·u with the biases zeroed
	base           bicBufs      // the pass with A + i₂h·u
	work           []bicBufs    // per worker
	lp, lpnb       [][]complex128
	dst, bound     []float64
	crossed        []bool
	scale          float64 // m / h², m = max |vᵢ|
	x              cblas128.General
	zeros          cblas128.General // the i₂ part of the input: 0
	bufN           int
	biasOf         []bool // biasOf[i]: parameter i is a bias
}

// newBicHv lays out the parameter-sized buffers.
func newBicHv(c *Complex) *bicHv {
	n := c.net.NumParams()
	h := &bicHv{c: c, p2: make([]complex128, n), p1nb: make([]complex128, n), p2nb: make([]complex128, n),
		bound: make([]float64, n), crossed: make([]bool, n), biasOf: make([]bool, n),
		work: make([]bicBufs, len(c.workers)), lp: make([][]complex128, len(c.workers)), lpnb: make([][]complex128, len(c.workers))}
	for _, blk := range c.net.Blocks() {
		for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
			h.biasOf[i] = blk.Kind == nn.Bias
		}
	}
	for i := range h.work {
		h.lp[i], h.lpnb[i] = make([]complex128, n), make([]complex128, n)
	}
	return h
}

// load sets the parameters P₁ = A (c.a), P₂ = h·u and their bias-free copies.
func (h *bicHv) load(v []float64, t float64) {
	for i, a := range h.c.a {
		h.p2[i] = complex(t*v[i], 0)
		h.p1nb[i], h.p2nb[i] = a, h.p2[i]
		if h.biasOf[i] {
			h.p1nb[i], h.p2nb[i] = 0, 0
		}
	}
}

// size lays out the pass buffers for n pairs.
func (h *bicHv) size(n int) {
	if h.bufN == n {
		return
	}
	h.base.size(h.c.net, n)
	for i := range h.work {
		h.work[i].size(h.c.net, n)
	}
	inputs := h.c.net.Inputs()
	h.zeros = cblas128.General{Rows: n, Cols: inputs, Stride: inputs, Data: make([]complex128, n*inputs)}
	h.bufN = n
}

// layer runs layer l of the bicomplex pass into w from the input parts in1, in2, with the
// layer's parameters p1 + i₂p2 and their bias-free copies.
func (h *bicHv) layer(l int, p1, p1nb, p2, p2nb []complex128, in1, in2 cblas128.General, w *bicBufs) {
	d := h.c.layers[l]
	o1, o2, tmp := w.one[l].pre, w.two[l].pre, w.tmp[l]
	pass := func(p []complex128, in, pre cblas128.General) {
		if d.cpass != nil {
			d.cpass(p, in, pre)
			return
		}
		d.Off = 0 // p is the layer's own part of A
		affine(d, p, in, pre)
	}
	switch {
	case d.maxPool != nil:
		bicMaxPool(d.maxPool, in1, in2, o1, o2)
	case d.N == 0: // average pooling: linear, part by part
		pass(nil, in1, o1)
		pass(nil, in2, o2)
	default:
		pass(p1, in1, o1)
		pass(p2nb, in2, tmp)
		for i, x := range tmp.Data {
			o1.Data[i] -= x
		}
		pass(p1nb, in2, o2)
		pass(p2, in1, tmp)
		for i, x := range tmp.Data {
			o2.Data[i] += x
		}
	}
	a1, a2 := w.one[l].act.Data, w.two[l].act.Data
	for i, a := range o1.Data {
		a1[i], a2[i] = bicAct(d.Act, a, o2.Data[i])
	}
}

// bicMaxPool pools both parts at the entry of each window with the largest real part of the
// first (the first such entry at a tie).
func bicMaxPool(g *nn.Pool, in1, in2, out1, out2 cblas128.General) {
	oh, ow, hw := g.OutH(), g.OutW(), g.H*g.W
	for n := 0; n < in1.Rows; n++ {
		x1, x2 := in1.Data[n*in1.Stride:n*in1.Stride+in1.Cols], in2.Data[n*in2.Stride:n*in2.Stride+in2.Cols]
		o1, o2 := out1.Data[n*out1.Stride:n*out1.Stride+out1.Cols], out2.Data[n*out2.Stride:n*out2.Stride+out2.Cols]
		k := 0
		for ch := 0; ch < g.C; ch++ {
			for p := 0; p < oh; p++ {
				for q := 0; q < ow; q++ {
					top := ch*hw + p*g.Stride*g.W + q*g.Stride
					best := top
					for i := 0; i < g.P; i++ {
						for r := top + i*g.W; r < top+i*g.W+g.P; r++ {
							if real(x1[r]) > real(x1[best]) {
								best = r
							}
						}
					}
					o1[k], o2[k] = x1[best], x2[best]
					k++
				}
			}
		}
	}
}

var _ par.Task = (*bicHv)(nil)

// Run computes the worker's range of elements of H·v (par.Task).
func (h *bicHv) Run(i int) {
	lo, hi := par.Span(len(h.dst), len(h.c.workers), i)
	for j := lo; j < hi; j++ {
		h.dst[j] = h.element(i, j)
	}
}

// element returns (H·v)ⱼ: the i₁i₂ part of K(A + i₁h·eⱼ + i₂h·u) times m/h², by a bicomplex
// pass from j's layer up, starting from the base pass (A + i₂h·u) below it.
func (h *bicHv) element(worker, j int) float64 {
	c := h.c
	w := &h.work[worker]
	blk, _ := c.net.BlockOf(j)
	l := blk.Layer
	in1, in2 := h.x, h.zeros
	if l > 0 {
		in1, in2 = h.base.one[l-1].act, h.base.two[l-1].act
	}
	d := c.layers[l]
	lp, lpnb := h.lp[worker][:d.N], h.lpnb[worker][:d.N]
	copy(lp, c.a[d.Off:d.Off+d.N])
	copy(lpnb, h.p1nb[d.Off:d.Off+d.N])
	jj := j - d.Off
	lp[jj] += complex(0, c.step)
	if !h.biasOf[j] {
		lpnb[jj] += complex(0, c.step)
	}
	h.layer(l, lp, lpnb, h.p2[d.Off:d.Off+d.N], h.p2nb[d.Off:d.Off+d.N], in1, in2, w)
	for m := l + 1; m < c.net.NumLayers(); m++ {
		h.pass(m, w.one[m-1].act, w.two[m-1].act, w)
	}
	_, k2 := h.cost(w)
	return imag(k2) * h.scale
}

// pass runs layer m with the shared parameters.
func (h *bicHv) pass(m int, in1, in2 cblas128.General, w *bicBufs) {
	d := h.c.layers[m]
	s := d.Off
	e := d.Off + d.N
	h.layer(m, h.c.a[s:e], h.p1nb[s:e], h.p2[s:e], h.p2nb[s:e], in1, in2, w)
}

// cost returns K of the pass in w as its two parts.
func (h *bicHv) cost(w *bicBufs) (complex128, complex128) {
	c := h.c
	L := c.net.NumLayers()
	out1, out2 := w.one[L-1].act, w.two[L-1].act
	var k1, k2 complex128
	m := out1.Cols
	for i := range out1.Rows {
		k1, k2 = c.costs.bic(k1, k2, out1.Data[i*out1.Stride:i*out1.Stride+m], out2.Data[i*out2.Stride:i*out2.Stride+m], c.z[i*m:(i+1)*m])
	}
	return k1, k2
}
