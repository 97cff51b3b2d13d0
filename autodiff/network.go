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

// Supports reports whether the autodiff engines can write the layer's forward pass: dense and
// convolutional layers with any nn activation, max and average pooling.
func Supports(l nn.Layer) bool {
	_, err := writerFor(l)
	return err == nil
}

// writer records one layer on a tape: from the layer's input h (one pair a row) and its
// parameters p (its view of A) it records the output σ(ŷ), making the parameter Vars with
// c.param in block order.
type writer func(c *netCost, h *Tensor, p []float64) *Tensor

// writerFor is the adapter's one switch on the layer kinds.
func writerFor(l nn.Layer) (writer, error) {
	switch l := l.(type) {
	case *nn.Dense:
		return func(c *netCost, h *Tensor, p []float64) *Tensor {
			w, bias := l.Split(p)
			W, B := c.param(l.Out, l.In, w), c.param(1, l.Out, bias)
			return activate(&c.tape, c.tape.Add(c.tape.MatMulT(h, W), B), l.Act) // h·Wᵀ + 1·bᵀ
		}, nil
	case *nn.Conv2D:
		g := Conv{C: l.C, H: l.H, W: l.W, F: l.F, K: l.K, Stride: l.Stride, Pad: l.Pad}
		return func(c *netCost, h *Tensor, p []float64) *Tensor {
			kernel, bias := l.Split(p)
			K, B := c.param(l.F, l.C*l.K*l.K, kernel), c.param(1, l.F, bias)
			return activate(&c.tape, c.tape.ChannelBias(c.tape.Conv2D(h, K, g), B), l.Act)
		}, nil
	case *nn.MaxPool:
		g := Pool{C: l.C, H: l.H, W: l.W, P: l.P, Stride: l.Stride}
		return func(c *netCost, h *Tensor, _ []float64) *Tensor { return c.tape.MaxPool(h, g) }, nil
	case *nn.AvgPool:
		g := Pool{C: l.C, H: l.H, W: l.W, P: l.P, Stride: l.Stride}
		return func(c *netCost, h *Tensor, _ []float64) *Tensor { return c.tape.AvgPool(h, g) }, nil
	}
	return nil, fmt.Errorf("%w: layer kind %T", gradients.ErrUnsupported, l)
}

// param records the next parameter block as a Var, seeded with its part of c.v as tangent
// when a direction is set.
func (c *netCost) param(rows, cols int, value []float64) *Tensor {
	p := c.tape.Var(rows, cols, value)
	if c.v != nil {
		p.SetTangent(c.net.Blocks()[len(c.params)].View(c.v))
	}
	c.params = append(c.params, p)
	return p
}

// activate records σ(h).
func activate(t *Tape, h *Tensor, a nn.Activation) *Tensor {
	switch a {
	case nn.Sigmoid:
		return t.Sigmoid(h)
	case nn.Tanh:
		return t.Tanh(h)
	case nn.ReLU:
		return t.ReLU(h)
	case nn.Identity:
		return h
	}
	panic("autodiff: unknown activation " + a.String())
}

// netCost records a network's cost on a tape, again and again on the same tape.
type netCost struct {
	net     *nn.Network
	writers []writer
	tape    Tape
	params  []*Tensor // the Vars of the last recording, in block order: W1, b1, W2, b2, …
	v       []float64 // the direction seeded as tangent during a recording, or nil
	xbuf    []float64 // contiguous copies of batches whose rows are not contiguous
	zbuf    []float64
	cost    func(t *Tape, h, zbar *Tensor) *Tensor // K of outputs h and targets z̄ (costOf)
}

func newNetCost(net *nn.Network) (*netCost, error) {
	c := &netCost{net: net, params: make([]*Tensor, 0, len(net.Blocks()))}
	for l, layer := range net.Layers() {
		w, err := writerFor(layer)
		if err != nil {
			return nil, fmt.Errorf("%w: layer %d (%s)", err, l+1, layer)
		}
		c.writers = append(c.writers, w)
	}
	var err error
	if c.cost, err = costOf(net.CostKind()); err != nil {
		return nil, err
	}
	return c, nil
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
	c.params, c.v = c.params[:0], v
	for l, w := range c.writers {
		h = w(c, h, c.net.LayerParams(A, l))
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
