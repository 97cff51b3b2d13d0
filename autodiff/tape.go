package autodiff

import (
	"fmt"

	"nabla/internal/gemm"
	"nabla/internal/par"
)

// opKind names the operation that produced a tensor. The value, tangent (forward-mode) and
// adjoint (reverse-mode) rules of every kind live in ops.go, side by side.
type opKind uint8

const (
	opLeaf opKind = iota // Var, Const, Scalar: no inputs
	opMatMul
	opMatMulT
	opTranspose
	opAdd
	opSub
	opMul
	opScale
	opSigmoid
	opTanh
	opReLU
	opExp
	opLog
	opSquare
	opSin
	opCos
	opSum
	opSlice
	opLogSumExp
	opConv2D
	opChannelBias
	opMaxPool
	opAvgPool
	opLinear
	opSquaredDistance
)

var opNames = [...]string{
	opLeaf: "leaf", opMatMul: "MatMul", opMatMulT: "MatMulT", opTranspose: "Transpose",
	opAdd: "Add", opSub: "Sub", opMul: "Mul", opScale: "Scale", opSigmoid: "Sigmoid",
	opTanh: "Tanh", opReLU: "ReLU", opExp: "Exp", opLog: "Log", opSquare: "Square",
	opSin: "Sin", opCos: "Cos", opSum: "Sum", opSlice: "Slice", opLogSumExp: "LogSumExp",
	opConv2D: "Conv2D", opChannelBias: "ChannelBias", opMaxPool: "MaxPool", opAvgPool: "AvgPool",
	opLinear: "Linear", opSquaredDistance: "SquaredDistance",
}

func (o opKind) String() string { return opNames[o] }

// Tensor is one entry of a Tape: a Rows × Cols matrix of float64 in row-major order (a vector
// is a matrix with one column or one row, a scalar is 1 × 1), the operation that produced it
// and its inputs, and, once computed, its tangent (forward mode) and its adjoint (reverse
// mode). Tensors are created only by a Tape's methods and belong to it: Tape.Reset recycles
// them, so a *Tensor must not be used after the tape it came from was reset.
type Tensor struct {
	rows, cols int
	value      []float64 // the value; owned (vbuf), the caller's slice (Var, Const) or a view (Slice)
	grad       []float64 // adjoint ∂out/∂this after Backward; nil when not needed
	tangent    []float64 // tangent (forward mode) when hasTangent
	vbuf       []float64 // owned storage, kept across Reset
	gbuf       []float64
	gext       []float64 // caller's storage for the adjoint (SetGradBuffer), or nil
	tbuf       []float64
	gtan       []float64 // tangent of the adjoint after BackwardTangents; nil when not needed
	gtbuf      []float64
	gtext      []float64 // caller's storage for gtan (SetGradTangentBuffer), or nil
	op         opKind
	x, y       *Tensor   // inputs
	b          *Tensor   // Linear's and Conv2DBias's bias, a third input; nil for the others
	s          float64   // Scale's factor
	off        int       // Slice's offset into x's data
	geom       geometry  // Conv2D's and the poolings' shapes
	aux, aux2  []float64 // Conv2D's im2col matrices and scratch, kept across Reset
	args       []int32   // MaxPool's chosen entries, kept across Reset
	index      int       // position on the tape
	tape       *Tape
	needGrad   bool // a Var is among the inputs (transitively): Backward gives it an adjoint
	hasTangent bool // a seeded Var is among the inputs: its tangent is not identically zero
	// swept is the tape's sweep (Tape.sweep) in which a rule last pushed to the adjoint. Any
	// other value: no rule has pushed to it in this sweep yet and its storage still holds
	// whatever it held before; the first rule to push takes the storage (grad) and writes (=)
	// instead of adding, so an adjoint that its first contribution fully overwrites is never
	// zeroed (see adjoint).
	swept uint64
}

// Shape returns the number of rows and columns.
func (x *Tensor) Shape() (rows, cols int) { return x.rows, x.cols }

// Len returns Rows·Cols, the number of entries.
func (x *Tensor) Len() int { return x.rows * x.cols }

// Value returns the tensor's entries in row-major order. The slice belongs to the tape (or,
// for Var and Const and for Slice and At of them, is the caller's slice or part of it) and
// must not be modified.
func (x *Tensor) Value() []float64 { return x.value }

// Scalar returns the value of a 1 × 1 tensor; it panics for other shapes.
func (x *Tensor) Scalar() float64 {
	if x.rows != 1 || x.cols != 1 {
		panic(fmt.Sprintf("autodiff: Scalar of a %d×%d tensor", x.rows, x.cols))
	}
	return x.value[0]
}

// Grad returns the adjoint ∂out/∂x computed by the last Backward(out), in the shape of x, or
// nil when x does not depend on any Var (its adjoint is not needed). The slice belongs to the
// tape.
func (x *Tensor) Grad() []float64 { return x.grad }

// Tangent returns the forward-mode tangent ẋ = Σ (∂x/∂v)·v̇ over the seeded Vars v, or nil when
// no seeded Var is among x's inputs (the tangent is zero). It is computed when x is recorded
// and again by Tape.Tangents. The slice belongs to the tape.
func (x *Tensor) Tangent() []float64 {
	if !x.hasTangent {
		return nil
	}
	return x.tangent
}

// SetTangent seeds the tangent of a leaf (Var or Const) for forward mode: tensors recorded
// afterwards carry tangents, and Tape.Tangents recomputes every tangent from the current
// seeds. The slice is used, not copied, and must have length Len; nil removes the seed (a
// zero tangent). SetTangent panics on a tensor that is not a leaf.
func (x *Tensor) SetTangent(v []float64) {
	if x.op != opLeaf {
		panic("autodiff: SetTangent on " + x.op.String() + ", not a leaf")
	}
	if v == nil {
		x.hasTangent, x.tangent = false, nil
		return
	}
	if len(v) != x.Len() {
		panic(fmt.Sprintf("autodiff: SetTangent: len(v) = %d, want %d", len(v), x.Len()))
	}
	x.hasTangent, x.tangent = true, v
}

// SetGradBuffer makes Backward write x's adjoint into g (which must have length Len) instead
// of storage owned by the tape, so that a caller who wants the adjoint in its own slice does
// not have to copy it; nil returns to tape-owned storage. The setting lasts until the tape is
// reset. Backward overwrites g, or leaves it untouched when x needs no adjoint.
func (x *Tensor) SetGradBuffer(g []float64) {
	if g != nil && len(g) != x.Len() {
		panic(fmt.Sprintf("autodiff: SetGradBuffer: len(g) = %d, want %d", len(g), x.Len()))
	}
	x.gext = g
}

// Tape records operations on tensors in the order they are made (a Wengert list). That order
// is topological — an operation's inputs are always recorded before it — so one sweep backwards
// (Backward) accumulates every adjoint, and one sweep forwards (Tangents) every tangent.
//
// A tape is reused: Reset forgets the recorded operations but keeps their tensors and
// buffers, and recording the same sequence of operations on the same shapes again allocates
// nothing. The zero Tape is ready to use. A Tape is not safe for concurrent use.
type Tape struct {
	nodes   []*Tensor // recorded tensors; nodes[:n] are live, the rest wait for reuse
	n       int
	mul     *gemm.Multiplier   // the matrix products; nil: on the caller's goroutine
	ew      *par.Pool          // large elementwise ops; nil: on the caller's goroutine
	elem    elementSpans       // the elementwise op in progress on ew
	bs      biasSums           // the bias adjoint in progress on ew
	br      biasRows           // the bias rows in progress on ew
	conv    convPass           // the Conv2D pass in progress on ew
	pooling poolPass           // the pooling pass in progress on ew
	muls    []*gemm.Multiplier // single-thread Multipliers, one per part of a split pass
	sweep   uint64             // the number of Backward and BackwardTangents sweeps so far
}

// NewTape returns an empty tape whose matrix products run on par.Threads() threads (all
// cores, or nabla's --threads), with the same result for any number of threads.
func NewTape() *Tape { return &Tape{mul: gemm.New(0), ew: par.NewPool(0)} }

// Reset forgets every recorded tensor, keeping their storage for the next recording.
// Tensors obtained before Reset must not be used afterwards.
func (t *Tape) Reset() { t.n = 0 }

// Len returns the number of tensors recorded since the last Reset.
func (t *Tape) Len() int { return t.n }

// grow returns (*buf)[:n], reallocating *buf when it is too small.
func grow(buf *[]float64, n int) []float64 {
	if cap(*buf) < n {
		*buf = make([]float64, n)
	}
	return (*buf)[:n]
}

// node appends a tensor of the given kind and shape to the tape, reusing a recycled one.
func (t *Tape) node(op opKind, rows, cols int) *Tensor {
	var z *Tensor
	if t.n < len(t.nodes) {
		z = t.nodes[t.n]
	} else {
		z = &Tensor{}
		t.nodes = append(t.nodes, z)
	}
	// Field by field rather than *z = Tensor{…}: the buffers stay, and fields already zero
	// are not written again (this is the per-operation overhead on small networks).
	z.rows, z.cols, z.op, z.index, z.tape = rows, cols, op, t.n, t
	if z.x != nil {
		z.x, z.y, z.b = nil, nil, nil
	}
	if z.value != nil {
		z.value = nil
	}
	if z.grad != nil || z.gext != nil {
		z.grad, z.gext = nil, nil
	}
	if z.gtan != nil || z.gtext != nil {
		z.gtan, z.gtext = nil, nil
	}
	if z.tangent != nil {
		z.tangent = nil
	}
	z.s, z.off, z.needGrad, z.hasTangent, z.swept = 0, 0, false, false, 0
	t.n++
	return z
}

// owns panics unless x was recorded on t since its last Reset.
func (t *Tape) owns(x *Tensor) {
	if x == nil || x.tape != t || x.index >= t.n || t.nodes[x.index] != x {
		panic("autodiff: tensor is not on this tape (or the tape was reset since)")
	}
}

func (t *Tape) leaf(rows, cols int, value []float64, what string) *Tensor {
	if rows < 1 || cols < 1 || len(value) != rows*cols {
		panic(fmt.Sprintf("autodiff: %s: %d values for a %d×%d tensor", what, len(value), rows, cols))
	}
	z := t.node(opLeaf, rows, cols)
	z.value = value
	return z
}

// Var records an independent variable: a rows × cols tensor whose values are value (used,
// not copied; it must not change while the tape is in use). Backward computes adjoints with
// respect to Vars.
func (t *Tape) Var(rows, cols int, value []float64) *Tensor {
	z := t.leaf(rows, cols, value, "Var")
	z.needGrad = true
	return z
}

// Const records a constant tensor (data, targets): like Var, but no adjoint is computed for
// it or for anything that depends only on constants.
func (t *Tape) Const(rows, cols int, value []float64) *Tensor {
	return t.leaf(rows, cols, value, "Const")
}

// Scalar records the 1 × 1 constant v.
func (t *Tape) Scalar(v float64) *Tensor {
	z := t.node(opLeaf, 1, 1)
	z.value = grow(&z.vbuf, 1)
	z.value[0] = v
	return z
}

// record finishes a new operation tensor whose value has been computed: it decides whether
// the tensor needs an adjoint and carries a tangent, and computes the tangent (dual-number
// evaluation: the tangent travels with the value).
func (t *Tape) record(z *Tensor) *Tensor {
	z.needGrad = z.x.needGrad || (z.y != nil && z.y.needGrad) || (z.b != nil && z.b.needGrad)
	z.hasTangent = z.x.hasTangent || (z.y != nil && z.y.hasTangent) || (z.b != nil && z.b.hasTangent)
	if z.hasTangent {
		z.tangent = grow(&z.tbuf, z.Len())
		jvp(z)
	}
	return z
}

// Backward computes the adjoint ∂out/∂x of every tensor x recorded up to out that depends on
// a Var, in one reverse sweep over the tape: the adjoint of out is set to 1, and each
// operation, from last to first, adds its output's adjoint times its local derivative to its
// inputs' adjoints. An adjoint starts at 0; it is not zeroed ahead of the sweep, nor is the
// tape walked to prepare it: the first rule that pushes to it in this sweep takes its storage
// and writes instead of adding (a product with β = 0, an elementwise rule with =), so that an
// adjoint fully overwritten by its first contribution costs no clearing pass. An adjoint
// nothing pushed to is zeroed when the sweep reaches it, and its operation pushes nothing.
// out must be a 1 × 1 tensor of this tape. Read the results with Grad.
func (t *Tape) Backward(out *Tensor) {
	t.owns(out)
	if out.rows != 1 || out.cols != 1 {
		panic(fmt.Sprintf("autodiff: Backward of a %d×%d tensor; want a scalar (1×1)", out.rows, out.cols))
	}
	t.sweep++
	for _, z := range t.nodes[out.index+1 : t.n] {
		z.grad = nil
	}
	if out.needGrad {
		out.grad = out.adjointStorage()
		out.grad[0], out.swept = 1, t.sweep
	}
	for i := out.index; i >= 0; i-- {
		z := t.nodes[i]
		if !z.needGrad {
			continue
		}
		if z.swept != t.sweep { // nothing depends on z on the way to out: its adjoint is 0
			z.grad, z.swept = z.adjointStorage(), t.sweep
			t.clearAdjoint(z.grad)
			continue
		}
		if z.op != opLeaf {
			vjp(z)
		}
	}
}

// adjointStorage returns the storage of x's adjoint: the caller's (SetGradBuffer) or the
// tape's.
func (x *Tensor) adjointStorage() []float64 {
	if x.gext != nil {
		return x.gext
	}
	return grow(&x.gbuf, x.Len())
}

// adjoint returns x's adjoint for a rule that adds to it (+=), zeroing it first if no rule
// has pushed to it yet in this sweep.
func (x *Tensor) adjoint() []float64 {
	if x.swept != x.tape.sweep {
		x.grad, x.swept = x.adjointStorage(), x.tape.sweep
		x.tape.clearAdjoint(x.grad)
	}
	return x.grad
}

// adjointOrFresh returns x's adjoint and whether it is fresh: no rule has pushed to it yet
// in this sweep, so the caller must write (=) every entry of it rather than add. Either way,
// later rules add.
func (x *Tensor) adjointOrFresh() (g []float64, fresh bool) {
	if x.swept != x.tape.sweep {
		x.grad, x.swept = x.adjointStorage(), x.tape.sweep
		return x.grad, true
	}
	return x.grad, false
}

// Tangents recomputes every tangent in one forward sweep over the tape from the current
// seeds of the leaves (see SetTangent), without recomputing values: forward mode for a new
// direction on the same recording.
func (t *Tape) Tangents() {
	for _, z := range t.nodes[:t.n] {
		if z.op == opLeaf {
			continue
		}
		t.record(z)
	}
}
