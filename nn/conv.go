package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
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

// Inputs returns C·H·W.
func (c *Conv2D) Inputs() int { return c.C * c.H * c.W }

// Outputs returns F·OutH·OutW.
func (c *Conv2D) Outputs() int { return c.F * c.OutH() * c.OutW() }

// NumParams returns F·C·K·K kernel entries plus F biases.
func (c *Conv2D) NumParams() int { return c.F*c.C*c.K*c.K + c.F }

// String describes the layer, e.g. "conv 1x28x28→20x24x24 5x5/s1+p0 relu".
func (c *Conv2D) String() string {
	return fmt.Sprintf("conv %dx%dx%d→%dx%dx%d %dx%d/s%d+p%d %s", c.C, c.H, c.W, c.F, c.OutH(), c.OutW(), c.K, c.K, c.Stride, c.Pad, c.Act)
}

func (*Conv2D) isLayer() {}

// check returns why the geometry is not a convolution, or nil.
func (c *Conv2D) check() error {
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

// Inputs returns C·H·W.
func (p *Pool) Inputs() int { return p.C * p.H * p.W }

// Outputs returns C·OutH·OutW.
func (p *Pool) Outputs() int { return p.C * p.OutH() * p.OutW() }

// NumParams returns 0: pooling has no parameters.
func (p *Pool) NumParams() int { return 0 }

func (p *Pool) check() error {
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
	return fmt.Sprintf("%s %dx%dx%d→%dx%dx%d %dx%d/s%d", kind, p.C, p.H, p.W, p.C, p.OutH(), p.OutW(), p.P, p.P, p.Stride)
}

// MaxPool is max pooling: each output pixel is the largest entry of its window. Where two
// entries of a window tie for the largest, the value is the same whichever is chosen but the
// derivative is not: K is not differentiable there (see the package's non-smooth points). The
// convention of every engine is the first largest entry in row-major order of the window,
// PyTorch's choice.
type MaxPool struct{ Pool }

// String describes the layer, e.g. "maxpool 20x24x24→20x12x12 2x2/s2".
func (m *MaxPool) String() string { return m.describe("maxpool") }

func (*MaxPool) isLayer() {}

// AvgPool is average pooling: each output pixel is the mean of its window.
type AvgPool struct{ Pool }

// String describes the layer, e.g. "avgpool 20x24x24→20x12x12 2x2/s2".
func (a *AvgPool) String() string { return a.describe("avgpool") }

func (*AvgPool) isLayer() {}

// ConvForward computes the pre-activations ŷ of a convolution for n images: x holds them
// row after row (C·H·W each, row-major), dst receives n rows of F·OutH·OutW. kernel is
// F×C×K×K row-major (PyTorch's conv.weight), bias has F entries. cols is scratch of at least
// C·K·K·OutH·OutW entries. Each image is unfolded into the columns of a C·K·K × OutH·OutW
// matrix (im2col) and multiplied by the kernel as an F × C·K·K matrix.
func (c *Conv2D) ConvForward(dst, x []float64, n int, kernel, bias, cols []float64) {
	in, out, ckk, pix := c.Inputs(), c.Outputs(), c.C*c.K*c.K, c.OutH()*c.OutW()
	if len(x) < n*in || len(dst) < n*out || len(kernel) != c.F*ckk || len(bias) != c.F || len(cols) < ckk*pix {
		panic(fmt.Sprintf("nn: ConvForward: sizes do not fit %s for %d images", c, n))
	}
	W := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: kernel}
	U := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: cols[:ckk*pix]}
	for i := 0; i < n; i++ {
		c.im2col(cols, x[i*in:(i+1)*in])
		o := dst[i*out : (i+1)*out]
		for f, bf := range bias {
			row := o[f*pix : (f+1)*pix]
			for p := range row {
				row[p] = bf
			}
		}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, W, U, 1, blas64.General{Rows: c.F, Cols: pix, Stride: pix, Data: o})
	}
}

// im2col writes the C·K·K × OutH·OutW matrix whose column p·OutW+q holds the input patch under
// output pixel (p, q), zero where it overlaps the padding.
func (c *Conv2D) im2col(cols, x []float64) {
	oh, ow, s, pad := c.OutH(), c.OutW(), c.Stride, c.Pad
	r := 0
	for ch := 0; ch < c.C; ch++ {
		img := x[ch*c.H*c.W : (ch+1)*c.H*c.W]
		for i := 0; i < c.K; i++ {
			for j := 0; j < c.K; j++ {
				row := cols[r*oh*ow : (r+1)*oh*ow]
				r++
				for p := 0; p < oh; p++ {
					y := p*s + i - pad
					out := row[p*ow : (p+1)*ow]
					if y < 0 || y >= c.H {
						clear(out)
						continue
					}
					src := img[y*c.W : (y+1)*c.W]
					for q := range out {
						if xx := q*s + j - pad; xx >= 0 && xx < c.W {
							out[q] = src[xx]
						} else {
							out[q] = 0
						}
					}
				}
			}
		}
	}
}

// MaxForward pools n images of x (C·H·W each) into dst (C·OutH·OutW each): the largest entry
// of each window, the first one in row-major order where several are largest.
func (m *MaxPool) MaxForward(dst, x []float64, n int) { m.pool(dst, x, n, true) }

// AvgForward pools n images of x into dst: the mean of each window, summed in row-major order
// and divided by P².
func (a *AvgPool) AvgForward(dst, x []float64, n int) { a.pool(dst, x, n, false) }

// pool reduces every window of every channel of every image to its maximum (isMax) or mean.
func (p *Pool) pool(dst, x []float64, n int, isMax bool) {
	in, oh, ow := p.Inputs(), p.OutH(), p.OutW()
	if len(x) < n*in || len(dst) < n*p.Outputs() {
		panic(fmt.Sprintf("nn: pool: sizes do not fit %dx%dx%d for %d images", p.C, p.H, p.W, n))
	}
	area := float64(p.P * p.P)
	k := 0
	for ch := 0; ch < n*p.C; ch++ { // the channels of all images, one after the other
		img := x[ch*p.H*p.W : (ch+1)*p.H*p.W]
		for r := 0; r < oh; r++ {
			for q := 0; q < ow; q++ {
				top := r*p.Stride*p.W + q*p.Stride
				v := img[top]
				if isMax {
					for i := 0; i < p.P; i++ {
						for _, e := range img[top+i*p.W : top+i*p.W+p.P] {
							if e > v {
								v = e
							}
						}
					}
				} else {
					v = 0
					for i := 0; i < p.P; i++ {
						for _, e := range img[top+i*p.W : top+i*p.W+p.P] {
							v += e
						}
					}
					v /= area
				}
				dst[k] = v
				k++
			}
		}
	}
}
