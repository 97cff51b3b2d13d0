package backprop

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"

	"nabla/gradients"
	"nabla/internal/gemm"
	"nabla/internal/par"
	"nabla/nn"
)

// Name is the engine's registry name.
const Name = "backprop"

func init() {
	gradients.Register(gradients.Info{
		Name:          Name,
		Description:   "hand-coded backpropagation: the notes' δ/γ formulas for L dense layers, batched",
		Exact:         true,
		Tolerance:     1e-12,
		HvTolerance:   1e-11,
		SupportsLayer: func(l nn.Layer) error { _, err := layerOf(l, true); return err },
		New:           func(net *nn.Network) (gradients.Engine, error) { return New(net) },
	})
}

var (
	_ gradients.Engine      = (*Engine)(nil)
	_ gradients.Directional = (*Engine)(nil)
)

// Engine computes K and ∇K of one network by backpropagation. It keeps its buffers between
// calls: after the first call on a batch size it allocates nothing, and it re-sizes them when
// the batch size changes. Its matrix products run on par.Threads() threads (all cores, or
// nabla's --threads), through package internal/gemm, with the same result for any number of
// threads. An Engine is not safe for concurrent use; make one per goroutine.
type Engine struct {
	net     *nn.Network
	steps   []step           // steps[l]: layer l's forward pass and backward rules (step.go)
	act     []blas64.General // act[l]: N × Outputs of layer l, the activations σ(ŷ)
	delta   []blas64.General // delta[l]: N × Outputs of layer l, ∂K/∂ŷ (δ, γ, … of the notes)
	buf     []float64        // backing store of act and delta
	n       int              // batch size the buffers are laid out for; 0 before the first call
	grad    []float64        // ∇K for Directional, allocated on its first call
	output  outputFunc       // the cost of one pair and ∂K/∂z (see outputFor)
	rOutput rOutputFunc      // R{∂K/∂z} of one pair, for Hv
	r       *rpass           // buffers of Hv, allocated on its first call
	mul     *gemm.Multiplier // the products, on par.Threads() threads
	ew      *elementwise     // σ and σ', on par.Threads() threads
}

// New prepares an engine for the network. It returns an error wrapping
// gradients.ErrUnsupported if the network has a layer kind backprop does not handle (dense
// and convolutional layers with any activation of package nn, max and average pooling are
// handled) or a cost kind it does not know.
func New(net *nn.Network) (*Engine, error) {
	L := net.NumLayers()
	e := &Engine{net: net, steps: make([]step, L), act: make([]blas64.General, L), delta: make([]blas64.General, L), mul: gemm.New(0), ew: &elementwise{pool: par.NewPool(0)}}
	var err error
	if e.output, e.rOutput, err = outputFor(net.CostKind()); err != nil {
		return nil, err
	}
	for l, layer := range net.Layers() {
		s, err := layerOf(layer, l > 0)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		if d, ok := s.(dense); ok {
			d.ew = e.ew
			s = d
		}
		e.steps[l] = s
	}
	return e, nil
}

// Name returns "backprop".
func (e *Engine) Name() string { return Name }

// size lays out the buffers for batch size n, growing the backing store if needed.
func (e *Engine) size(n int) {
	if n == e.n {
		return
	}
	total := 0
	for _, s := range e.steps {
		total += 2 * n * s.outputs()
	}
	if cap(e.buf) < total {
		e.buf = make([]float64, total)
	}
	buf := e.buf[:total]
	for l, s := range e.steps {
		out := s.outputs()
		k := n * out
		e.act[l] = blas64.General{Rows: n, Cols: out, Stride: out, Data: buf[:k:k]}
		e.delta[l] = blas64.General{Rows: n, Cols: out, Stride: out, Data: buf[k : 2*k : 2*k]}
		buf = buf[2*k:]
		s.size(n)
	}
	e.n = n
}

// Gradient writes ∇K(A) on the batch into dst (allocated if nil; otherwise it must have length
// NumParams, or Gradient panics) and returns dst and K. A and the batch are validated with
// Network.Check first; they are never modified.
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("backprop", dst, e.net.NumParams())
	if err := e.net.CheckOn(e.ew.pool, A, b); err != nil {
		return nil, 0, fmt.Errorf("backprop: %w", err)
	}
	return dst, e.gradient(dst, A, b), nil
}

// Directional returns K and the directional derivative ∇K(A)·v. It is not a separate method
// of differentiation: it computes the whole gradient by backpropagation (into a buffer kept
// by the engine) and returns its dot product with v. Like A, v must have length NumParams and
// be finite; otherwise the error wraps nn.ErrShape or nn.ErrNonFinite.
func (e *Engine) Directional(A, v []float64, b nn.Batch) (k, dk float64, err error) {
	if err := e.net.Check(A, b); err != nil {
		return 0, 0, fmt.Errorf("backprop: %w", err)
	}
	if len(v) != e.net.NumParams() {
		return 0, 0, fmt.Errorf("backprop: direction v: %w: network %s has %d parameters, v has %d", nn.ErrShape, e.net, e.net.NumParams(), len(v))
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, fmt.Errorf("backprop: direction v: %w", &nn.NonFiniteError{Where: "v", Name: e.net.ParamName(i), Index: i, Value: x})
		}
	}
	if e.grad == nil {
		e.grad = make([]float64, e.net.NumParams())
	}
	k = e.gradient(e.grad, A, b)
	vec := func(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }
	return k, blas64.Dot(vec(e.grad), vec(v)), nil
}

// gradient is the algorithm on validated inputs: a forward pass that keeps every layer's
// activations, then the backward pass of the notes' formulas, layer L down to layer 1.
func (e *Engine) gradient(dst, A []float64, b nn.Batch) float64 {
	n := b.Len()
	e.size(n)
	X := b.X.RawMatrix()
	L := len(e.steps)

	// Forward, layer by layer: ŷ from the layer's input, then y = σ(ŷ) (see each step).
	in := X
	for l, s := range e.steps {
		s.forward(e.mul, e.net.LayerParams(A, l), in, e.act[l])
		in = e.act[l]
	}

	// Cost and the output layer's δ = ∂K/∂z · σ'(ẑ), ∂K/∂z from the cost kind   [1]
	z, zbar, delta := e.act[L-1], b.Z.RawMatrix(), e.delta[L-1]
	var k float64
	for i := 0; i < n; i++ {
		zi := z.Data[i*z.Stride : i*z.Stride+z.Cols]
		ti := zbar.Data[i*zbar.Stride : i*zbar.Stride+zbar.Cols]
		k = e.output(k, zi, ti, delta.Data[i*delta.Stride:i*delta.Stride+delta.Cols])
	}
	e.ew.apply(e.steps[L-1].activation(), delta.Data, z.Data)

	// Backward, layer l = L … 1: from δ = ∂K/∂ŷ of layer l, the step writes ∂K/∂(its
	// parameters) and ∂K/∂y of its input; γ = ∂K/∂y ⊙ σ'(ŷ below) is the δ of the layer
	// below [2]. ∂K/∂x of the first layer is not needed and not computed.
	for l := L - 1; l >= 0; l-- {
		in, below := X, blas64.General{}
		if l > 0 {
			in, below = e.act[l-1], e.delta[l-1]
		}
		e.steps[l].backward(e.mul, e.net.LayerParams(A, l), e.net.LayerParams(dst, l), in, e.delta[l], below)
		if l > 0 {
			e.ew.apply(e.steps[l-1].activation(), below.Data, e.act[l-1].Data)
		}
	}
	return k
}

// mulDeriv multiplies dst elementwise by σ'(ŷ), computed from the activations y = σ(ŷ) so
// that no exponential is evaluated twice: σ' = y(1−y) for the sigmoid, 1−y² for tanh, [y > 0]
// for ReLU (σ'(0) = 0, as nn.Activation.Deriv) and 1 for the identity. These are the same
// floating-point operations as nn.Activation.Deriv(ŷ).
func mulDeriv(a nn.Activation, dst, y []float64) {
	y = y[:len(dst)]
	switch a {
	case nn.Sigmoid:
		for i, s := range y {
			dst[i] *= s * (1 - s)
		}
	case nn.Tanh:
		for i, t := range y {
			dst[i] *= 1 - t*t
		}
	case nn.ReLU:
		for i, v := range y {
			dst[i] = math.Float64frombits(math.Float64bits(dst[i]) & positive(v))
		}
	case nn.Identity:
	default:
		panic("backprop: unknown activation " + a.String())
	}
}

// positive returns a mask of 64 ones if v > 0 and of 64 zeros otherwise (v ≤ 0 or NaN),
// without a branch: half the pre-activations of a ReLU layer are positive in no predictable
// order, and a mispredicted branch per entry costs more than the arithmetic. As an integer,
// the bits s of a float64 are in (0, +Inf's bits] exactly when v > 0.
func positive(v float64) uint64 {
	s := int64(math.Float64bits(v))
	const inf = 0x7FF0000000000000
	return uint64((-s & ^s & (s - inf - 1)) >> 63)
}

// rowsFrom returns the rows i… of m as a view.
func rowsFrom(m blas64.General, i int) blas64.General {
	m.Rows -= i
	m.Data = m.Data[i*m.Stride:]
	return m
}
