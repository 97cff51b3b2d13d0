package mutants

import (
	"fmt"
	"math"
	"slices"

	"nabla/gradients"
	"nabla/nn"
)

// Engine computes ∇K with one fault built in. It implements gradients.Engine so that the
// cross-check can hold it against the real engines, but it is never registered.
type Engine struct {
	net    *nn.Network
	fault  Fault
	h      *hooks // the fault's hooks; never nil
	layers []nn.Layer
	dense  []*nn.Dense // dense[l]: layer l when it is dense, else nil
	n      int         // batch size the buffers are sized for
	pre    [][]float64 // pre[l]: N × Out_l, ŷ = W x + b
	act    [][]float64 // act[l]: N × Out_l, y = σ(ŷ)
	delta  [][]float64 // delta[l]: N × Out_l, ∂K/∂ŷ of layer l
	dz     []float64   // ∂K/∂z of one pair
	win    []int       // a pooling window's input indices (cnn.go)
	cost   rowCost     // the network's cost kind (costOf)
}

var _ gradients.Engine = (*Engine)(nil)

// New prepares a mutant with the fault for a network of dense, convolutional and pooling
// layers.
func New(net *nn.Network, f Fault) (*Engine, error) {
	e := &Engine{net: net, fault: f, h: f.hooks}
	if e.h == nil {
		e.h = none
	}
	var err error
	if e.cost, err = costOf(net.CostKind()); err != nil {
		return nil, err
	}
	for l, layer := range net.Layers() {
		if !knows(layer) {
			return nil, fmt.Errorf("mutants: layer %d (%s): %w", l+1, layer, gradients.ErrUnsupported)
		}
		d, _ := layer.(*nn.Dense)
		e.layers, e.dense = append(e.layers, layer), append(e.dense, d)
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
	L := len(e.layers)
	e.pre, e.act, e.delta = make([][]float64, L), make([][]float64, L), make([][]float64, L)
	for l, layer := range e.layers {
		e.pre[l] = make([]float64, n*layer.Outputs())
		e.act[l] = make([]float64, n*layer.Outputs())
		e.delta[l] = make([]float64, n*layer.Outputs())
	}
	e.n = n
}

// deriv is σ'(ŷ) as the mutant computes it for an activation at pre-activation p and
// activation y.
func (e *Engine) deriv(act nn.Activation, p, y float64) float64 {
	if e.h.deriv != nil {
		return e.h.deriv(act, p, y)
	}
	return act.Deriv(p)
}

// Gradient writes the mutant's ∇K into dst and returns it with K (computed correctly). It is
// the notes' batched backpropagation, with the fault's hooks at the points where a student
// goes wrong.
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("mutants", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	N := b.Len()
	e.size(N)
	e.forward(A, b)
	K := e.outputDelta(b)
	if !e.h.keepDst {
		clear(dst)
	}
	for l := len(e.layers) - 1; l >= e.h.stopLayer; l-- {
		if l > 0 {
			e.propagate(A, l, N)
		}
		e.layerGradient(dst, b, l)
	}
	if e.h.finish != nil {
		e.h.finish(dst, N)
	}
	return dst, K, nil
}

// forward computes ŷ = W x + b and y = σ(ŷ) layer by layer for the whole batch
// (convolution and pooling in cnn.go).
func (e *Engine) forward(A []float64, b nn.Batch) {
	X := b.X.RawMatrix()
	for l, d := range e.dense {
		if d == nil {
			e.imageForward(A, b, l)
			continue
		}
		w, bias := d.Split(e.net.LayerParams(A, l))
		for i := 0; i < b.Len(); i++ {
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
}

// outputDelta returns K and fills δ of the output layer: ∂K/∂z of the cost kind (2(z − z̄)
// for the quadratic cost), δ = ∂K/∂z · σ'(ẑ) (rule [1]).
func (e *Engine) outputDelta(b nn.Batch) float64 {
	Z := b.Z.RawMatrix()
	L := len(e.layers) - 1
	nout, act := e.layers[L].Outputs(), e.layers[L].Activation()
	if len(e.dz) != nout {
		e.dz = make([]float64, nout)
	}
	var K float64
	for i := 0; i < b.Len(); i++ {
		K = e.cost(K, e.act[L][i*nout:(i+1)*nout], Z.Data[i*Z.Stride:i*Z.Stride+nout], e.dz)
		for k, dz := range e.dz {
			at := i*nout + k
			if e.h.costDeriv != nil {
				dz = e.h.costDeriv(dz)
			}
			s := e.deriv(act, e.pre[L][at], e.act[L][at])
			if e.h.noDerivLayer == L+1 {
				s = 1
			}
			if e.h.outputDelta != nil {
				e.delta[L][at] = e.h.outputDelta(dz, s)
			} else {
				e.delta[L][at] = dz * s
			}
		}
	}
	return K
}

// rowCost adds one pair's cost term to k, writes the correct ∂K/∂z into dz and returns the sum.
type rowCost func(k float64, z, zbar, dz []float64) float64

// costOf is the mutants' one switch over cost kinds, written here from scratch like the rest
// of the mutant: K = Σ (z − z̄)² with ∂K/∂z = 2(z − z̄), or the softmax cross-entropy
// K = Σₖ z̄ₖ (log Σⱼ e^(zⱼ) − zₖ) with ∂K/∂zₖ = softmax(z)ₖ · Σⱼ z̄ⱼ − z̄ₖ.
func costOf(c nn.CostKind) (rowCost, error) {
	switch c {
	case nn.Quadratic:
		return func(k float64, z, zbar, dz []float64) float64 {
			for j := range z {
				k += (z[j] - zbar[j]) * (z[j] - zbar[j])
				dz[j] = 2 * (z[j] - zbar[j])
			}
			return k
		}, nil
	case nn.CrossEntropy:
		return func(k float64, z, zbar, dz []float64) float64 {
			top := slices.Max(z)
			var sum, mass float64
			for j := range z {
				sum += math.Exp(z[j] - top)
				mass += zbar[j]
			}
			logSum := top + math.Log(sum)
			for j := range z {
				k += zbar[j] * (logSum - z[j])
				dz[j] = math.Exp(z[j]-logSum)*mass - zbar[j]
			}
			return k
		}, nil
	default:
		return nil, fmt.Errorf("mutants: cost %v: %w", c, gradients.ErrUnsupported)
	}
}

// propagate fills δ of layer l−1 from δ of layer l (rule [2]): γ = Wᵀδ, δ = γ · σ'(ŷ). The
// notes' rule [4] as transcribed needs it before layer l's weight gradient, so it comes first.
func (e *Engine) propagate(A []float64, l, N int) {
	d := e.dense[l]
	if d == nil {
		e.imageBack(A, l, N) // ∂K/∂y of the layer below, into delta[l−1]
	} else {
		w, _ := d.Split(e.net.LayerParams(A, l))
		for i := 0; i < N; i++ {
			for j := 0; j < d.In; j++ {
				var s float64
				for k := 0; k < d.Out; k++ {
					wkj := w[k*d.In+j]
					if e.h.weightAt != nil {
						wkj = e.h.weightAt(w, k, j, d.In, d.Out)
					}
					s += wkj * e.delta[l][i*d.Out+k]
				}
				e.delta[l-1][i*d.In+j] = s
			}
		}
	}
	own, above := e.layers[l-1].Activation(), e.layers[l].Activation()
	for i, p := range e.pre[l-1] {
		y := e.act[l-1][i]
		switch {
		case e.h.noDerivLayer == l:
		case e.h.hiddenDeriv != nil:
			e.delta[l-1][i] *= e.h.hiddenDeriv(own, above, p, y)
		default:
			e.delta[l-1][i] *= e.deriv(own, p, y)
		}
	}
}

// layerGradient accumulates layer l's blocks of ∂K: ∂K/∂W = Σᵢ δ yᵀ (rule [4]) and
// ∂K/∂b = Σᵢ δ (rule [3]).
func (e *Engine) layerGradient(dst []float64, b nn.Batch, l int) {
	X := b.X.RawMatrix()
	d := e.dense[l]
	if d == nil {
		e.imageGradient(dst, b, l)
		return
	}
	output := l == len(e.dense)-1
	dw, db := d.Split(e.net.LayerParams(dst, l))
	for i := e.h.firstPair; i < b.Len(); i++ {
		var x []float64
		if l == 0 {
			x = X.Data[i*X.Stride : i*X.Stride+X.Cols]
		} else {
			row := func(v []float64) []float64 { return v[i*d.In : (i+1)*d.In] }
			x = row(e.act[l-1])
			if e.h.weightInput != nil {
				x = e.h.weightInput(x, row(e.pre[l-1]), row(e.delta[l-1]))
			}
		}
		for k := 0; k < d.Out; k++ {
			dk := e.delta[l][i*d.Out+k]
			for j, xj := range x {
				at := k*d.In + j
				if e.h.dwAt != nil {
					at = e.h.dwAt(k, j, d.In, d.Out)
				}
				dw[at] += dk * xj
			}
			if e.h.biasAdd != nil {
				e.h.biasAdd(db, k, d.Out, output, dk)
			} else {
				db[k] += dk
			}
		}
	}
}
