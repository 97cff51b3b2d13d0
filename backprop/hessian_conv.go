package backprop

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/gemm"
)

// The R-operator through convolution and pooling. With U = im2col(y) of conv.go, V and Rb the
// parts of v for a convolution's kernel and bias, and RU = im2col(Ry) (im2col is linear):
//
//	RŶ = V U + K RU + Rb 1ᵀ                                  (R of [C0])    [RC0]
//	R{∂K/∂K} = RΔ Uᵀ + Δ RUᵀ                                 (R of [C4])    [RC4]
//	R{∂K/∂b[f]} = Σ_{p,q} Rδ[f,p,q]                          (R of [C3])    [RC3]
//	R{∂K/∂y} = col2im(Vᵀ Δ + Kᵀ RΔ)                          (R of [C2])    [RC2]
//
// summed over the images of the batch like the gradient. Pooling is linear in its input once
// the window's arg-max is fixed (away from ties, where K is not differentiable): R of max
// pooling reads Ry at the arg-max the gradient pass recorded and routes Rδ back there; R of
// average pooling averages Ry and spreads Rδ/P². The first layer's input is the data, whose
// R is 0 (rin has no rows): RU and the terms with it vanish.

// rsize lays out the im2col matrices of Ry, one per image, when the layer has a layer below.
func (s *convStep) rsize(n int) {
	if k := n * s.c.C * s.c.K * s.c.K * s.c.OutH() * s.c.OutW(); s.below && len(s.rcols) != k {
		s.rcols = make([]float64, k)
	}
}

// rForward is [RC0], with U from the gradient pass's im2col matrices (s.w.cols).
func (s *convStep) rForward(mul *gemm.Multiplier, p, vp []float64, in, rin, ru blas64.General) {
	c := s.c
	ckk, pix := c.C*c.K*c.K, c.OutH()*c.OutW()
	kernel, _ := c.Split(p)
	vk, vb := c.Split(vp)
	K := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: kernel}
	V := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: vk}
	for n := 0; n < in.Rows; n++ {
		o := ru.Data[n*ru.Stride : n*ru.Stride+ru.Cols]
		for f, bf := range vb {
			row := o[f*pix : (f+1)*pix]
			for q := range row {
				row[q] = bf
			}
		}
		O := blas64.General{Rows: c.F, Cols: pix, Stride: pix, Data: o}
		U := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: s.w.cols[n*ckk*pix : (n+1)*ckk*pix]}
		mul.Gemm(blas.NoTrans, blas.NoTrans, 1, V, U, 1, O) // V U
		if rin.Rows == 0 {
			continue
		}
		RU := s.rcols[n*ckk*pix : (n+1)*ckk*pix]
		c.Im2Col(RU, rin.Data[n*rin.Stride:n*rin.Stride+rin.Cols])
		mul.Gemm(blas.NoTrans, blas.NoTrans, 1, K, blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: RU}, 1, O) // + K RU
	}
}

// rBackward is [RC4], [RC3] and, when rbelow has rows, [RC2].
func (s *convStep) rBackward(mul *gemm.Multiplier, p, vp, h []float64, _, rin, delta, rdelta, rbelow blas64.General) {
	c := s.c
	ckk, pix := c.C*c.K*c.K, c.OutH()*c.OutW()
	kernel, _ := c.Split(p)
	vk, _ := c.Split(vp)
	hk, hb := c.Split(h)
	K := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: kernel}
	V := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: vk}
	HK := blas64.General{Rows: c.F, Cols: ckk, Stride: ckk, Data: hk}
	clear(hb)
	for n := 0; n < delta.Rows; n++ {
		img := func(m blas64.General) blas64.General {
			return blas64.General{Rows: c.F, Cols: pix, Stride: pix, Data: m.Data[n*m.Stride : n*m.Stride+m.Cols]}
		}
		D, RD := img(delta), img(rdelta)
		U := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: s.w.cols[n*ckk*pix : (n+1)*ckk*pix]}
		beta := 1.0
		if n == 0 {
			beta = 0
		}
		mul.Gemm(blas.NoTrans, blas.Trans, 1, RD, U, beta, HK) // [RC4]: RΔ Uᵀ
		if rin.Rows > 0 {
			RU := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: s.rcols[n*ckk*pix : (n+1)*ckk*pix]}
			mul.Gemm(blas.NoTrans, blas.Trans, 1, D, RU, 1, HK) // + Δ RUᵀ
		}
		addRowSums(hb, RD.Data, pix) // [RC3]
		if rbelow.Rows == 0 {
			continue
		}
		dU := blas64.General{Rows: ckk, Cols: pix, Stride: pix, Data: s.w.dcols}
		mul.Gemm(blas.Trans, blas.NoTrans, 1, V, D, 0, dU)  // [RC2]: Vᵀ Δ
		mul.Gemm(blas.Trans, blas.NoTrans, 1, K, RD, 1, dU) // + Kᵀ RΔ, then col2im
		col2im(c, rbelow.Data[n*rbelow.Stride:n*rbelow.Stride+rbelow.Cols], s.w.dcols)
	}
}

func (*maxPoolStep) rsize(int) {}

// rForward reads Ry at each window's arg-max recorded by the gradient pass.
func (s *maxPoolStep) rForward(_ *gemm.Multiplier, _, _ []float64, in, rin, ru blas64.General) {
	if rin.Rows == 0 {
		clear(ru.Data)
		return
	}
	k := 0
	for n := 0; n < in.Rows; n++ {
		r, o := rin.Data[n*rin.Stride:n*rin.Stride+rin.Cols], ru.Data[n*ru.Stride:n*ru.Stride+ru.Cols]
		for j := range o {
			o[j] = r[s.arg[k]]
			k++
		}
	}
}

// rBackward routes Rδ to the arg-max of each window, as backward routes δ.
func (s *maxPoolStep) rBackward(_ *gemm.Multiplier, _, _, _ []float64, _, _, _, rdelta, rbelow blas64.General) {
	if rbelow.Rows > 0 {
		maxPoolBackward(rdelta, rbelow, s.arg)
	}
}

func (avgPoolStep) rsize(int) {}

// rForward averages Ry over each window.
func (s avgPoolStep) rForward(_ *gemm.Multiplier, _, _ []float64, _, rin, ru blas64.General) {
	if rin.Rows == 0 {
		clear(ru.Data)
		return
	}
	avgPoolForward(s.a, ru, rin)
}

// rBackward spreads Rδ/P² over each window, as backward spreads δ.
func (s avgPoolStep) rBackward(_ *gemm.Multiplier, _, _, _ []float64, _, _, _, rdelta, rbelow blas64.General) {
	if rbelow.Rows > 0 {
		avgPoolBackward(s.a, rdelta, rbelow)
	}
}
