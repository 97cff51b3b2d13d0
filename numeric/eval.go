package numeric

import (
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/nn"
)

// coster evaluates K at a private, perturbable copy of A. begin loads A and the batch (which
// must have been validated) and records the signs of the ReLU pre-activations at A; shift
// sets the copy's entry j to Aⱼ + d, along sets the copy to A + d·v, restore undoes shift,
// restoreAll undoes along. cost evaluates K at the copy and counts the evaluation; crossed
// reports whether the last cost evaluation lay on another smooth piece of K than A (the
// perturbation crossed a kink of K, as nn.Piece records it).
type coster interface {
	begin(A []float64, b nn.Batch)
	shift(j int, d float64)
	restore(j int)
	along(d float64, v []float64)
	restoreAll()
	cost() float64
	crossed() bool
	calls() int
}

// eval64 is the float64 coster: the reference forward pass nn.Evaluator on a private copy.
type eval64 struct {
	ev     *nn.Evaluator
	a      []float64 // private copy, perturbed
	orig   []float64 // the caller's A, read only
	b      nn.Batch
	smooth bool     // the network has no non-smooth point
	base   nn.Piece // the piece of K at A
	count  int
}

func newEval64(net *nn.Network) *eval64 {
	return &eval64{ev: nn.NewEvaluatorThreads(net, 1), a: make([]float64, net.NumParams()), smooth: net.Smooth()}
}

func (e *eval64) begin(A []float64, b nn.Batch) {
	copy(e.a, A)
	e.orig, e.b = A, b
	if !e.smooth {
		e.ev.Forward(A, b.X)
		e.base = e.ev.Piece(e.base[:0])
	}
}

func (e *eval64) crossed() bool { return !e.smooth && !e.ev.OnPiece(e.base) }

func (e *eval64) shift(j int, d float64) { e.a[j] = e.orig[j] + d }
func (e *eval64) restore(j int)          { e.a[j] = e.orig[j] }

func (e *eval64) along(d float64, v []float64) {
	for i, x := range e.orig {
		e.a[i] = x + d*v[i]
	}
}

func (e *eval64) restoreAll() { copy(e.a, e.orig) }

func (e *eval64) cost() float64 {
	e.count++
	return e.ev.Cost(e.a, e.b)
}

func (e *eval64) calls() int { return e.count }

// eval32 is the float32 coster: numeric's own forward pass in single precision, as a GPU
// would run it. Parameters, inputs and targets are rounded to float32, the perturbation is
// added in float32 (so the step actually taken is the float32 difference), the layer products
// accumulate in float32 (gonum's blas32) and so does the cost. Activations are evaluated in
// float64 and rounded, which is what a correctly rounded float32 library gives; so are the exp and
// log of the cross-entropy's log-sum-exp.
type eval32 struct {
	net      *nn.Network
	layers   []dense
	a, orig  []float32
	x, z     []float32
	n        int
	pre, act []blas32.General
	buf      []float32
	smooth   bool      // the network has no non-smooth point
	base     nn.Piece  // the piece of K at A
	cur      nn.Piece  // the piece of the last cost evaluation
	wide     []float64 // a layer's input and pre-activations widened to float64 for Layer.Sides
	count    int
	costs    costFuncs
}

func newEval32(net *nn.Network, layers []dense, costs costFuncs) *eval32 {
	n := net.NumParams()
	return &eval32{net: net, layers: layers, costs: costs, a: make([]float32, n), orig: make([]float32, n), smooth: net.Smooth(),
		pre: make([]blas32.General, net.NumLayers()), act: make([]blas32.General, net.NumLayers())}
}

func (e *eval32) begin(A []float64, b nn.Batch) {
	for i, v := range A {
		e.orig[i] = float32(v)
	}
	copy(e.a, e.orig)
	n := b.Len()
	e.x = toFloat32(e.x, b.X.RawMatrix())
	e.z = toFloat32(e.z, b.Z.RawMatrix())
	if n != e.n {
		total := 0
		for _, l := range e.net.Layers() {
			total += 2 * n * l.Outputs()
		}
		if cap(e.buf) < total {
			e.buf = make([]float32, total)
		}
		buf := e.buf[:total]
		for i, l := range e.net.Layers() {
			k := n * l.Outputs()
			e.pre[i] = blas32.General{Rows: n, Cols: l.Outputs(), Stride: l.Outputs(), Data: buf[:k:k]}
			e.act[i] = blas32.General{Rows: n, Cols: l.Outputs(), Stride: l.Outputs(), Data: buf[k : 2*k : 2*k]}
			buf = buf[2*k:]
		}
		e.n = n
	}
	if !e.smooth {
		e.cost()
		e.count--
		e.base = e.piece(e.base[:0])
	}
}

func (e *eval32) crossed() bool {
	if e.smooth {
		return false
	}
	e.cur = e.piece(e.cur[:0])
	return !slices.Equal(e.cur, e.base)
}

// piece appends the piece of K of the last cost evaluation (see nn.Piece): each non-smooth
// layer's input and pre-activations, widened to float64, as its Sides reads them.
func (e *eval32) piece(dst nn.Piece) nn.Piece {
	for l, layer := range e.net.Layers() {
		if layer.Kink() == nn.Smooth {
			continue
		}
		in := blas32.General{Rows: e.n, Cols: e.net.Inputs(), Stride: e.net.Inputs(), Data: e.x}
		if l > 0 {
			in = e.act[l-1]
		}
		pre := e.pre[l]
		if need := len(in.Data) + len(pre.Data); cap(e.wide) < need {
			e.wide = make([]float64, need)
		}
		w := e.wide[:len(in.Data)+len(pre.Data)]
		for i, v := range in.Data {
			w[i] = float64(v)
		}
		for i, v := range pre.Data {
			w[len(in.Data)+i] = float64(v)
		}
		dst = layer.Sides(dst,
			blas64.General{Rows: in.Rows, Cols: in.Cols, Stride: in.Stride, Data: w[:len(in.Data)]},
			blas64.General{Rows: pre.Rows, Cols: pre.Cols, Stride: pre.Stride, Data: w[len(in.Data):]})
	}
	return dst
}

// toFloat32 copies a matrix into dst (grown if needed), densely packed, rounded to float32.
func toFloat32(dst []float32, m blas64.General) []float32 {
	if cap(dst) < m.Rows*m.Cols {
		dst = make([]float32, m.Rows*m.Cols)
	}
	dst = dst[:m.Rows*m.Cols]
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Data[i*m.Stride : i*m.Stride+m.Cols] {
			dst[i*m.Cols+j] = float32(v)
		}
	}
	return dst
}

func (e *eval32) shift(j int, d float64) { e.a[j] = e.orig[j] + float32(d) }
func (e *eval32) restore(j int)          { e.a[j] = e.orig[j] }

func (e *eval32) along(d float64, v []float64) {
	for i, x := range e.orig {
		e.a[i] = x + float32(d*v[i])
	}
}

func (e *eval32) restoreAll() { copy(e.a, e.orig) }

func (e *eval32) cost() float64 {
	e.count++
	in := blas32.General{Rows: e.n, Cols: e.net.Inputs(), Stride: e.net.Inputs(), Data: e.x}
	for l, d := range e.layers {
		w, bias := weights(d, e.a)
		pre, act := e.pre[l], e.act[l]
		for i := 0; i < e.n; i++ {
			copy(pre.Data[i*pre.Stride:i*pre.Stride+d.Out], bias)
		}
		W := blas32.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, in, W, 1, pre)
		for i, v := range pre.Data {
			act.Data[i] = float32(d.Act.F(float64(v)))
		}
		in = act
	}
	var k float32
	m := in.Cols
	for i := range e.n {
		k = e.costs.f32(k, in.Data[i*m:(i+1)*m], e.z[i*m:(i+1)*m])
	}
	return float64(k)
}

func (e *eval32) calls() int { return e.count }
