package autodiff

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"nabla/gradients"
	"nabla/nn"
)

// This file is the adapter between the network model and the tape: it writes the cost K of
// the network's cost kind (see costOf) with the tape's operations, layer by layer from the nn layer list. It holds
// no derivative of its own: adjoints and tangents come from the operations' rules.

// Supports reports whether the autodiff engines can write the layer's forward pass (dense
// layers with any nn activation).
func Supports(l nn.Layer) bool {
	_, ok := l.(*nn.Dense)
	return ok
}

// netCost records a network's cost on a tape, again and again on the same tape.
type netCost struct {
	net    *nn.Network
	tape   Tape
	params []*Tensor // the Vars of the last recording, in block order: W1, b1, W2, b2, …
	xbuf   []float64 // contiguous copies of batches whose rows are not contiguous
	zbuf   []float64
	cost   func(t *Tape, h, zbar *Tensor) *Tensor // K of outputs h and targets z̄ (costOf)
}

func newNetCost(net *nn.Network) (*netCost, error) {
	for l, layer := range net.Layers() {
		if !Supports(layer) {
			return nil, fmt.Errorf("%w: layer %d (%s) is not a dense layer", gradients.ErrUnsupported, l+1, layer)
		}
	}
	cost, err := costOf(net.CostKind())
	if err != nil {
		return nil, err
	}
	return &netCost{net: net, cost: cost, params: make([]*Tensor, len(net.Blocks()))}, nil
}

// contiguous returns m's entries in row-major order without copying when its rows are
// adjacent in memory, and otherwise copied into *buf.
func contiguous(m *mat.Dense, buf *[]float64) []float64 {
	raw := m.RawMatrix()
	if raw.Stride == raw.Cols {
		return raw.Data[:raw.Rows*raw.Cols]
	}
	d := grow(buf, raw.Rows*raw.Cols)
	for i := 0; i < raw.Rows; i++ {
		copy(d[i*raw.Cols:(i+1)*raw.Cols], raw.Data[i*raw.Stride:])
	}
	return d
}

// record resets the tape and records K for parameters A on the batch, which must have been
// checked. When v is not nil each parameter Var is seeded with its part of v as tangent, so
// that K's tangent is ∇K·v.
func (c *netCost) record(A []float64, b nn.Batch, v []float64) *Tensor {
	t := &c.tape
	t.Reset()
	n := b.Len()
	h := t.Const(n, c.net.Inputs(), contiguous(b.X, &c.xbuf))
	blocks := c.net.Blocks()
	for l, layer := range c.net.Layers() {
		d := layer.(*nn.Dense)
		w, bias := d.Split(c.net.LayerParams(A, l))
		W := t.Var(d.Out, d.In, w)
		B := t.Var(1, d.Out, bias)
		if v != nil {
			for i, p := range [2]*Tensor{W, B} {
				blk := blocks[2*l+i]
				p.SetTangent(v[blk.Offset : blk.Offset+blk.Len()])
			}
		}
		c.params[2*l], c.params[2*l+1] = W, B
		h = t.Add(t.MatMulT(h, W), B) // one example per row: h·Wᵀ + 1·bᵀ
		switch d.Act {
		case nn.Sigmoid:
			h = t.Sigmoid(h)
		case nn.Tanh:
			h = t.Tanh(h)
		case nn.ReLU:
			h = t.ReLU(h)
		case nn.Identity:
		default:
			panic("autodiff: unknown activation " + d.Act.String())
		}
	}
	zbar := t.Const(n, c.net.Outputs(), contiguous(b.Z, &c.zbuf))
	return c.cost(t, h, zbar)
}

// costOf is the adapter's one switch over cost kinds: each kind written with the tape's
// operations, which hold every derivative.
//
//	quadratic: K = Sum((h − z̄)²)
//	xent:      K = Sum(z̄ ⊙ (LogSumExp(h) − h)) = −Σ z̄ₖ log softmax(h)ₖ, the column of row-wise
//	           log-sum-exps broadcast across the row, stable for large outputs
func costOf(k nn.CostKind) (func(t *Tape, h, zbar *Tensor) *Tensor, error) {
	switch k {
	case nn.Quadratic:
		return func(t *Tape, h, zbar *Tensor) *Tensor { return t.Sum(t.Square(t.Sub(h, zbar))) }, nil
	case nn.CrossEntropy:
		return func(t *Tape, h, zbar *Tensor) *Tensor { return t.Sum(t.Mul(zbar, t.Sub(t.LogSumExp(h), h))) }, nil
	default:
		return nil, fmt.Errorf("%w: cost %v", gradients.ErrUnsupported, k)
	}
}
