package nn

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/gemm"
)

// Conv2D is a convolutional layer: F filters of K×K over an input of C channels of H×W
// pixels, moved by Stride with Pad rows and columns of zeros around the input, one bias per
// filter and an activation. Output pixel (f, p, q) is
//
//	ŷ[f,p,q] = b[f] + Σ_c Σ_i Σ_j K[f,c,i,j] · x[c, p·S+i−P, q·S+j−P]    (x = 0 outside)
//
// and y = σ(ŷ). Like PyTorch's conv2d this is a cross-correlation: the kernel is not flipped
// in the forward pass. The output has F channels of OutH × OutW pixels with
// OutH = (H + 2P − K)/S + 1 (rounded down), the same for the width.
type Conv2D struct {
	C, H, W int        // input channels, height, width
	F, K    int        // filters, kernel size (K×K)
	Stride  int        // step between output pixels; must be at least 1
	Pad     int        // zeros around the input; 0 for a "valid" convolution
	Act     Activation // activation applied to every output pixel
}

// OutH is the output height (H + 2·Pad − K)/Stride + 1.
func (c *Conv2D) OutH() int { return (c.H+2*c.Pad-c.K)/c.Stride + 1 }

// OutW is the output width (W + 2·Pad − K)/Stride + 1.
func (c *Conv2D) OutW() int { return (c.W+2*c.Pad-c.K)/c.Stride + 1 }

// InShape returns C×H×W.
func (c *Conv2D) InShape() Shape { return Shape{C: c.C, H: c.H, W: c.W} }

// OutShape returns F×OutH×OutW.
func (c *Conv2D) OutShape() Shape { return Shape{C: c.F, H: c.OutH(), W: c.OutW()} }

// Inputs returns C·H·W.
func (c *Conv2D) Inputs() int { return c.C * c.H * c.W }

// Outputs returns F·OutH·OutW.
func (c *Conv2D) Outputs() int { return c.F * c.OutH() * c.OutW() }

// Params returns the kernel "K" (F × C × K × K, PyTorch's conv.weight layout) and the biases
// "c" (F): in a network, layer l's entries are named K1[f,c,i,j] and c1[f] (1-based).
func (c *Conv2D) Params() []Param {
	return []Param{{Name: "K", Dims: []int{c.F, c.C, c.K, c.K}, Kind: Weight}, {Name: "c", Dims: []int{c.F}, Kind: Bias}}
}

// NumParams returns F·C·K·K kernel entries plus F biases.
func (c *Conv2D) NumParams() int { return c.F*c.C*c.K*c.K + c.F }

// Activation returns Act.
func (c *Conv2D) Activation() Activation { return c.Act }

// FanIn returns C·K·K, the inputs of one output pixel.
func (c *Conv2D) FanIn() int { return c.C * c.K * c.K }

// FLOPs counts a multiply and an add per kernel entry and output pixel (2·F·CK²·OH·OW) plus
// the biases forward, the same for ∂K/∂kernel and ∂K/∂bias, and 2·F·CK²·OH·OW to propagate
// ∂K back to the input.
func (c *Conv2D) FLOPs() FLOPs {
	pix := float64(c.OutH() * c.OutW())
	mm := 2 * float64(c.F*c.C*c.K*c.K) * pix
	return FLOPs{Forward: mm + float64(c.F)*pix, ParamGrad: mm + float64(c.F)*pix, InputGrad: mm}
}

// Kink returns ReLUZero for a ReLU layer and Smooth otherwise.
func (c *Conv2D) Kink() Kink { return c.Act.Kink() }

// Sides appends, for a ReLU layer, 1 for every positive pre-activation and 0 for the others.
func (c *Conv2D) Sides(dst []int32, _, pre blas64.General) []int32 {
	if c.Act.Kink() == Smooth {
		return dst
	}
	return reluSides(dst, pre)
}

// Nearest returns, for a ReLU layer, the pre-activation smallest in magnitude.
func (c *Conv2D) Nearest(_, pre blas64.General) (pair, unit int, dist float64) {
	if c.Act.Kink() == Smooth {
		return 0, 0, math.Inf(1)
	}
	return reluNearest(pre)
}

// Split cuts the layer's part of A into the kernel (F×C×K×K) and the biases, as views. It
// panics if p does not have NumParams entries.
func (c *Conv2D) Split(p []float64) (kernel, bias []float64) {
	if len(p) != c.NumParams() {
		panic(fmt.Sprintf("nn: Conv2D.Split: %d parameters, want %d", len(p), c.NumParams()))
	}
	nk := c.F * c.C * c.K * c.K
	return p[:nk:nk], p[nk:]
}

// Spec returns "convF@KxK", with "/sS" for a stride other than 1 and "+pP" for padding.
func (c *Conv2D) Spec() string {
	s := "conv" + strconv.Itoa(c.F) + "@" + strconv.Itoa(c.K) + "x" + strconv.Itoa(c.K)
	if c.Stride != 1 {
		s += "/s" + strconv.Itoa(c.Stride)
	}
	if c.Pad != 0 {
		s += "+p" + strconv.Itoa(c.Pad)
	}
	return s
}

// String describes the layer, e.g. "conv 1x28x28→20x24x24 5x5/s1+p0 relu".
func (c *Conv2D) String() string {
	return fmt.Sprintf("conv %v→%v %dx%d/s%d+p%d %s", c.InShape(), c.OutShape(), c.K, c.K, c.Stride, c.Pad, c.Act)
}

// check returns why the geometry is not a convolution, or nil.
func (c *Conv2D) check() error {
	if err := c.geometry(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrArchitecture, c.Spec(), err)
	}
	return nil
}

func (c *Conv2D) geometry() error {
	switch {
	case c.C < 1 || c.H < 1 || c.W < 1:
		return fmt.Errorf("input %dx%dx%d: sizes must be at least 1", c.C, c.H, c.W)
	case c.F < 1:
		return fmt.Errorf("%d filters; want at least 1", c.F)
	case c.K < 1:
		return fmt.Errorf("kernel %dx%d; want at least 1x1", c.K, c.K)
	case c.Stride < 1:
		return fmt.Errorf("stride %d; want at least 1", c.Stride)
	case c.Pad < 0:
		return fmt.Errorf("padding %d; want at least 0", c.Pad)
	case c.Pad >= c.K:
		return fmt.Errorf("padding %d is not smaller than the kernel %dx%d (an output pixel would see only zeros)", c.Pad, c.K, c.K)
	case c.K > c.H+2*c.Pad || c.K > c.W+2*c.Pad:
		return fmt.Errorf("kernel %dx%d is larger than the padded input %dx%d", c.K, c.K, c.H+2*c.Pad, c.W+2*c.Pad)
	case c.Act < Sigmoid || c.Act > Identity:
		return fmt.Errorf("%w: %v", ErrUnknownActivation, c.Act)
	case c.F > MaxParams || c.C > MaxParams || c.K > 10_000 || c.F > MaxParams/(c.C*c.K*c.K+1):
		return fmt.Errorf("%w: more than %d parameters", ErrTooLarge, MaxParams)
	}
	return nil
}

// Pool is the geometry shared by the pooling layers: windows of P×P over each of C channels
// of H×W pixels, moved by Stride. The output has C channels of OutH × OutW pixels with
// OutH = (H − P)/Stride + 1 (rounded down), the same for the width. Pooling layers have no
// parameters and no activation.
type Pool struct {
	C, H, W int // input channels, height, width
	P       int // window size (P×P)
	Stride  int // step between windows; must be at least 1 (P for non-overlapping windows)
}

// OutH is the output height (H − P)/Stride + 1.
func (p *Pool) OutH() int { return (p.H-p.P)/p.Stride + 1 }

// OutW is the output width (W − P)/Stride + 1.
func (p *Pool) OutW() int { return (p.W-p.P)/p.Stride + 1 }

// InShape returns C×H×W.
func (p *Pool) InShape() Shape { return Shape{C: p.C, H: p.H, W: p.W} }

// OutShape returns C×OutH×OutW.
func (p *Pool) OutShape() Shape { return Shape{C: p.C, H: p.OutH(), W: p.OutW()} }

// Inputs returns C·H·W.
func (p *Pool) Inputs() int { return p.C * p.H * p.W }

// Outputs returns C·OutH·OutW.
func (p *Pool) Outputs() int { return p.C * p.OutH() * p.OutW() }

// Params returns nil: pooling has no parameters.
func (p *Pool) Params() []Param { return nil }

// NumParams returns 0.
func (p *Pool) NumParams() int { return 0 }

// Activation returns Identity: pooling applies none.
func (p *Pool) Activation() Activation { return Identity }

// FanIn returns P·P, the inputs of one output.
func (p *Pool) FanIn() int { return p.P * p.P }

func (p *Pool) spec(kind string) string {
	s := kind + strconv.Itoa(p.P)
	if p.Stride != p.P {
		s += "/s" + strconv.Itoa(p.Stride)
	}
	return s
}

func (p *Pool) check(kind string) error {
	if err := p.geometry(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrArchitecture, p.spec(kind), err)
	}
	return nil
}

func (p *Pool) geometry() error {
	switch {
	case p.C < 1 || p.H < 1 || p.W < 1:
		return fmt.Errorf("input %dx%dx%d: sizes must be at least 1", p.C, p.H, p.W)
	case p.P < 1:
		return fmt.Errorf("window %dx%d; want at least 1x1", p.P, p.P)
	case p.Stride < 1:
		return fmt.Errorf("stride %d; want at least 1", p.Stride)
	case p.P > p.H || p.P > p.W:
		return fmt.Errorf("window %dx%d is larger than the input %dx%d", p.P, p.P, p.H, p.W)
	}
	return nil
}

func (p *Pool) describe(kind string) string {
	return fmt.Sprintf("%s %v→%v %dx%d/s%d", kind, p.InShape(), p.OutShape(), p.P, p.P, p.Stride)
}

// MaxPool is max pooling: each output pixel is the largest entry of its window. Where two
// entries of a window tie for the largest, the value is the same whichever is chosen but the
// derivative is not: K is not differentiable there (Kink MaxTie). The convention of every
// engine is the first largest entry in row-major order of the window, PyTorch's choice.
type MaxPool struct{ Pool }

// String describes the layer, e.g. "maxpool 20×24×24→20×12×12 2x2/s2".
func (m *MaxPool) String() string { return m.describe("maxpool") }

// Spec returns "maxpoolP", with "/sS" for a stride other than P.
func (m *MaxPool) Spec() string { return m.spec("maxpool") }

// FLOPs counts nothing: comparisons are not counted.
func (m *MaxPool) FLOPs() FLOPs { return FLOPs{} }

// Kink returns MaxTie.
func (m *MaxPool) Kink() Kink { return MaxTie }

// Sides appends, for every training pair and output, the position (row-major, 0-based) of
// the window entry that is the maximum: two forward passes lie on the same smooth piece of the
// layer exactly when every window's maximum is the same entry.
func (m *MaxPool) Sides(dst []int32, in, _ blas64.General) []int32 {
	m.windows(in, func(_, _ int, win []float64, stride int) {
		best, bi := win[0], 0
		for i := 0; i < m.P; i++ {
			for j, v := range win[i*stride : i*stride+m.P] {
				if v > best {
					best, bi = v, i*m.P+j
				}
			}
		}
		dst = append(dst, int32(bi))
	})
	return dst
}

// Nearest returns the output whose window is closest to a tie: the smallest gap between the
// largest entry and the next one.
func (m *MaxPool) Nearest(in, _ blas64.General) (pair, unit int, dist float64) {
	dist = math.Inf(1)
	m.windows(in, func(n, k int, win []float64, stride int) {
		first, second := math.Inf(-1), math.Inf(-1)
		for i := 0; i < m.P; i++ {
			for _, v := range win[i*stride : i*stride+m.P] {
				if v > first {
					first, second = v, first
				} else if v > second {
					second = v
				}
			}
		}
		if d := first - second; d < dist {
			pair, unit, dist = n, k, d
		}
	})
	return pair, unit, dist
}

func (m *MaxPool) check() error { return m.Pool.check("maxpool") }

func (m *MaxPool) forward(_ *gemm.Multiplier, _ *[]float64, _ []float64, in, pre, act blas64.General) {
	m.Max(pre, nil, in)
	copy(act.Data, pre.Data)
}

// Max writes, for every pair (a row of in, C×H×W) and output of the layer, the largest entry
// of its window into out (a row per pair) and, when arg is not nil, the entry's index within
// the pair's row of in into arg (Outputs entries per pair, pair after pair). The largest entry
// is the first in row-major order of the window among equal ones (strictly greater replaces).
// It is the forward pass and computes no derivative: engines may use it for their own passes.
func (m *MaxPool) Max(out blas64.General, arg []int32, in blas64.General) {
	if arg != nil && len(arg) < in.Rows*m.Outputs() {
		panic(fmt.Sprintf("nn: MaxPool.Max: %d indices for %d pairs of %d outputs", len(arg), in.Rows, m.Outputs()))
	}
	oh, ow, hw, k := m.OutH(), m.OutW(), m.H*m.W, 0
	for n := 0; n < in.Rows; n++ {
		x := in.Data[n*in.Stride : n*in.Stride+in.Cols]
		o := out.Data[n*out.Stride : n*out.Stride+out.Cols]
		for ch, j := 0, 0; ch < m.C; ch++ {
			for p := 0; p < oh; p++ {
				top := ch*hw + p*m.Stride*m.W
				oo := o[j : j+ow]
				var aa []int32
				if arg != nil {
					aa = arg[k : k+ow]
				}
				if m.P == 2 && m.Stride == 2 {
					max2x2(oo, aa, x[top:top+2*ow], x[top+m.W:top+m.W+2*ow], top, top+m.W)
				} else {
					m.maxRow(oo, aa, x, top)
				}
				j += ow
				k += ow
			}
		}
	}
}

// max2x2 is a row of 2×2 windows at stride 2 over the rows r0 and r1 of an image, which start
// at the indices i0 and i1 of its pair's input. The maximum is taken first and its index is
// then the first entry equal to it: the same entry as a scan that replaces only on strictly
// greater, but without a branch per entry, which half the windows of a ReLU layer would
// mispredict.
func max2x2(out []float64, arg []int32, r0, r1 []float64, i0, i1 int) {
	r0, r1 = r0[:2*len(out)], r1[:2*len(out)]
	if arg == nil {
		for q := range out {
			out[q] = max(max(r0[2*q], r0[2*q+1]), max(r1[2*q], r1[2*q+1]))
		}
		return
	}
	arg = arg[:len(out)]
	for q := range out {
		a, b, c, d := r0[2*q], r0[2*q+1], r1[2*q], r1[2*q+1]
		m := max(max(a, b), max(c, d))
		i := i1 + 2*q + 1
		if c == m {
			i = i1 + 2*q
		}
		if b == m {
			i = i0 + 2*q + 1
		}
		if a == m {
			i = i0 + 2*q
		}
		out[q], arg[q] = m, int32(i)
	}
}

// maxRow is a row of windows of any size and stride whose first starts at x[top].
func (m *MaxPool) maxRow(out []float64, arg []int32, x []float64, top int) {
	for q := range out {
		t := top + q*m.Stride
		best := t
		for i := 0; i < m.P; i++ {
			for r := t + i*m.W; r < t+i*m.W+m.P; r++ {
				if x[r] > x[best] {
					best = r
				}
			}
		}
		out[q] = x[best]
		if arg != nil {
			arg[q] = int32(best)
		}
	}
}

// AvgPool is average pooling: each output pixel is the mean of its window.
type AvgPool struct{ Pool }

// String describes the layer, e.g. "avgpool 20×24×24→20×12×12 2x2/s2".
func (a *AvgPool) String() string { return a.describe("avgpool") }

// Spec returns "avgpoolP", with "/sS" for a stride other than P.
func (a *AvgPool) Spec() string { return a.spec("avgpool") }

// FLOPs counts an add per window entry and a division per output forward, and an add per
// window entry to spread ∂K back.
func (a *AvgPool) FLOPs() FLOPs {
	out := float64(a.Outputs())
	return FLOPs{Forward: out * float64(a.P*a.P), InputGrad: out * float64(a.P*a.P)}
}

// Kink returns Smooth: averaging is linear.
func (a *AvgPool) Kink() Kink { return Smooth }

// Sides appends nothing.
func (a *AvgPool) Sides(dst []int32, _, _ blas64.General) []int32 { return dst }

// Nearest returns +Inf: there is no non-smooth point.
func (a *AvgPool) Nearest(_, _ blas64.General) (pair, unit int, dist float64) {
	return 0, 0, math.Inf(1)
}

func (a *AvgPool) check() error { return a.Pool.check("avgpool") }

func (a *AvgPool) forward(_ *gemm.Multiplier, _ *[]float64, _ []float64, in, pre, act blas64.General) {
	a.mean(pre, in)
	copy(act.Data, pre.Data)
}

// windows calls f for every training pair n (a row of in) and output k of the pair with the
// window's first row and the stride between its rows.
func (p *Pool) windows(in blas64.General, f func(n, k int, win []float64, stride int)) {
	oh, ow, hw := p.OutH(), p.OutW(), p.H*p.W
	for n := 0; n < in.Rows; n++ {
		x := in.Data[n*in.Stride : n*in.Stride+in.Cols]
		k := 0
		for c := 0; c < p.C; c++ {
			for r := 0; r < oh; r++ {
				for q := 0; q < ow; q++ {
					f(n, k, x[c*hw+r*p.Stride*p.W+q*p.Stride:], p.W)
					k++
				}
			}
		}
	}
}

// mean reduces every window of every channel of every pair (rows of in) into dst, to its
// mean (summed row-major, divided by P²).
func (p *Pool) mean(dst, in blas64.General) {
	area := float64(p.P * p.P)
	p.windows(in, func(n, k int, win []float64, stride int) {
		var v float64
		for i := 0; i < p.P; i++ {
			for _, e := range win[i*stride : i*stride+p.P] {
				v += e
			}
		}
		dst.Data[n*dst.Stride+k] = v / area
	})
}

// forward computes the pre-activations image by image as one matrix product, Ŷ = K·U + c,
// with K the kernel as an F × C·K·K matrix and U the image unfolded into C·K·K × OutH·OutW
// (im2col: column (p,q) holds the patch under output pixel (p,q), zeros in the padding), then
// σ. U lives in the Evaluator's scratch, so the pass allocates nothing once warm.
func (c *Conv2D) forward(mul *gemm.Multiplier, buf *[]float64, p []float64, in, pre, act blas64.General) {
	kernel, bias := c.Split(p)
	ckk, pix := c.C*c.K*c.K, c.OutH()*c.OutW()
	if cap(*buf) < ckk*pix {
		*buf = make([]float64, ckk*pix)
	}
	cols := (*buf)[:ckk*pix]
	K := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: kernel}
	U := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: cols}
	for n := 0; n < in.Rows; n++ {
		c.Im2Col(cols, in.Data[n*in.Stride:n*in.Stride+in.Cols])
		out := pre.Data[n*pre.Stride : n*pre.Stride+pre.Cols]
		for f, bf := range bias {
			row := out[f*pix : (f+1)*pix]
			for i := range row {
				row[i] = bf
			}
		}
		mul.Gemm(blas.NoTrans, blas.NoTrans, 1, K, U, 1, blas64.General{Rows: c.F, Cols: pix, Stride: pix, Data: out})
	}
	c.Act.Apply(act.Data[:pre.Rows*pre.Stride], pre.Data[:pre.Rows*pre.Stride])
}

// Im2Col writes the C·K·K × OutH·OutW matrix U of one image x (C×H×W, row-major):
// U[(c,i,j),(p,q)] = x[c, pS+i−P, qS+j−P], 0 in the padding. It rearranges the input of the
// forward pass and computes no derivative, so engines may use it for their own passes. U must
// have length C·K·K·OutH·OutW and x length C·H·W.
func (c *Conv2D) Im2Col(U, x []float64) {
	oh, ow := c.OutH(), c.OutW()
	r := 0
	for ch := 0; ch < c.C; ch++ {
		img := x[ch*c.H*c.W : (ch+1)*c.H*c.W]
		for i := 0; i < c.K; i++ {
			for j := 0; j < c.K; j++ {
				row := U[r*oh*ow : (r+1)*oh*ow]
				r++
				for p := 0; p < oh; p++ {
					out := row[p*ow : (p+1)*ow]
					y := p*c.Stride + i - c.Pad
					if y < 0 || y >= c.H {
						clear(out)
						continue
					}
					src := img[y*c.W : (y+1)*c.W]
					if c.Stride == 1 && c.Pad == 0 {
						copy(out, src[j:j+ow])
						continue
					}
					for q := range out {
						if u := q*c.Stride + j - c.Pad; u >= 0 && u < c.W {
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

// reluSides appends 1 for every positive entry of pre and 0 for the others.
func reluSides(dst []int32, pre blas64.General) []int32 {
	for i := 0; i < pre.Rows; i++ {
		for _, v := range pre.Data[i*pre.Stride : i*pre.Stride+pre.Cols] {
			s := int32(0)
			if v > 0 {
				s = 1
			}
			dst = append(dst, s)
		}
	}
	return dst
}

// reluNearest returns the entry of pre smallest in magnitude.
func reluNearest(pre blas64.General) (pair, unit int, dist float64) {
	dist = math.Inf(1)
	for i := 0; i < pre.Rows; i++ {
		for j, v := range pre.Data[i*pre.Stride : i*pre.Stride+pre.Cols] {
			if math.Abs(v) < dist {
				pair, unit, dist = i, j, math.Abs(v)
			}
		}
	}
	return pair, unit, dist
}

var (
	_ Layer = (*Conv2D)(nil)
	_ Layer = (*MaxPool)(nil)
	_ Layer = (*AvgPool)(nil)
)
