package backprop

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/gemm"
	"nabla/nn"
)

// This file carries the notes' δ rules to convolution and pooling. For one image, a
// convolutional layer computes ŷ[f,p,q] = b[f] + Σ_{c,i,j} K[f,c,i,j]·y[c, pS+i−P, qS+j−P]. Let
// U be the im2col matrix of the layer input y: row (c,i,j), column (p,q) holds
// y[c, pS+i−P, qS+j−P] (0 in the padding). Then, with the kernel as an F × CK² matrix,
//
//	Ŷ = K U + b 1ᵀ                                                 forward        [C0]
//	∂K/∂K[f,c,i,j] = Σ_{p,q} δ[f,p,q] · y[c, pS+i−P, qS+j−P]   =  (Δ Uᵀ)[f,(c,i,j)]  [C4]
//	                  (the correlation of the layer input with δ; [4] with y → U)
//	∂K/∂b[f] = Σ_{p,q} δ[f,p,q]  (the bias is shared by every position)          [C3]
//	∂K/∂y[c,u,v] = Σ_{f,i,j} K[f,c,i,j] · δ[f, (u−i+P)/S, (v−j+P)/S]             [C2]
//	               (over the (i,j) where the index is a whole output pixel)
//	             = col2im(Kᵀ Δ)[c,u,v]
//
// [C2] for stride 1 is the full convolution of δ with the kernel flipped in both axes: the
// output pixel that saw y[u,v] through kernel tap (i,j) is (u−i, v−j), so the taps meet δ in
// reverse order. col2im adds each entry of the CK² × OH·OW matrix Kᵀ Δ back to the input pixel
// its im2col entry came from, which is exactly this sum, for any stride and padding; the
// flipped kernel is implicit in the scatter. The γ of the layer below is then
// ∂K/∂y ⊙ σ'(ŷ below), as in [2].
//
// Pooling has no parameters and passes δ down: max pooling routes each output's δ to the
// arg-max of its window (the first largest entry in row-major order, the convention at ties,
// as nn.MaxPool), average pooling spreads δ/P² over the window.

// convWork is the scratch of one convolutional layer for a batch of n images.
type convWork struct {
	cols  []float64 // n im2col matrices, CK² × OH·OW each, kept for [C4]
	dcols []float64 // Kᵀ Δ for one image, CK² × OH·OW
}

func newConvWork(c *nn.Conv2D, n int, below bool) convWork {
	sz := c.C * c.K * c.K * c.OutH() * c.OutW()
	w := convWork{cols: make([]float64, n*sz)}
	if below {
		w.dcols = make([]float64, sz)
	}
	return w
}

// convForward computes the layer's pre-activations for every image (rows of in) into out,
// keeping each image's im2col matrix in w.cols.
func convForward(mul *gemm.Multiplier, c *nn.Conv2D, w *convWork, out, in blas64.General, kernel, bias []float64) {
	ckk, pix := c.C*c.K*c.K, c.OutH()*c.OutW()
	K := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: kernel}
	for n := 0; n < in.Rows; n++ {
		U := w.cols[n*ckk*pix : (n+1)*ckk*pix]
		c.Im2Col(U, in.Data[n*in.Stride:n*in.Stride+in.Cols])
		o := out.Data[n*out.Stride : n*out.Stride+out.Cols]
		for f, bf := range bias {
			row := o[f*pix : (f+1)*pix]
			for p := range row {
				row[p] = bf
			}
		}
		mul.Gemm(blas.NoTrans, blas.NoTrans, 1, K, blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: U}, 1,
			blas64.General{Rows: c.F, Cols: pix, Stride: pix, Data: o})
	}
}

// convBackward applies [C4] and [C3] into gk and gb (overwritten) and, when below has rows,
// [C2] into below (overwritten): ∂K/∂y of the layer input, before the σ' of the layer below.
func convBackward(mul *gemm.Multiplier, c *nn.Conv2D, w *convWork, delta blas64.General, kernel, gk, gb []float64, below blas64.General) {
	ckk, pix := c.C*c.K*c.K, c.OutH()*c.OutW()
	K := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: kernel}
	GK := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: gk}
	clear(gb)
	for n := 0; n < delta.Rows; n++ {
		D := blas64.General{Rows: c.F, Cols: pix, Stride: pix, Data: delta.Data[n*delta.Stride : n*delta.Stride+delta.Cols]}
		U := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: w.cols[n*ckk*pix : (n+1)*ckk*pix]}
		beta := 1.0
		if n == 0 {
			beta = 0
		}
		mul.Gemm(blas.NoTrans, blas.Trans, 1, D, U, beta, GK) // [C4]: Δ Uᵀ
		addRowSums(gb, D.Data, pix)                           // [C3]
		if below.Rows == 0 {
			continue
		}
		dU := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: w.dcols}
		mul.Gemm(blas.Trans, blas.NoTrans, 1, K, D, 0, dU) // [C2]: Kᵀ Δ, then col2im
		col2im(c, below.Data[n*below.Stride:n*below.Stride+below.Cols], w.dcols)
	}
}

// col2im sets dx (C×H×W of one image) to the sum, for each input pixel, of the entries of
// dU (CK² × OH·OW) whose im2col entries were copies of it: the adjoint of im2col.
func col2im(c *nn.Conv2D, dx, dU []float64) {
	clear(dx)
	oh, ow, s, pad := c.OutH(), c.OutW(), c.Stride, c.Pad
	r := 0
	for ch := 0; ch < c.C; ch++ {
		img := dx[ch*c.H*c.W : (ch+1)*c.H*c.W]
		for i := 0; i < c.K; i++ {
			for j := 0; j < c.K; j++ {
				row := dU[r*oh*ow : (r+1)*oh*ow]
				r++
				for p := 0; p < oh; p++ {
					y := p*s + i - pad
					if y < 0 || y >= c.H {
						continue
					}
					dst, src := img[y*c.W:(y+1)*c.W], row[p*ow:(p+1)*ow]
					for q, v := range src {
						if u := q*s + j - pad; u >= 0 && u < c.W {
							dst[u] += v
						}
					}
				}
			}
		}
	}
}

// maxPoolBackward routes each output's δ to the arg-max of its window.
func maxPoolBackward(delta, below blas64.General, arg []int32) {
	k := 0
	for n := 0; n < delta.Rows; n++ {
		d := delta.Data[n*delta.Stride : n*delta.Stride+delta.Cols]
		b := below.Data[n*below.Stride : n*below.Stride+below.Cols]
		clear(b)
		for _, v := range d {
			b[arg[k]] += v
			k++
		}
	}
}

// avgPoolForward pools every image into out: the window's sum in row-major order over P².
func avgPoolForward(a *nn.AvgPool, out, in blas64.General) {
	oh, ow, hw, area := a.OutH(), a.OutW(), a.H*a.W, float64(a.P*a.P)
	for n := 0; n < in.Rows; n++ {
		x := in.Data[n*in.Stride : n*in.Stride+in.Cols]
		o := out.Data[n*out.Stride : n*out.Stride+out.Cols]
		j := 0
		for ch := 0; ch < a.C; ch++ {
			for p := 0; p < oh; p++ {
				for q := 0; q < ow; q++ {
					top := ch*hw + p*a.Stride*a.W + q*a.Stride
					var s float64
					for i := 0; i < a.P; i++ {
						for _, v := range x[top+i*a.W : top+i*a.W+a.P] {
							s += v
						}
					}
					o[j] = s / area
					j++
				}
			}
		}
	}
}

// avgPoolBackward spreads each output's δ/P² over its window.
func avgPoolBackward(a *nn.AvgPool, delta, below blas64.General) {
	oh, ow, hw, area := a.OutH(), a.OutW(), a.H*a.W, float64(a.P*a.P)
	for n := 0; n < delta.Rows; n++ {
		d := delta.Data[n*delta.Stride : n*delta.Stride+delta.Cols]
		b := below.Data[n*below.Stride : n*below.Stride+below.Cols]
		clear(b)
		j := 0
		for ch := 0; ch < a.C; ch++ {
			for p := 0; p < oh; p++ {
				for q := 0; q < ow; q++ {
					top := ch*hw + p*a.Stride*a.W + q*a.Stride
					v := d[j] / area
					j++
					for i := 0; i < a.P; i++ {
						row := b[top+i*a.W : top+i*a.W+a.P]
						for r := range row {
							row[r] += v
						}
					}
				}
			}
		}
	}
}

// addRowSums adds to dst[f] the sum of row f of data, a len(dst)×cols row-major matrix: a
// filter's bias gradient, the sum of its δ over the output positions.
func addRowSums(dst, data []float64, cols int) {
	for f := range dst {
		var s float64
		for _, v := range data[f*cols : (f+1)*cols] {
			s += v
		}
		dst[f] += s
	}
}
