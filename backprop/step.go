package backprop

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/gradients"
	"nabla/internal/gemm"
	"nabla/nn"
)

// step is one layer's part of the algorithm: its forward pass, and its backward rules from
// δ = ∂K/∂ŷ of the layer. Pooling layers have no σ (the identity): their ŷ is their output.
type step interface {
	outputs() int              // the layer's output length for one pair
	activation() nn.Activation // σ (the identity for pooling)
	// size lays out the step's scratch for batches of n pairs.
	size(n int)
	// forward writes y = σ(ŷ) of the batch in (one pair a row) into act, from the layer's
	// parameters p (its view of A).
	forward(mul *gemm.Multiplier, p []float64, in, act blas64.General)
	// backward writes ∂K/∂p into g (the layer's view of the gradient, overwritten) from
	// delta = ∂K/∂ŷ and the layer input in and, when below has rows, ∂K/∂(input) into below
	// (overwritten; the σ' of the layer below is applied by the caller).
	backward(mul *gemm.Multiplier, p, g []float64, in, delta, below blas64.General)
}

// layerOf is backprop's one switch over layer kinds: it returns the engine's step for a
// layer, or an error wrapping gradients.ErrUnsupported for a kind the engine does not handle.
// below says whether the layer has a layer below it (whose ∂K/∂y is then needed).
func layerOf(layer nn.Layer, below bool) (step, error) {
	switch l := layer.(type) {
	case *nn.Dense:
		return dense{In: l.In, Out: l.Out, Act: l.Act}, nil
	case *nn.Conv2D:
		return &convStep{c: l, below: below}, nil
	case *nn.MaxPool:
		return &maxPoolStep{m: l}, nil
	case *nn.AvgPool:
		return avgPoolStep{l}, nil
	default:
		return nil, gradients.Unsupported(Name, layer)
	}
}

// denseStep is a dense layer, the notes' formulas:
//
//	forward   Ŷ = Y Wᵀ + 1 bᵀ, then σ in place
//	∂K/∂W = Σ over the batch of δ yᵀ  (= Δᵀ Y)                               [4]
//	∂K/∂b = Σ over the batch of δ     (the column sums of Δ)                  [3]
//	∂K/∂y = Wᵀ δ                      (= Δ W; then ⊙ σ' below: γ of [2])
type dense struct {
	In, Out int
	Act     nn.Activation
	ew      *elementwise // σ on the engine's threads; nil: on the caller's goroutine
}

// Split cuts the layer's part of A (or of a vector in its layout) into W and b, as views.
func (d dense) Split(p []float64) (w, b []float64) {
	nw := d.Out * d.In
	return p[:nw:nw], p[nw : nw+d.Out : nw+d.Out]
}

func (d dense) outputs() int              { return d.Out }
func (d dense) activation() nn.Activation { return d.Act }
func (dense) size(int)                    {}

func (d dense) forward(mul *gemm.Multiplier, p []float64, in, act blas64.General) {
	w, bias := d.Split(p)
	d.ew.broadcast(act, bias)
	W := blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
	mul.Gemm(blas.NoTrans, blas.Trans, 1, in, W, 1, act)
	d.ew.apply(d.Act, act.Data, nil)
}

func (d dense) backward(mul *gemm.Multiplier, p, g []float64, in, delta, below blas64.General) {
	gw, gb := d.Split(g)
	// ∂K/∂W = Δᵀ Y in one product (for one pair the outer product δ yᵀ, which the product's
	// vector kernel writes faster than a scalar loop); ∂K/∂b the column sums of Δ, in the
	// batch's order.
	dW := gemm.Product{TA: blas.Trans, TB: blas.NoTrans, Alpha: 1, A: delta, B: in, C: blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: gw}}
	d.ew.colSums(gb, delta)
	if below.Rows == 0 {
		mul.Gemm(dW.TA, dW.TB, dW.Alpha, dW.A, dW.B, dW.Beta, dW.C)
		return
	}
	// ∂K/∂W and ∂K/∂y are independent products: on two threads, each may take one.
	w, _ := d.Split(p)
	mul.Both(dW, gemm.Product{TA: blas.NoTrans, TB: blas.NoTrans, Alpha: 1, A: delta, B: blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}, C: below})
}

// convStep is a convolutional layer: [C0]–[C4] of conv.go.
type convStep struct {
	c     *nn.Conv2D
	below bool
	w     convWork
	n     int
	rcols []float64 // im2col matrices of Ry for Hv (hessian_conv.go)
}

func (s *convStep) outputs() int              { return s.c.Outputs() }
func (s *convStep) activation() nn.Activation { return s.c.Act }

func (s *convStep) size(n int) {
	if n != s.n {
		s.w, s.n = newConvWork(s.c, n, s.below), n
	}
}

func (s *convStep) forward(mul *gemm.Multiplier, p []float64, in, act blas64.General) {
	kernel, bias := s.c.Split(p)
	convForward(mul, s.c, &s.w, act, in, kernel, bias)
	s.c.Act.Apply(act.Data, act.Data)
}

func (s *convStep) backward(mul *gemm.Multiplier, p, g []float64, _, delta, below blas64.General) {
	kernel, _ := s.c.Split(p)
	gk, gb := s.c.Split(g)
	convBackward(mul, s.c, &s.w, delta, kernel, gk, gb, below)
}

// maxPoolStep is max pooling: δ is routed to the arg-max of each window.
type maxPoolStep struct {
	m   *nn.MaxPool
	arg []int32 // per pair and output, the index of the window's maximum in the pair's input
}

func (s *maxPoolStep) outputs() int            { return s.m.Outputs() }
func (*maxPoolStep) activation() nn.Activation { return nn.Identity }

func (s *maxPoolStep) size(n int) {
	if k := n * s.m.Outputs(); cap(s.arg) < k {
		s.arg = make([]int32, k)
	} else {
		s.arg = s.arg[:k]
	}
}

func (s *maxPoolStep) forward(_ *gemm.Multiplier, _ []float64, in, act blas64.General) {
	s.m.Max(act, s.arg, in)
}

func (s *maxPoolStep) backward(_ *gemm.Multiplier, _, _ []float64, _, delta, below blas64.General) {
	if below.Rows > 0 {
		maxPoolBackward(delta, below, s.arg)
	}
}

// avgPoolStep is average pooling: δ/P² is spread over each window.
type avgPoolStep struct{ a *nn.AvgPool }

func (s avgPoolStep) outputs() int            { return s.a.Outputs() }
func (avgPoolStep) activation() nn.Activation { return nn.Identity }
func (avgPoolStep) size(int)                  {}

func (s avgPoolStep) forward(_ *gemm.Multiplier, _ []float64, in, act blas64.General) {
	avgPoolForward(s.a, act, in)
}

func (s avgPoolStep) backward(_ *gemm.Multiplier, _, _ []float64, _, delta, below blas64.General) {
	if below.Rows > 0 {
		avgPoolBackward(s.a, delta, below)
	}
}
