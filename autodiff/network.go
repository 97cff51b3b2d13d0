package autodiff

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"nabla/gradients"
	"nabla/internal/gemm"
	"nabla/internal/par"
	"nabla/nn"
)

// This file is the adapter between the network model and the tape: it writes the cost K of
// the network's cost kind (see costOf) with the tape's operations, layer by layer from the nn layer list. It holds
// no derivative of its own: adjoints and tangents come from the operations' rules.

// layerStep records one layer's forward pass on the tape: in is the layer's input (one
// training pair a row), p the layer's part of A and v its part of the tangent direction (nil
// for none). It appends the layer's parameter Vars, in block order, to params and returns the
// layer's output with the extended params.
type layerStep func(t *Tape, in *Tensor, p, v []float64, params []*Tensor) (*Tensor, []*Tensor)

// stepOf is autodiff's one switch over layer kinds: it returns the step that records a layer,
// or an error wrapping gradients.ErrUnsupported for a kind the engines cannot write.
func stepOf(layer nn.Layer) (layerStep, error) {
	switch l := layer.(type) {
	case *nn.Dense:
		return dense{In: l.In, Out: l.Out, Act: l.Act}.record, nil
	case *nn.Conv2D:
		return conv{g: Conv{C: l.C, H: l.H, W: l.W, F: l.F, K: l.K, Stride: l.Stride, Pad: l.Pad}, act: l.Act}.record, nil
	case *nn.MaxPool:
		g := Pool{C: l.C, H: l.H, W: l.W, P: l.P, Stride: l.Stride}
		return func(t *Tape, in *Tensor, _, _ []float64, params []*Tensor) (*Tensor, []*Tensor) {
			return t.MaxPool(in, g), params
		}, nil
	case *nn.AvgPool:
		g := Pool{C: l.C, H: l.H, W: l.W, P: l.P, Stride: l.Stride}
		return func(t *Tape, in *Tensor, _, _ []float64, params []*Tensor) (*Tensor, []*Tensor) {
			return t.AvgPool(in, g), params
		}, nil
	default:
		return nil, gradients.Unsupported("autodiff", layer)
	}
}

// supportsLayer is the registry's pre-flight (gradients.Info.SupportsLayer).
func supportsLayer(l nn.Layer) error {
	_, err := stepOf(l)
	return err
}

// dense is a dense layer y = σ(W x + b), W of size Out × In.
type dense struct {
	In, Out int
	Act     nn.Activation
}

// record writes Linear(h, W, b) = h·Wᵀ + 1·bᵀ and the activation (one example per row).
func (d dense) record(t *Tape, in *Tensor, p, v []float64, params []*Tensor) (*Tensor, []*Tensor) {
	nw := d.Out * d.In
	W := t.Var(d.Out, d.In, p[:nw:nw])
	B := t.Var(1, d.Out, p[nw:])
	if v != nil {
		W.SetTangent(v[:nw:nw])
		B.SetTangent(v[nw:])
	}
	return activate(t, t.Linear(in, W, B), d.Act), append(params, W, B)
}

// conv is a convolutional layer: the kernel as an F × C·K·K Var (row-major F×C×K×K, as in A),
// the biases as a 1 × F Var added per channel, then the activation.
type conv struct {
	g   Conv
	act nn.Activation
}

// record writes σ(Conv2DBias(in, K, c)): the convolution plus c per channel.
func (c conv) record(t *Tape, in *Tensor, p, v []float64, params []*Tensor) (*Tensor, []*Tensor) {
	nk := c.g.F * c.g.C * c.g.K * c.g.K
	K := t.Var(c.g.F, c.g.C*c.g.K*c.g.K, p[:nk:nk])
	B := t.Var(1, c.g.F, p[nk:])
	if v != nil {
		K.SetTangent(v[:nk:nk])
		B.SetTangent(v[nk:])
	}
	return activate(t, t.Conv2DBias(in, K, B, c.g), c.act), append(params, K, B)
}

// activate applies the activation σ to every entry of h.
func activate(t *Tape, h *Tensor, a nn.Activation) *Tensor {
	switch a { // over h's own value: nothing else reads a layer's pre-activations
	case nn.Sigmoid:
		return t.activationInPlace(opSigmoid, h)
	case nn.Tanh:
		return t.activationInPlace(opTanh, h)
	case nn.ReLU:
		return t.activationInPlace(opReLU, h)
	case nn.Identity:
		return h
	}
	panic("autodiff: unknown activation " + a.String())
}

// netCost records a network's cost on a tape, again and again on the same tape.
type netCost struct {
	net    *nn.Network
	steps  []layerStep // one per layer, from stepOf
	tape   Tape
	params []*Tensor // the Vars of the last recording, in block order: W1, b1, W2, b2, …
	blocks [][2]int  // each parameter block's [start, end) in A, in block order
	xbuf   []float64 // contiguous copies of batches whose rows are not contiguous
	zbuf   []float64
	cost   func(t *Tape, h, zbar *Tensor) *Tensor // K of outputs h and targets z̄ (costOf)
}

func newNetCost(net *nn.Network) (*netCost, error) {
	c := &netCost{net: net, params: make([]*Tensor, 0, len(net.Blocks()))}
	for _, blk := range net.Blocks() {
		c.blocks = append(c.blocks, [2]int{blk.Offset, blk.Offset + blk.Len()})
	}
	c.tape.mul, c.tape.ew = gemm.New(0), par.NewPool(0) // par.Threads() threads, as NewTape's
	for l, layer := range net.Layers() {
		step, err := stepOf(layer)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		c.steps = append(c.steps, step)
	}
	cost, err := costOf(net.CostKind())
	if err != nil {
		return nil, err
	}
	c.cost = cost
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
	c.params = c.params[:0]
	for l, step := range c.steps {
		var vl []float64
		if v != nil {
			vl = c.net.LayerParams(v, l)
		}
		h, c.params = step(t, h, c.net.LayerParams(A, l), vl, c.params)
	}
	zbar := t.Const(n, c.net.Outputs(), contiguous(b.Z, &c.zbuf))
	return c.cost(t, h, zbar)
}

// costOf is the adapter's one switch over cost kinds: each kind written with the tape's
// operations, which hold every derivative.
//
//	quadratic: K = SquaredDistance(h, z̄) = Sum((h − z̄)²), one operation
//	xent:      K = Sum(z̄ ⊙ (LogSumExp(h) − h)) = −Σ z̄ₖ log softmax(h)ₖ, the column of row-wise
//	           log-sum-exps broadcast across the row, stable for large outputs
func costOf(k nn.CostKind) (func(t *Tape, h, zbar *Tensor) *Tensor, error) {
	switch k {
	case nn.Quadratic:
		return func(t *Tape, h, zbar *Tensor) *Tensor { return t.SquaredDistance(h, zbar) }, nil
	case nn.CrossEntropy:
		return func(t *Tape, h, zbar *Tensor) *Tensor { return t.Sum(t.Mul(zbar, t.Sub(t.LogSumExp(h), h))) }, nil
	default:
		return nil, fmt.Errorf("%w: cost %v", gradients.ErrUnsupported, k)
	}
}
