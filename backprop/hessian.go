package backprop

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/gradients"
	"nabla/internal/gemm"
	"nabla/nn"
)

// This file computes Hessian-vector products H·v by Pearlmutter's R-operator,
// R{f} = d/dr f(A + r·v) at r = 0, carried by hand through the notes' formulas. With V and Rb
// the parts of v for a layer's W and b, and ρ = σ''/σ' written in the activations y = σ(ŷ)
// (1 − 2y for the sigmoid, −2y for tanh, 0 for ReLU and the identity):
//
//	R-forward, layer 1 … L (Ry = 0 for the input x):
//	  Rŷ = V y + W Ry + Rb                                                   [R1]
//	  Ry = σ'(ŷ) ⊙ Rŷ                                                        [R2]
//	R-backward, layer L … 1, with δ the notes' δ, γ, … (∂K/∂ŷ):
//	  output layer:  Rδ = R{∂K/∂z} ⊙ σ'(ẑ) + δ ⊙ ρ ⊙ Rẑ  (R of [1])          [R3]
//	                 R{∂K/∂z} = 2 Rz (quadratic), Σz̄ · (p ⊙ Rz − p·(pᵀRz)) (softmax
//	                 + cross-entropy, p = softmax(z); see cost.go)
//	  hidden layers: Rδ = (Vᵀ δ' + Wᵀ Rδ') ⊙ σ'(ŷ) + δ ⊙ ρ ⊙ Rŷ  (R of [2])   [R4]
//	                 (δ', Rδ', W, V of the layer above)
//	  H·v for W:  R{∂K/∂W} = Rδ yᵀ + δ (Ry)ᵀ                  (R of [4])      [R5]
//	  H·v for b:  R{∂K/∂b} = Rδ                               (R of [3])      [R6]
//
// The last term of [R4] and [R3] is σ''(ŷ) ⊙ (Wᵀδ') ⊙ Rŷ: since δ = (Wᵀδ') ⊙ σ'(ŷ), it is
// δ ⊙ ρ ⊙ Rŷ and needs neither Wᵀδ' again nor a division by σ'. Everything is summed over the
// batch like the gradient: each line holds for one training pair, and the batched products
// below sum over the rows.

var _ gradients.HessianVector = (*Engine)(nil)

// rstep is a layer's part of the R-pass; every step of step.go implements it (hessian_conv.go
// for convolution and pooling). A layer's pre-activation ŷ is bilinear in its parameters p and
// its input y (linear in y alone for pooling), so R{ŷ} takes one term from v's part of p with
// y, and one from p with Ry; the same holds for the backward rules, bilinear in (δ, y) and
// (p, δ).
type rstep interface {
	step
	// rsize lays out the step's R-pass scratch for batches of n pairs.
	rsize(n int)
	// rForward writes Rŷ into ru from the layer's parameters p, its part vp of v, its input in
	// and that input's R, rin (no rows for the first layer: R of the data is 0).
	rForward(mul *gemm.Multiplier, p, vp []float64, in, rin, ru blas64.General)
	// rBackward writes R{∂K/∂p} into h (the layer's view of H·v, overwritten) from the
	// layer's δ and Rδ, in and rin, and, when rbelow has rows, R{∂K/∂(input)} into rbelow
	// (overwritten; the σ' and curvature terms of the layer below are the caller's).
	rBackward(mul *gemm.Multiplier, p, vp, h []float64, in, rin, delta, rdelta, rbelow blas64.General)
}

var (
	_ rstep = dense{}
	_ rstep = (*convStep)(nil)
	_ rstep = (*maxPoolStep)(nil)
	_ rstep = avgPoolStep{}
)

// rpass holds the buffers of Hv, laid out for one batch size: per layer N × Outputs matrices.
type rpass struct {
	steps          []rstep
	ru, ry, rdelta []blas64.General // Rŷ, Ry, Rδ
	buf            []float64
	n              int
}

// rsize lays out the R-pass buffers for batch size n.
func (e *Engine) rsize(n int) *rpass {
	if e.r == nil {
		L := len(e.steps)
		e.r = &rpass{steps: make([]rstep, L), ru: make([]blas64.General, L), ry: make([]blas64.General, L), rdelta: make([]blas64.General, L)}
		for l, s := range e.steps {
			e.r.steps[l] = s.(rstep)
		}
	}
	r := e.r
	if r.n == n {
		return r
	}
	total := 0
	for _, s := range e.steps {
		total += 3 * n * s.outputs()
	}
	if cap(r.buf) < total {
		r.buf = make([]float64, total)
	}
	buf := r.buf[:total]
	for l, s := range r.steps {
		out := s.outputs()
		k := n * out
		mk := func() blas64.General {
			m := blas64.General{Rows: n, Cols: out, Stride: out, Data: buf[:k:k]}
			buf = buf[k:]
			return m
		}
		r.ru[l], r.ry[l], r.rdelta[l] = mk(), mk(), mk()
		s.rsize(n)
	}
	r.n = n
	return r
}

// Hv writes the Hessian-vector product H(A)·v on the batch into dst (allocated if nil;
// otherwise it must have length NumParams, or Hv panics) and returns dst and K, by the
// R-operator of this file's formulas [R1]–[R6] and, for convolution and pooling, those of
// hessian_conv.go: one gradient pass (which leaves every layer's y and δ, and each
// convolution's im2col matrices, in the engine's buffers), an R-forward and an R-backward
// pass. A, v and the batch are validated first and never modified; after the first call on a
// batch size Hv allocates nothing.
func (e *Engine) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("backprop", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("backprop: %w", err)
	}
	if err := gradients.CheckDirection("backprop", e.net, v); err != nil {
		return nil, 0, err
	}
	k := e.gradient(dst, A, b) // y and δ of every layer; dst is overwritten below
	r := e.rsize(b.Len())
	e.rForward(r, A, v, b)
	e.rBackward(r, dst, A, v, b)
	return dst, k, nil
}

// rForward is [R1] and [R2], layer 1 … L: each step's Rŷ, then Ry = σ'(ŷ) ⊙ Rŷ.
func (e *Engine) rForward(r *rpass, A, v []float64, b nn.Batch) {
	in, rin := b.X.RawMatrix(), blas64.General{}
	for l, s := range r.steps {
		s.rForward(e.mul, e.net.LayerParams(A, l), e.net.LayerParams(v, l), in, rin, r.ru[l])
		copy(r.ry[l].Data, r.ru[l].Data) // [R2]
		mulDeriv(s.activation(), r.ry[l].Data, e.act[l].Data)
		in, rin = e.act[l], r.ry[l]
	}
}

// rBackward is [R3]–[R6], layer L … 1, writing H·v into dst.
func (e *Engine) rBackward(r *rpass, dst, A, v []float64, b nn.Batch) {
	n := b.Len()
	L := len(r.steps)
	// [R3]: R{∂K/∂z} from the cost kind (2 Rz for the quadratic), then σ' and curvature.
	out := r.steps[L-1].outputs()
	z, zbar, rz, rd := e.act[L-1], b.Z.RawMatrix(), r.ry[L-1], r.rdelta[L-1]
	for i := 0; i < n; i++ {
		e.rOutput(rd.Data[i*rd.Stride:i*rd.Stride+out], z.Data[i*z.Stride:i*z.Stride+out],
			zbar.Data[i*zbar.Stride:i*zbar.Stride+out], rz.Data[i*rz.Stride:i*rz.Stride+out])
	}
	act := r.steps[L-1].activation()
	mulDeriv(act, rd.Data, z.Data)
	addCurvature(act, rd.Data, e.delta[L-1].Data, r.ru[L-1].Data, z.Data)
	for l := L - 1; l >= 0; l-- {
		in, rin, rbelow := b.X.RawMatrix(), blas64.General{}, blas64.General{}
		if l > 0 {
			in, rin, rbelow = e.act[l-1], r.ry[l-1], r.rdelta[l-1]
		}
		r.steps[l].rBackward(e.mul, e.net.LayerParams(A, l), e.net.LayerParams(v, l), e.net.LayerParams(dst, l),
			in, rin, e.delta[l], r.rdelta[l], rbelow)
		if l > 0 { // [R4]: Rδ below = R{∂K/∂y} ⊙ σ'(ŷ) + δ ⊙ ρ ⊙ Rŷ
			act := r.steps[l-1].activation()
			mulDeriv(act, rbelow.Data, e.act[l-1].Data)
			addCurvature(act, rbelow.Data, e.delta[l-1].Data, r.ru[l-1].Data, e.act[l-1].Data)
		}
	}
}

func (dense) rsize(int) {}

// rForward is [R1] for a dense layer: Rŷ = V y + W Ry + Rb, row by row Y Vᵀ + RY Wᵀ + 1 Rbᵀ.
func (d dense) rForward(mul *gemm.Multiplier, p, vp []float64, in, rin, ru blas64.General) {
	vw, vb := d.Split(vp)
	for i := 0; i < in.Rows; i++ {
		copy(ru.Data[i*ru.Stride:i*ru.Stride+d.Out], vb)
	}
	mul.Gemm(blas.NoTrans, blas.Trans, 1, in, wmat(d, vw), 1, ru)
	if rin.Rows > 0 {
		w, _ := d.Split(p)
		mul.Gemm(blas.NoTrans, blas.Trans, 1, rin, wmat(d, w), 1, ru)
	}
}

// rBackward is [R5], [R6] and the first part of [R4] for a dense layer.
func (d dense) rBackward(mul *gemm.Multiplier, p, vp, h []float64, in, rin, delta, rdelta, rbelow blas64.General) {
	hw, hb := d.Split(h)
	H := wmat(d, hw)
	mul.Gemm(blas.Trans, blas.NoTrans, 1, rdelta, in, 0, H) // [R5]: Rδ yᵀ
	if rin.Rows > 0 {
		mul.Gemm(blas.Trans, blas.NoTrans, 1, delta, rin, 1, H) // + δ (Ry)ᵀ
	}
	copy(hb, rdelta.Data[:d.Out]) // [R6]: Σ over the batch of Rδ
	for i := 1; i < rdelta.Rows; i++ {
		for j, x := range rdelta.Data[i*rdelta.Stride : i*rdelta.Stride+d.Out] {
			hb[j] += x
		}
	}
	if rbelow.Rows == 0 {
		return
	}
	w, _ := d.Split(p)
	vw, _ := d.Split(vp)
	mul.Gemm(blas.NoTrans, blas.NoTrans, 1, delta, wmat(d, vw), 0, rbelow) // [R4]: Vᵀδ' + WᵀRδ'
	mul.Gemm(blas.NoTrans, blas.NoTrans, 1, rdelta, wmat(d, w), 1, rbelow)
}

// wmat views a layer's weights (or their part of v, or of H·v) as the Out × In matrix.
func wmat(d dense, w []float64) blas64.General {
	return blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
}

// addCurvature adds δ ⊙ ρ ⊙ Rŷ to dst, the σ” term of [R3] and [R4], with ρ = σ”/σ' written
// in the activations y: σ” = σ'(1 − 2σ) for the sigmoid, −2 tanh · tanh' for tanh, 0 for ReLU
// (away from 0) and the identity.
func addCurvature(a nn.Activation, dst, delta, ru, y []float64) {
	delta, ru, y = delta[:len(dst)], ru[:len(dst)], y[:len(dst)]
	switch a {
	case nn.Sigmoid:
		for i, s := range y {
			dst[i] += delta[i] * (1 - 2*s) * ru[i]
		}
	case nn.Tanh:
		for i, t := range y {
			dst[i] -= 2 * delta[i] * t * ru[i]
		}
	case nn.ReLU, nn.Identity:
	default:
		panic("backprop: unknown activation " + a.String())
	}
}
