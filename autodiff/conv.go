package autodiff

import "fmt"

// This file holds the image operations: Conv2D, ChannelBias, MaxPool and AvgPool. A batch of
// images is a tensor with one image per row, each C×H×W flattened row-major. As in ops.go,
// each operation states its value, its tangent (jvp) and its adjoint (vjp) rules, here side
// by side in one place per operation.

// Conv is the geometry of a 2-D convolution: F filters of K×K over C channels of H×W pixels,
// moved by Stride (at least 1) over the input framed by Pad rows and columns of zeros.
type Conv struct {
	C, H, W, F, K, Stride, Pad int
}

// OutH is the output height (H + 2·Pad − K)/Stride + 1.
func (g Conv) OutH() int { return (g.H+2*g.Pad-g.K)/g.Stride + 1 }

// OutW is the output width (W + 2·Pad − K)/Stride + 1.
func (g Conv) OutW() int { return (g.W+2*g.Pad-g.K)/g.Stride + 1 }

// Pool is the geometry of a pooling: windows of P×P over C channels of H×W pixels, moved by
// Stride (at least 1).
type Pool struct {
	C, H, W, P, Stride int
}

// OutH is the output height (H − P)/Stride + 1.
func (g Pool) OutH() int { return (g.H-g.P)/g.Stride + 1 }

// OutW is the output width (W − P)/Stride + 1.
func (g Pool) OutW() int { return (g.W-g.P)/g.Stride + 1 }

// geometry is what an image operation keeps of its shape; it lives in the Tensor so that
// recording allocates nothing.
type geometry struct {
	conv Conv
	pool Pool
}

// Conv2D records the cross-correlation of a batch of images x (N × C·H·W) with the kernel k
// (F × C·K·K, row-major F×C×K×K: PyTorch's conv.weight), an N × F·OH·OW tensor:
//
//	z[n,f,p,q] = Σ_{c,i,j} k[f,c,i,j] · x[n, c, p·S+i−P, q·S+j−P]     (0 outside the image)
//
// With U the im2col matrix of an image (row (c,i,j), column (p,q)), z = k·U per image.
// Tangent: ż = k̇·U + k·im2col(ẋ). Adjoint: k̄ += z̄·Uᵀ, x̄ += col2im(kᵀ·z̄), col2im being
// the transpose of im2col (it adds each entry back to the pixel it was copied from).
func (t *Tape) Conv2D(x, k *Tensor, g Conv) *Tensor { return t.conv2D(x, k, nil, g) }

// Conv2DBias records Conv2D(x, k, g) with the bias b (F entries) added to every pixel of its
// channel: ChannelBias(Conv2D(x, k, g), b) as one operation, a convolutional layer's
// pre-activations. The biases are written first and each image's product added to them, and
// in reverse mode z̄ goes straight to the convolution's rule and, summed over the images and
// pixels of each channel, to b̄.
func (t *Tape) Conv2DBias(x, k, b *Tensor, g Conv) *Tensor {
	t.owns(b)
	if b.Len() != g.F {
		panic(fmt.Sprintf("autodiff: Conv2DBias with %d filters and a %d×%d bias", g.F, b.rows, b.cols))
	}
	return t.conv2D(x, k, b, g)
}

// conv2D records Conv2D, or Conv2DBias when b is not nil.
func (t *Tape) conv2D(x, k, b *Tensor, g Conv) *Tensor {
	t.owns(x)
	t.owns(k)
	ckk := g.C * g.K * g.K
	if g.Stride < 1 || g.Pad < 0 || g.K > g.H+2*g.Pad || g.K > g.W+2*g.Pad || x.cols != g.C*g.H*g.W || k.rows != g.F || k.cols != ckk {
		panic(fmt.Sprintf("autodiff: Conv2D %+v of %d×%d images and a %d×%d kernel", g, x.rows, x.cols, k.rows, k.cols))
	}
	pix := g.OutH() * g.OutW()
	z := t.node(opConv2D, x.rows, g.F*pix)
	z.x, z.y, z.b, z.geom.conv = x, k, b, g
	z.value = grow(&z.vbuf, z.Len())
	z.aux = grow(&z.aux, x.rows*ckk*pix) // every image's U, kept for the adjoint of k
	t.runConv(convPass{z: z}, x.rows)
	return t.record(z)
}

func conv2DJVP(z *Tensor) {
	x, k, b, g := z.x, z.y, z.b, z.geom.conv
	ckk, pix := g.C*g.K*g.K, g.OutH()*g.OutW()
	var dU []float64
	if x.hasTangent {
		dU = grow(&z.aux2, ckk*pix)
	}
	bias := b != nil && b.hasTangent
	if bias { // ḃ per channel
		channelBias(z.tangent, nil, b.tangent, z.rows, g.F, pix)
	}
	for n := 0; n < x.rows; n++ {
		dz := z.tangent[n*z.cols : (n+1)*z.cols]
		beta := 0.0
		if bias {
			beta = 1
		}
		if k.hasTangent { // + k̇·U
			z.tape.gemm(false, false, k.tangent, g.F, ckk, z.aux[n*ckk*pix:(n+1)*ckk*pix], ckk, pix, beta, dz)
			beta = 1
		}
		if x.hasTangent { // + k·im2col(ẋ)
			im2col(g, dU, x.tangent[n*x.cols:(n+1)*x.cols])
			z.tape.gemm(false, false, k.value, g.F, ckk, dU, ckk, pix, beta, dz)
		}
	}
}

// im2col writes the C·K·K × OH·OW matrix U of one image x: U[(c,i,j),(p,q)] =
// x[c, p·S+i−P, q·S+j−P], 0 in the padding.
func im2col(g Conv, U, x []float64) {
	oh, ow := g.OutH(), g.OutW()
	r := 0
	for c := 0; c < g.C; c++ {
		img := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for i := 0; i < g.K; i++ {
			for j := 0; j < g.K; j++ {
				row := U[r*oh*ow : (r+1)*oh*ow]
				r++
				if g.Stride == 1 && g.Pad == 0 { // every tap inside the image
					for p := 0; p < oh; p++ {
						copy(row[p*ow:(p+1)*ow], img[(p+i)*g.W+j:])
					}
					continue
				}
				for p := 0; p < oh; p++ {
					out := row[p*ow : (p+1)*ow]
					y := p*g.Stride + i - g.Pad
					if y < 0 || y >= g.H {
						clear(out)
						continue
					}
					src := img[y*g.W : (y+1)*g.W]
					for q := range out {
						if u := q*g.Stride + j - g.Pad; u >= 0 && u < g.W {
							out[q] = src[u]
						} else {
							out[q] = 0
						}
					}
				}
			}
		}
	}
}

// col2im adds every entry of dU (C·K·K × OH·OW) to dx (one image's adjoint) at the pixel its
// im2col entry was copied from: the transpose of im2col, accumulating.
func col2im(g Conv, dx, dU []float64) {
	oh, ow := g.OutH(), g.OutW()
	r := 0
	for c := 0; c < g.C; c++ {
		img := dx[c*g.H*g.W : (c+1)*g.H*g.W]
		for i := 0; i < g.K; i++ {
			for j := 0; j < g.K; j++ {
				row := dU[r*oh*ow : (r+1)*oh*ow]
				r++
				if g.Stride == 1 && g.Pad == 0 { // every tap inside the image
					for p := 0; p < oh; p++ {
						dst := img[(p+i)*g.W+j : (p+i)*g.W+j+ow]
						for q, v := range row[p*ow : (p+1)*ow] {
							dst[q] += v
						}
					}
					continue
				}
				for p := 0; p < oh; p++ {
					y := p*g.Stride + i - g.Pad
					if y < 0 || y >= g.H {
						continue
					}
					dst := img[y*g.W : (y+1)*g.W]
					for q, v := range row[p*ow : (p+1)*ow] {
						if u := q*g.Stride + j - g.Pad; u >= 0 && u < g.W {
							dst[u] += v
						}
					}
				}
			}
		}
	}
}

// ChannelBias records x + b broadcast over the pixels of each channel: x is N × F·P (F
// channels of P pixels per row), b has F entries, and z[n,f,p] = x[n,f,p] + b[f]. Tangent:
// ż = ẋ + ḃ per channel. Adjoint: x̄ += z̄, b̄[f] += Σ_{n,p} z̄[n,f,p].
func (t *Tape) ChannelBias(x, b *Tensor) *Tensor {
	t.owns(x)
	t.owns(b)
	f := b.Len()
	if x.cols%f != 0 {
		panic(fmt.Sprintf("autodiff: ChannelBias of %d×%d and %d channels", x.rows, x.cols, f))
	}
	z := t.node(opChannelBias, x.rows, x.cols)
	z.x, z.y = x, b
	z.value = grow(&z.vbuf, z.Len())
	channelBias(z.value, x.value, b.value, x.rows, f, x.cols/f)
	return t.record(z)
}

// channelBias sets dst[n,f,p] = x[n,f,p] + b[f] for n rows of f channels of pix entries; x
// nil means 0 (dst is b repeated: Linear's and Conv2DBias's first term).
func channelBias(dst, x, b []float64, n, f, pix int) {
	if pix == 1 && x == nil { // a bias per column (Linear): b in every row
		for i := 0; i < n; i++ {
			copy(dst[i*f:(i+1)*f], b[:f])
		}
		return
	}
	for i := 0; i < n*f; i++ {
		row, bf := dst[i*pix:(i+1)*pix], b[i%f]
		if x == nil {
			for p := range row {
				row[p] = bf
			}
			continue
		}
		for p, v := range x[i*pix : (i+1)*pix] {
			row[p] = v + bf
		}
	}
}

func channelBiasJVP(z *Tensor) {
	x, b := z.x, z.y
	f := b.Len()
	pix := z.cols / f
	switch {
	case b.hasTangent:
		var dx []float64
		if x.hasTangent {
			dx = x.tangent
		}
		channelBias(z.tangent, dx, b.tangent, z.rows, f, pix)
	default:
		copy(z.tangent, x.tangent)
	}
}

func channelBiasVJP(z *Tensor) {
	x, b, g := z.x, z.y, z.grad
	if x.needGrad {
		gx, fresh := x.adjointOrFresh()
		gx = gx[:len(g)]
		if fresh {
			copy(gx, g)
		} else {
			for i, v := range g {
				gx[i] += v
			}
		}
	}
	if b.needGrad {
		f := b.Len()
		z.tape.addBiasSums(b.adjoint(), g, z.rows, f, z.cols/f)
	}
}

// MaxPool records max pooling of a batch of images x (N × C·H·W): each output is the largest
// entry of its P×P window, an N × C·OH·OW tensor. At a tie the first largest entry in
// row-major order of the window is the one chosen (a non-smooth point of the cost: the
// one-sided derivatives differ). Tangent: ż = ẋ at the chosen entry. Adjoint: z̄ is added to
// x̄ at the chosen entry (routed, not spread).
func (t *Tape) MaxPool(x *Tensor, g Pool) *Tensor {
	z := t.pool(opMaxPool, x, g)
	if cap(z.args) < z.Len() {
		z.args = make([]int32, z.Len())
	}
	z.args = z.args[:z.Len()]
	t.runPool(poolPass{z: z})
	return t.record(z)
}

// maxWindows sets dst[k] to the largest entry of window k of src and arg[k] to its index in
// src, the first in row-major order among equal ones, for the windows of channels c0 to c1−1
// (counting every image's channels in turn). A row of 2×2 windows at stride 2, the
// common case, is a loop of its own without a branch per entry (half the windows of a ReLU
// layer would mispredict one).
func maxWindows(g Pool, c0, c1 int, dst []float64, arg []int32, src []float64) {
	oh, ow := g.OutH(), g.OutW()
	k := c0 * oh * ow
	for c := c0; c < c1; c++ {
		for p := 0; p < oh; p++ {
			top := c*g.H*g.W + p*g.Stride*g.W
			out, args := dst[k:k+ow], arg[k:k+ow]
			k += ow
			if g.P == 2 && g.Stride == 2 {
				r0, r1 := src[top:top+2*ow], src[top+g.W:top+g.W+2*ow]
				for q := range out { // the maximum, then the first entry equal to it, branch-free
					a, b, c, d := r0[2*q], r0[2*q+1], r1[2*q], r1[2*q+1]
					m := max(max(a, b), max(c, d))
					i := top + g.W + 2*q + 1
					if c == m {
						i = top + g.W + 2*q
					}
					if b == m {
						i = top + 2*q + 1
					}
					if a == m {
						i = top + 2*q
					}
					out[q], args[q] = m, int32(i)
				}
				continue
			}
			for q := range out {
				t := top + q*g.Stride
				best := t
				for i := 0; i < g.P; i++ {
					for r := t + i*g.W; r < t+i*g.W+g.P; r++ {
						if src[r] > src[best] {
							best = r
						}
					}
				}
				out[q], args[q] = src[best], int32(best)
			}
		}
	}
}

// AvgPool records average pooling: each output is the mean of its P×P window (summed in
// row-major order, divided by P²). Tangent: the mean of ẋ over the window. Adjoint: z̄/P² is
// added to x̄ at every entry of the window.
func (t *Tape) AvgPool(x *Tensor, g Pool) *Tensor {
	z := t.pool(opAvgPool, x, g)
	t.runPool(poolPass{z: z})
	return t.record(z)
}

func (t *Tape) pool(op opKind, x *Tensor, g Pool) *Tensor {
	t.owns(x)
	if g.Stride < 1 || g.P < 1 || g.P > g.H || g.P > g.W || x.cols != g.C*g.H*g.W {
		panic(fmt.Sprintf("autodiff: %s %+v of %d×%d images", op, g, x.rows, x.cols))
	}
	z := t.node(op, x.rows, g.C*g.OutH()*g.OutW())
	z.x, z.geom.pool = x, g
	z.value = grow(&z.vbuf, z.Len())
	return z
}

// eachWindow calls f for every output k of channels c0 to c1−1 of a pooling with the offset
// of its channel in the input and the index of its window's top-left entry within it.
func eachWindow(g Pool, c0, c1 int, f func(k, base, top int)) {
	oh, ow := g.OutH(), g.OutW()
	k := c0 * oh * ow
	for c := c0; c < c1; c++ {
		for p := 0; p < oh; p++ {
			for q := 0; q < ow; q++ {
				f(k, c*g.H*g.W, p*g.Stride*g.W+q*g.Stride)
				k++
			}
		}
	}
}

// avgWindows sets dst[k] to the mean of window k of src, for channels c0 to c1−1.
func avgWindows(g Pool, c0, c1 int, dst, src []float64) {
	area := float64(g.P * g.P)
	eachWindow(g, c0, c1, func(k, base, top int) {
		var s float64
		for i := 0; i < g.P; i++ {
			for _, v := range src[base+top+i*g.W : base+top+i*g.W+g.P] {
				s += v
			}
		}
		dst[k] = s / area
	})
}

func poolJVP(z *Tensor) {
	if z.op == opAvgPool {
		avgWindows(z.geom.pool, 0, z.x.rows*z.geom.pool.C, z.tangent, z.x.tangent)
		return
	}
	for k, a := range z.args {
		z.tangent[k] = z.x.tangent[a]
	}
}

// poolVJP is the poolings' adjoint rule, on the tape's threads: MaxPool adds z̄ to x̄ at the
// chosen entries, AvgPool adds z̄/P² to every entry of the window.
func poolVJP(z *Tensor) {
	gx, fresh := z.x.adjointOrFresh()
	z.tape.runPool(poolPass{z: z, back: true, fresh: fresh, gx: gx})
}

// poolPass is a pooling's value or (back) adjoint rule over a span of channels (every
// image's channels in turn), a par.Spanner: the windows of a channel read and write that
// channel alone, so the channels are computed independently, each in the same order on any
// number of threads.
type poolPass struct {
	z           *Tensor
	back, fresh bool      // fresh: x̄ holds stale values, zeroed channel by channel first
	gx          []float64 // x̄ (back)
}

// runPool runs the pass over all channels on the tape's threads.
func (t *Tape) runPool(p poolPass) {
	g := p.z.geom.pool
	t.pooling = p
	t.ew.Spans(p.z.rows*g.C, (minCheap+g.H*g.W-1)/(g.H*g.W), &t.pooling)
	t.pooling = poolPass{}
}

// Span does channels [lo, hi).
func (p *poolPass) Span(lo, hi int) {
	z, g := p.z, p.z.geom.pool
	switch {
	case !p.back && z.op == opMaxPool:
		maxWindows(g, lo, hi, z.value, z.args, z.x.value)
	case !p.back:
		avgWindows(g, lo, hi, z.value, z.x.value)
	default:
		for c := lo; c < hi; c++ {
			p.channelVJP(c)
		}
	}
}

// channelVJP pushes the adjoint of channel c's windows to x̄.
func (p *poolPass) channelVJP(c int) {
	z, g := p.z, p.z.geom.pool
	hw, per := g.H*g.W, g.OutH()*g.OutW()
	if p.fresh {
		clear(p.gx[c*hw : (c+1)*hw])
	}
	if z.op == opMaxPool {
		for k, a := range z.args[c*per : (c+1)*per] {
			p.gx[a] += z.grad[c*per+k]
		}
		return
	}
	area := float64(g.P * g.P)
	eachWindow(g, c, c+1, func(k, base, top int) {
		v := z.grad[k] / area
		for i := 0; i < g.P; i++ {
			row := p.gx[base+top+i*g.W : base+top+i*g.W+g.P]
			for r := range row {
				row[r] += v
			}
		}
	})
}
