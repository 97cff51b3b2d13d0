package mutants

import (
	"fmt"

	"nabla/gradients"
	"nabla/nn"
)

// Engine computes ∇K with one fault built in. It implements gradients.Engine so that the
// cross-check can hold it against the real engines, but it is never registered.
type Engine struct {
	net   *nn.Network
	fault Fault
	dense []*nn.Dense
	n     int         // batch size the buffers are sized for
	pre   [][]float64 // pre[l]: N × Out_l, ŷ = W x + b
	act   [][]float64 // act[l]: N × Out_l, y = σ(ŷ)
	delta [][]float64 // delta[l]: N × Out_l, ∂K/∂ŷ of layer l
}

var _ gradients.Engine = (*Engine)(nil)

// New prepares a mutant with the fault for a network of dense layers.
func New(net *nn.Network, f Fault) (*Engine, error) {
	e := &Engine{net: net, fault: f}
	for l, layer := range net.Layers() {
		d, ok := layer.(*nn.Dense)
		if !ok {
			return nil, fmt.Errorf("mutants: layer %d (%s): %w", l+1, layer, gradients.ErrUnsupported)
		}
		e.dense = append(e.dense, d)
	}
	return e, nil
}

// Name returns "mutant:" and the fault's name.
func (e *Engine) Name() string { return "mutant:" + e.fault.Name }

// Fault returns the fault the mutant carries.
func (e *Engine) Fault() Fault { return e.fault }

func (e *Engine) size(n int) {
	if n == e.n {
		return
	}
	L := len(e.dense)
	e.pre, e.act, e.delta = make([][]float64, L), make([][]float64, L), make([][]float64, L)
	for l, d := range e.dense {
		e.pre[l] = make([]float64, n*d.Out)
		e.act[l] = make([]float64, n*d.Out)
		e.delta[l] = make([]float64, n*d.Out)
	}
	e.n = n
}

// deriv is σ'(ŷ) as the mutant computes it at layer l for pre-activation p and activation y.
func (e *Engine) deriv(l int, p, y float64) float64 {
	act := e.dense[l].Act
	switch e.fault.kind {
	case derivAtActivation:
		return act.Deriv(y)
	case functionAsDeriv:
		return y
	case derivTypo:
		switch act {
		case nn.Sigmoid:
			return y * (1 - p)
		case nn.Tanh:
			return 1 - p*p
		}
	}
	return act.Deriv(p)
}

// Gradient writes the mutant's ∇K into dst and returns it with K (computed correctly).
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("mutants", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return dst, 0, err
	}
	N := b.Len()
	e.size(N)
	X, Z := b.X.RawMatrix(), b.Z.RawMatrix()
	in := func(l, i int) []float64 { // the input row of layer l for pair i
		if l == 0 {
			return X.Data[i*X.Stride : i*X.Stride+X.Cols]
		}
		src := e.act[l-1]
		if e.fault.kind == preactivationInput {
			src = e.pre[l-1]
		}
		w := e.dense[l].In
		return src[i*w : (i+1)*w]
	}

	// Forward: ŷ = W x + b, y = σ(ŷ), layer by layer for the whole batch.
	for l, d := range e.dense {
		w, bias := d.Split(e.net.LayerParams(A, l))
		for i := 0; i < N; i++ {
			var x []float64
			if l == 0 {
				x = X.Data[i*X.Stride : i*X.Stride+X.Cols]
			} else {
				x = e.act[l-1][i*d.In : (i+1)*d.In]
			}
			for k := 0; k < d.Out; k++ {
				s := bias[k]
				for j, xj := range x {
					s += w[k*d.In+j] * xj
				}
				e.pre[l][i*d.Out+k] = s
				e.act[l][i*d.Out+k] = d.Act.F(s)
			}
		}
	}

	// Output layer: ∂K/∂z = 2(z − z̄), δ = ∂K/∂z · σ'(ẑ) (rule [1]).
	L := len(e.dense) - 1
	out := e.dense[L]
	var K float64
	for i := 0; i < N; i++ {
		for k := 0; k < out.Out; k++ {
			z, zbar := e.act[L][i*out.Out+k], Z.Data[i*Z.Stride+k]
			K += (z - zbar) * (z - zbar)
			dz := 2 * (z - zbar)
			switch e.fault.kind {
			case halfGradient:
				dz = z - zbar
			case signFlip:
				dz = 2 * (zbar - z)
			}
			p := e.pre[L][i*out.Out+k]
			switch e.fault.kind {
			case missingOutputDeriv:
				e.delta[L][i*out.Out+k] = dz
			case derivTwice:
				s := out.Act.Deriv(p)
				e.delta[L][i*out.Out+k] = dz * s * s
			default:
				e.delta[L][i*out.Out+k] = dz * e.deriv(L, p, z)
			}
		}
	}

	if e.fault.kind != staleDst {
		clear(dst)
	}
	last := 0 // the backward loop runs down to layer index last
	if e.fault.kind == offByOneLayer {
		last = 1
	}
	for l := L; l >= last; l-- {
		d := e.dense[l]
		w, _ := d.Split(e.net.LayerParams(A, l))
		dw, db := d.Split(e.net.LayerParams(dst, l))
		// γ of the layer below (rule [2]): (Wᵀδ)ⱼ · σ'(ŷⱼ). The notes' rule [4] as
		// transcribed needs it before the weight gradient, so it is computed first.
		if l > 0 {
			below := e.dense[l-1]
			for i := 0; i < N; i++ {
				for j := 0; j < d.In; j++ {
					var s float64
					for k := 0; k < d.Out; k++ {
						wkj := w[k*d.In+j]
						if e.fault.kind == wNotTransposed {
							wkj = w[j*d.Out+k]
						}
						s += wkj * e.delta[l][i*d.Out+k]
					}
					p, y := e.pre[l-1][i*d.In+j], e.act[l-1][i*d.In+j]
					switch e.fault.kind {
					case missingHiddenDeriv:
					case wrongLayerActivation:
						s *= d.Act.Deriv(p)
					default:
						s *= e.deriv(l-1, p, y)
					}
					e.delta[l-1][i*below.Out+j] = s
				}
			}
		}
		// ∂K/∂W = Σᵢ δ yᵀ (rule [4]), ∂K/∂b = Σᵢ δ (rule [3]).
		first := 0
		if e.fault.kind == firstPairSkipped {
			first = 1
		}
		for i := first; i < N; i++ {
			x := in(l, i)
			if e.fault.kind == notesRule && l > 0 {
				x = e.delta[l-1][i*d.In : (i+1)*d.In]
			}
			for k := 0; k < d.Out; k++ {
				dk := e.delta[l][i*d.Out+k]
				for j, xj := range x {
					if e.fault.kind == dwTransposed {
						dw[j*d.Out+k] += dk * xj
					} else {
						dw[k*d.In+j] += dk * xj
					}
				}
				switch {
				case e.fault.kind == biasLoopShort && k == d.Out-1:
				case e.fault.kind == zeroOutputBias && l == L:
				case e.fault.kind == biasNotSummed:
					db[k] = dk
				default:
					db[k] += dk
				}
			}
		}
	}
	if e.fault.kind == meanNotSum {
		for i := range dst {
			dst[i] /= float64(N)
		}
	}
	return dst, K, nil
}
