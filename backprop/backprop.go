package backprop

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/gradients"
	"nabla/internal/gemm"
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
		SupportsLayer: func(l nn.Layer) error { _, err := layerOf(l); return err },
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
	layers  []dense
	act     []blas64.General // act[l]: N × Outputs of layer l, the activations σ(ŷ)
	delta   []blas64.General // delta[l]: N × Outputs of layer l, ∂K/∂ŷ (δ, γ, … of the notes)
	buf     []float64        // backing store of act and delta
	n       int              // batch size the buffers are laid out for; 0 before the first call
	grad    []float64        // ∇K for Directional, allocated on its first call
	output  outputFunc       // the cost of one pair and ∂K/∂z (see outputFor)
	rOutput rOutputFunc      // R{∂K/∂z} of one pair, for Hv
	r       *rpass           // buffers of Hv, allocated on its first call
	mul     *gemm.Multiplier // the products, on par.Threads() threads
}

// dense is a dense layer as backprop works with it: y = σ(W x + b), W of size Out × In.
type dense struct {
	In, Out int
	Act     nn.Activation
}

// layerOf is backprop's one switch over layer kinds: it returns the engine's view of a layer,
// or an error wrapping gradients.ErrUnsupported for a kind the engine does not handle.
func layerOf(layer nn.Layer) (dense, error) {
	switch l := layer.(type) {
	case *nn.Dense:
		return dense{In: l.In, Out: l.Out, Act: l.Act}, nil
	default:
		return dense{}, gradients.Unsupported(Name, layer)
	}
}

// Split cuts the layer's part of A (or of a vector in its layout) into W and b, as views.
func (d dense) Split(p []float64) (w, b []float64) {
	nw := d.Out * d.In
	return p[:nw:nw], p[nw : nw+d.Out : nw+d.Out]
}

// New prepares an engine for the network. It returns an error wrapping
// gradients.ErrUnsupported if the network has a layer kind backprop does not handle (dense
// layers with any activation of package nn are handled) or a cost kind it does not know.
func New(net *nn.Network) (*Engine, error) {
	e := &Engine{
		net:    net,
		layers: make([]dense, net.NumLayers()),
		act:    make([]blas64.General, net.NumLayers()),
		delta:  make([]blas64.General, net.NumLayers()),
		mul:    gemm.New(0),
	}
	var err error
	if e.output, e.rOutput, err = outputFor(net.CostKind()); err != nil {
		return nil, err
	}
	for l, layer := range net.Layers() {
		d, err := layerOf(layer)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		e.layers[l] = d
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
	for _, d := range e.layers {
		total += 2 * n * d.Out
	}
	if cap(e.buf) < total {
		e.buf = make([]float64, total)
	}
	buf := e.buf[:total]
	for l, d := range e.layers {
		k := n * d.Out
		e.act[l] = blas64.General{Rows: n, Cols: d.Out, Stride: d.Out, Data: buf[:k:k]}
		e.delta[l] = blas64.General{Rows: n, Cols: d.Out, Stride: d.Out, Data: buf[k : 2*k : 2*k]}
		buf = buf[2*k:]
	}
	e.n = n
}

// Gradient writes ∇K(A) on the batch into dst (allocated if nil; otherwise it must have length
// NumParams, or Gradient panics) and returns dst and K. A and the batch are validated with
// Network.Check first; they are never modified.
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("backprop", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
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
	L := len(e.layers)

	// Forward: ŷ = W x + b for every row at once (Ŷ = X Wᵀ + 1 bᵀ), then y = σ(ŷ) in place.
	in := X
	for l, d := range e.layers {
		w, bias := d.Split(e.net.LayerParams(A, l))
		act := e.act[l]
		for i := 0; i < n; i++ {
			copy(act.Data[i*act.Stride:i*act.Stride+d.Out], bias)
		}
		W := blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
		e.mul.Gemm(blas.NoTrans, blas.Trans, 1, in, W, 1, act)
		d.Act.Apply(act.Data, act.Data)
		in = act
	}

	// Cost and the output layer's δ = ∂K/∂z · σ'(ẑ), ∂K/∂z from the cost kind   [1]
	z, zbar, delta := e.act[L-1], b.Z.RawMatrix(), e.delta[L-1]
	var k float64
	for i := 0; i < n; i++ {
		zi := z.Data[i*z.Stride : i*z.Stride+z.Cols]
		ti := zbar.Data[i*zbar.Stride : i*zbar.Stride+zbar.Cols]
		k = e.output(k, zi, ti, delta.Data[i*delta.Stride:i*delta.Stride+delta.Cols])
	}
	mulDeriv(e.layers[L-1].Act, delta.Data, z.Data)

	// Backward, layer l = L … 1 with δ its ∂K/∂ŷ and y its input (x for the first layer):
	//   ∂K/∂W = Σ over the batch of δ yᵀ  (= Δᵀ Y)                               [4]
	//   ∂K/∂b = Σ over the batch of δ     (the column sums of Δ)                  [3]
	//   γ = (Wᵀ δ) ⊙ σ'(ŷ of the layer below) (= Δ W, then ⊙ σ')                  [2]
	for l := L - 1; l >= 0; l-- {
		d := e.layers[l]
		delta := e.delta[l]
		in := X
		if l > 0 {
			in = e.act[l-1]
		}
		gw, gb := d.Split(e.net.LayerParams(dst, l))
		// The first pair's outer product δ yᵀ is written directly, which spares a pass that
		// zeroes the block; the other pairs are added by one product. The sums come out in
		// the same order as Gemm with beta = 0 would form them.
		d0, y0 := delta.Data[:d.Out], in.Data[:d.In]
		for o, do := range d0 {
			row := gw[o*d.In : (o+1)*d.In]
			for j, yj := range y0 {
				row[j] = do * yj
			}
		}
		copy(gb, d0)
		if n > 1 {
			e.mul.Gemm(blas.Trans, blas.NoTrans, 1, rowsFrom(delta, 1), rowsFrom(in, 1), 1, blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: gw})
			for i := 1; i < n; i++ {
				for j, v := range delta.Data[i*delta.Stride : i*delta.Stride+d.Out] {
					gb[j] += v
				}
			}
		}
		if l == 0 {
			break // ∂K/∂x is not needed
		}
		w, _ := d.Split(e.net.LayerParams(A, l))
		below := e.delta[l-1]
		e.mul.Gemm(blas.NoTrans, blas.NoTrans, 1, delta, blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}, 0, below)
		mulDeriv(e.layers[l-1].Act, below.Data, e.act[l-1].Data)
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
			if !(v > 0) {
				dst[i] = 0
			}
		}
	case nn.Identity:
	default:
		panic("backprop: unknown activation " + a.String())
	}
}

// rowsFrom returns the rows i… of m as a view.
func rowsFrom(m blas64.General, i int) blas64.General {
	m.Rows -= i
	m.Data = m.Data[i*m.Stride:]
	return m
}
