package autodiff

import "fmt"

// Func is a scalar function of a vector written with a tape's operations: it receives its
// argument as an n×1 Var x on t, records its computation on t and returns a 1×1 tensor.
// Being ordinary Go, it may use loops, branches and helper functions; only the operations
// recorded on t are differentiated.
type Func func(t *Tape, x *Tensor) *Tensor

// call records f at x on a fresh tape, with x seeded by the tangent v when v is not nil.
func (f Func) call(t *Tape, x, v []float64) *Tensor {
	if len(x) == 0 {
		panic("autodiff: function of an empty vector")
	}
	X := t.Var(len(x), 1, x)
	if v != nil {
		X.SetTangent(v)
	}
	y := f(t, X)
	t.owns(y)
	if y.rows != 1 || y.cols != 1 {
		panic(fmt.Sprintf("autodiff: function returned a %d×%d tensor; want a scalar (1×1)", y.rows, y.cols))
	}
	return y
}

// Grad returns f(x) and ∇f(x), written into dst (allocated when nil; otherwise it must have
// length len(x)), by reverse mode: one recording of f and one backward sweep. It panics if f
// does not return a scalar of the tape it was given.
func Grad(dst []float64, f Func, x []float64) ([]float64, float64) {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic(fmt.Sprintf("autodiff: Grad: len(dst) = %d, want %d", len(dst), len(x)))
	}
	var t Tape
	y := f.call(&t, x, nil)
	t.Backward(y)
	X := t.nodes[0]
	if X.grad == nil { // y does not depend on x
		clear(dst)
	} else {
		copy(dst, X.grad)
	}
	return dst, y.Scalar()
}

// JVP returns f(x) and the directional derivative ∇f(x)·v by forward mode: one evaluation of
// f on dual numbers, each value carrying its tangent. v must have length len(x).
func JVP(f Func, x, v []float64) (fx, dfv float64) {
	if len(v) != len(x) {
		panic(fmt.Sprintf("autodiff: JVP: len(v) = %d, want %d", len(v), len(x)))
	}
	var t Tape
	y := f.call(&t, x, v)
	return y.Scalar(), tangentOf(y)
}
