package numeric

import "nabla/nn"

// coster evaluates K at a private, perturbable copy of A. begin loads A and the batch (which
// must have been validated), shift sets the copy's entry j to Aⱼ + d, along sets the copy to
// A + d·v, restore undoes shift, restoreAll undoes along. cost evaluates K at the copy and
// counts the evaluation.
type coster interface {
	begin(A []float64, b nn.Batch)
	shift(j int, d float64)
	restore(j int)
	along(d float64, v []float64)
	restoreAll()
	cost() float64
	calls() int
}

// eval64 is the float64 coster: the reference forward pass nn.Evaluator on a private copy.
type eval64 struct {
	ev    *nn.Evaluator
	a     []float64 // private copy, perturbed
	orig  []float64 // the caller's A, read only
	b     nn.Batch
	count int
}

func newEval64(net *nn.Network) *eval64 {
	return &eval64{ev: nn.NewEvaluator(net), a: make([]float64, net.NumParams())}
}

func (e *eval64) begin(A []float64, b nn.Batch) {
	copy(e.a, A)
	e.orig, e.b = A, b
}

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
