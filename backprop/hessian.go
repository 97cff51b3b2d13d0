package backprop

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/gradients"
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

var (
	_ gradients.HessianVector = (*Engine)(nil)
	_ gradients.HvChecker     = (*Engine)(nil)
)

// CheckHv returns an error wrapping gradients.ErrUnsupported when the network has layers
// other than dense ones: the R-pass of this file is written for dense layers only.
func (e *Engine) CheckHv() error {
	if e.layers == nil {
		return fmt.Errorf("backprop: Hv: %w: the R-operator is written for dense layers only, %s has others", gradients.ErrUnsupported, e.net)
	}
	return nil
}

// rpass holds the buffers of Hv, laid out for one batch size: per layer N × Outputs matrices.
type rpass struct {
	ru, ry, rdelta []blas64.General // Rŷ, Ry, Rδ
	buf            []float64
	n              int
}

// rsize lays out the R-pass buffers for batch size n.
func (e *Engine) rsize(n int) *rpass {
	if e.r == nil {
		L := len(e.layers)
		e.r = &rpass{ru: make([]blas64.General, L), ry: make([]blas64.General, L), rdelta: make([]blas64.General, L)}
	}
	r := e.r
	if r.n == n {
		return r
	}
	total := 0
	for _, d := range e.layers {
		total += 3 * n * d.Out
	}
	if cap(r.buf) < total {
		r.buf = make([]float64, total)
	}
	buf := r.buf[:total]
	for l, d := range e.layers {
		k := n * d.Out
		mk := func() blas64.General {
			m := blas64.General{Rows: n, Cols: d.Out, Stride: d.Out, Data: buf[:k:k]}
			buf = buf[k:]
			return m
		}
		r.ru[l], r.ry[l], r.rdelta[l] = mk(), mk(), mk()
	}
	r.n = n
	return r
}

// Hv writes the Hessian-vector product H(A)·v on the batch into dst (allocated if nil;
// otherwise it must have length NumParams, or Hv panics) and returns dst and K, by the
// R-operator of this file's formulas [R1]–[R6]: one gradient pass (which leaves every layer's
// y and δ in the engine's buffers), an R-forward and an R-backward pass. A, v and the batch are
// validated first and never modified; after the first call on a batch size Hv allocates
// nothing.
func (e *Engine) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("backprop", dst, e.net.NumParams())
	if err := e.CheckHv(); err != nil {
		return nil, 0, err
	}
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

// rForward is [R1] and [R2], layer 1 … L.
func (e *Engine) rForward(r *rpass, A, v []float64, b nn.Batch) {
	X := b.X.RawMatrix()
	n := b.Len()
	for l, d := range e.layers {
		w, _ := d.Split(e.net.LayerParams(A, l))
		vw, vb := d.Split(e.net.LayerParams(v, l))
		ru, ry := r.ru[l], r.ry[l]
		for i := 0; i < n; i++ { // Rb
			copy(ru.Data[i*ru.Stride:i*ru.Stride+d.Out], vb)
		}
		in := X
		if l > 0 {
			in = e.act[l-1]
		}
		e.mul.Gemm(blas.NoTrans, blas.Trans, 1, in, wmat(d, vw), 1, ru) // + V y
		if l > 0 {
			e.mul.Gemm(blas.NoTrans, blas.Trans, 1, r.ry[l-1], wmat(d, w), 1, ru) // + W Ry
		}
		copy(ry.Data, ru.Data) // [R2]
		mulDeriv(d.Act, ry.Data, e.act[l].Data)
	}
}

// rBackward is [R3]–[R6], layer L … 1, writing H·v into dst.
func (e *Engine) rBackward(r *rpass, dst, A, v []float64, b nn.Batch) {
	X := b.X.RawMatrix()
	n := b.Len()
	L := len(e.layers)
	for l := L - 1; l >= 0; l-- {
		d := e.layers[l]
		rd := r.rdelta[l]
		if l == L-1 { // [R3]: R{∂K/∂z} from the cost kind (2 Rz for the quadratic), then as [R4]
			z, zbar, rz := e.act[l], b.Z.RawMatrix(), r.ry[l]
			for i := 0; i < n; i++ {
				e.rOutput(rd.Data[i*rd.Stride:i*rd.Stride+d.Out], z.Data[i*z.Stride:i*z.Stride+d.Out],
					zbar.Data[i*zbar.Stride:i*zbar.Stride+d.Out], rz.Data[i*rz.Stride:i*rz.Stride+d.Out])
			}
		} else { // [R4]: Vᵀδ' + WᵀRδ' of the layer above, row by row: Δ' V + RΔ' W
			up := e.layers[l+1]
			w, _ := up.Split(e.net.LayerParams(A, l+1))
			vw, _ := up.Split(e.net.LayerParams(v, l+1))
			e.mul.Gemm(blas.NoTrans, blas.NoTrans, 1, e.delta[l+1], wmat(up, vw), 0, rd)
			e.mul.Gemm(blas.NoTrans, blas.NoTrans, 1, r.rdelta[l+1], wmat(up, w), 1, rd)
		}
		mulDeriv(d.Act, rd.Data, e.act[l].Data)
		addCurvature(d.Act, rd.Data, e.delta[l].Data, r.ru[l].Data, e.act[l].Data)

		hw, hb := d.Split(e.net.LayerParams(dst, l))
		in := X
		if l > 0 {
			in = e.act[l-1]
		}
		H := wmat(d, hw)
		e.mul.Gemm(blas.Trans, blas.NoTrans, 1, rd, in, 0, H) // [R5]: Rδ yᵀ
		if l > 0 {
			e.mul.Gemm(blas.Trans, blas.NoTrans, 1, e.delta[l], r.ry[l-1], 1, H) // + δ (Ry)ᵀ
		}
		copy(hb, rd.Data[:d.Out]) // [R6]: Σ over the batch of Rδ
		for i := 1; i < n; i++ {
			for j, x := range rd.Data[i*rd.Stride : i*rd.Stride+d.Out] {
				hb[j] += x
			}
		}
	}
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
