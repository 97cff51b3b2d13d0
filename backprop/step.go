package backprop

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/gradients"
	"nabla/nn"
)

// step is one layer's part of the algorithm: its forward pass, and its backward rules from
// δ = ∂K/∂ŷ of the layer. Pooling layers have no σ (the identity): their ŷ is their output.
type step interface {
	layer() nn.Layer
	// size lays out the step's scratch for batches of n pairs.
	size(n int)
	// forward writes y = σ(ŷ) of the batch in (one pair a row) into act, from the layer's
	// parameters p (its view of A).
	forward(p []float64, in, act blas64.General)
	// backward writes ∂K/∂p into g (the layer's view of the gradient, overwritten) from
	// delta = ∂K/∂ŷ and the layer input in and, when below has rows, ∂K/∂(input) into below
	// (overwritten; the σ' of the layer below is applied by the caller).
	backward(p, g []float64, in, delta, below blas64.General)
}

// newStep is the engine's one switch on the layer kinds; below says whether the layer has a
// layer below it (whose ∂K/∂y is needed).
func newStep(l nn.Layer, below bool) (step, error) {
	switch l := l.(type) {
	case *nn.Dense:
		return denseStep{l}, nil
	case *nn.Conv2D:
		return &convStep{c: l, below: below}, nil
	case *nn.MaxPool:
		return &maxPoolStep{m: l}, nil
	case *nn.AvgPool:
		return avgPoolStep{l}, nil
	default:
		return nil, fmt.Errorf("%w: layer kind %T", gradients.ErrUnsupported, l)
	}
}

// denseStep is a dense layer, the notes' formulas:
//
//	forward   Ŷ = Y Wᵀ + 1 bᵀ, then σ in place
//	∂K/∂W = Σ over the batch of δ yᵀ  (= Δᵀ Y)                               [4]
//	∂K/∂b = Σ over the batch of δ     (the column sums of Δ)                  [3]
//	∂K/∂y = Wᵀ δ                      (= Δ W; then ⊙ σ' below: γ of [2])
type denseStep struct{ d *nn.Dense }

func (s denseStep) layer() nn.Layer { return s.d }
func (denseStep) size(int)          {}

func (s denseStep) forward(p []float64, in, act blas64.General) {
	d := s.d
	w, bias := d.Split(p)
	for i := 0; i < in.Rows; i++ {
		copy(act.Data[i*act.Stride:i*act.Stride+d.Out], bias)
	}
	W := blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
	gemm(blas.NoTrans, blas.Trans, 1, in, W, 1, act)
	d.Act.Apply(act.Data, act.Data)
}

func (s denseStep) backward(p, g []float64, in, delta, below blas64.General) {
	d, n := s.d, delta.Rows
	gw, gb := d.Split(g)
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
		gemm(blas.Trans, blas.NoTrans, 1, rowsFrom(delta, 1), rowsFrom(in, 1), 1, blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: gw})
		for i := 1; i < n; i++ {
			for j, v := range delta.Data[i*delta.Stride : i*delta.Stride+d.Out] {
				gb[j] += v
			}
		}
	}
	if below.Rows == 0 {
		return
	}
	w, _ := d.Split(p)
	gemm(blas.NoTrans, blas.NoTrans, 1, delta, blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}, 0, below)
}

// convStep is a convolutional layer: [C0]–[C4] of conv.go.
type convStep struct {
	c     *nn.Conv2D
	below bool
	w     convWork
	n     int
}

func (s *convStep) layer() nn.Layer { return s.c }

func (s *convStep) size(n int) {
	if n != s.n {
		s.w, s.n = newConvWork(s.c, n, s.below), n
	}
}

func (s *convStep) forward(p []float64, in, act blas64.General) {
	kernel, bias := s.c.Split(p)
	convForward(s.c, &s.w, act, in, kernel, bias)
	s.c.Act.Apply(act.Data, act.Data)
}

func (s *convStep) backward(p, g []float64, _, delta, below blas64.General) {
	kernel, _ := s.c.Split(p)
	gk, gb := s.c.Split(g)
	convBackward(s.c, &s.w, delta, kernel, gk, gb, below)
}

// maxPoolStep is max pooling: δ is routed to the arg-max of each window.
type maxPoolStep struct {
	m   *nn.MaxPool
	arg []int32 // per pair and output, the index of the window's maximum in the pair's input
}

func (s *maxPoolStep) layer() nn.Layer { return s.m }

func (s *maxPoolStep) size(n int) {
	if k := n * s.m.Outputs(); cap(s.arg) < k {
		s.arg = make([]int32, k)
	} else {
		s.arg = s.arg[:k]
	}
}

func (s *maxPoolStep) forward(_ []float64, in, act blas64.General) {
	maxPoolForward(s.m, act, in, s.arg)
}

func (s *maxPoolStep) backward(_, _ []float64, _, delta, below blas64.General) {
	if below.Rows > 0 {
		maxPoolBackward(delta, below, s.arg)
	}
}

// avgPoolStep is average pooling: δ/P² is spread over each window.
type avgPoolStep struct{ a *nn.AvgPool }

func (s avgPoolStep) layer() nn.Layer { return s.a }
func (avgPoolStep) size(int)          {}

func (s avgPoolStep) forward(_ []float64, in, act blas64.General) { avgPoolForward(s.a, act, in) }

func (s avgPoolStep) backward(_, _ []float64, _, delta, below blas64.General) {
	if below.Rows > 0 {
		avgPoolBackward(s.a, delta, below)
	}
}
