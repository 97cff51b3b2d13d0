package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"nabla/internal/gemm"
	"nabla/internal/par"
)

// Evaluator runs the reference forward pass and the cost on whole batches. It keeps its
// buffers between calls, so after the first call on a batch size it allocates nothing. An
// Evaluator is not safe for concurrent use; make one per goroutine.
//
// Evaluator does not validate its inputs (callers check once with Network.Check); it panics
// if A has the wrong length or the batch the wrong width.
type Evaluator struct {
	net *Network
	pre []blas64.General // pre[l]: N × Outputs of layer l, Wx + b
	act []blas64.General // act[l]: σ(pre[l])
	buf []float64
	n   int
	x   blas64.General // the inputs of the last Forward
	cur Piece          // scratch for OnPiece
	mul *gemm.Multiplier
	// scratch is the buffer of the layers that need one (a convolution's im2col matrix).
	scratch []float64
}

// NewEvaluator returns an Evaluator for the network whose products run on par.Threads()
// threads (all cores, or nabla's --threads).
func NewEvaluator(net *Network) *Evaluator { return NewEvaluatorThreads(net, 0) }

// NewEvaluatorThreads returns an Evaluator whose products run on the given number of threads
// (0: par.Threads(); 1: on the caller's goroutine alone).
func NewEvaluatorThreads(net *Network, threads int) *Evaluator {
	e := &Evaluator{net: net, pre: make([]blas64.General, len(net.layers)), act: make([]blas64.General, len(net.layers))}
	if par.Resolve(threads) > 1 {
		e.mul = gemm.New(threads)
	}
	return e
}

func (e *Evaluator) size(n int) {
	if n == e.n {
		return
	}
	total := 0
	for _, l := range e.net.layers {
		total += 2 * n * l.Outputs()
	}
	if cap(e.buf) < total {
		e.buf = make([]float64, total)
	}
	buf := e.buf[:total]
	for i, l := range e.net.layers {
		k := n * l.Outputs()
		e.pre[i] = blas64.General{Rows: n, Cols: l.Outputs(), Stride: l.Outputs(), Data: buf[:k:k]}
		e.act[i] = blas64.General{Rows: n, Cols: l.Outputs(), Stride: l.Outputs(), Data: buf[k : 2*k : 2*k]}
		buf = buf[2*k:]
	}
	e.n = n
}

// Forward computes the outputs z for every input row of X with parameters A and returns them
// as an N × outputs matrix in row-major order, owned by the Evaluator and valid until its next
// call. Layer by layer it computes ŷ = W x + b and y = σ(ŷ), the notes' forward pass.
func (e *Evaluator) Forward(A []float64, X *mat.Dense) blas64.General {
	if len(A) != e.net.nparams {
		panic(fmt.Sprintf("nn: Forward: len(A) = %d, want %d", len(A), e.net.nparams))
	}
	n, c := X.Dims()
	if c != e.net.Inputs() {
		panic(fmt.Sprintf("nn: Forward: X has %d columns, want %d", c, e.net.Inputs()))
	}
	e.size(n)
	in := X.RawMatrix()
	e.x = in
	for l, layer := range e.net.layers {
		layer.forward(e.mul, &e.scratch, e.net.LayerParams(A, l), in, e.pre[l], e.act[l])
		in = e.act[l]
	}
	return in
}

// forward computes pre = X Wᵀ + 1 bᵀ and act = σ(pre) for the batch in (one pair a row),
// the product on mul's threads.
func (d *Dense) forward(mul *gemm.Multiplier, _ *[]float64, p []float64, in, pre, act blas64.General) {
	w, b := d.Split(p)
	for i := 0; i < pre.Rows; i++ {
		copy(pre.Data[i*pre.Stride:i*pre.Stride+d.Out], b)
	}
	W := blas64.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
	mul.Gemm(blas.NoTrans, blas.Trans, 1, in, W, 1, pre)
	d.Act.Apply(act.Data, pre.Data)
}

// PreActivation returns layer l's (0-based) pre-activations ŷ = W x + b from the last Forward
// or Cost call, N × Outputs, row-major. The matrix is owned by the Evaluator.
func (e *Evaluator) PreActivation(l int) blas64.General { return e.pre[l] }

// Cost returns K over the batch for the network's cost kind (a plain sum over the pairs, not a
// mean): the notes' K = Σᵢ ‖z⁽ⁱ⁾ − z̄⁽ⁱ⁾‖² for Quadratic, −Σᵢ Σₖ z̄ₖ⁽ⁱ⁾ log softmax(z⁽ⁱ⁾)ₖ for
// CrossEntropy (see CostKind.RowCost).
func (e *Evaluator) Cost(A []float64, b Batch) float64 {
	z := e.Forward(A, b.X)
	zbar := b.Z.RawMatrix()
	if zbar.Rows != z.Rows || zbar.Cols != z.Cols {
		panic(fmt.Sprintf("nn: Cost: Z is %d×%d, want %d×%d", zbar.Rows, zbar.Cols, z.Rows, z.Cols))
	}
	var k float64
	for i := 0; i < z.Rows; i++ {
		k = e.net.cost.accumulate(k, z.Data[i*z.Stride:i*z.Stride+z.Cols], zbar.Data[i*zbar.Stride:i*zbar.Stride+zbar.Cols])
	}
	return k
}

// Cost validates A and the batch and returns K with the reference forward pass. It allocates;
// use an Evaluator in loops.
func (n *Network) Cost(A []float64, b Batch) (float64, error) {
	if err := n.Check(A, b); err != nil {
		return 0, err
	}
	return NewEvaluatorThreads(n, 1).Cost(A, b), nil
}

// Predict returns the network's output z for one input vector x. It allocates; use an
// Evaluator for batches.
func (n *Network) Predict(A, x []float64) ([]float64, error) {
	if err := n.CheckParams(A); err != nil {
		return nil, err
	}
	if len(x) != n.Inputs() {
		return nil, fmt.Errorf("%w: network %s takes inputs of length %d, got %d", ErrShape, n, n.Inputs(), len(x))
	}
	z := NewEvaluatorThreads(n, 1).Forward(A, mat.NewDense(1, len(x), append([]float64(nil), x...)))
	return append([]float64(nil), z.Data[:z.Cols]...), nil
}
