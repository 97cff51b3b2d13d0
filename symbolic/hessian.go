package symbolic

import (
	"fmt"

	"nabla/gradients"
	"nabla/nn"
)

// Tangent returns, for each root, its directional derivative Σᵢ ∂root/∂xᵢ · dir[xᵢ] (forward
// accumulation over the shared DAG of the roots): every node's tangent is built once, from
// its operands' tangents by the same textbook rule as Diff, starting from dir[name] at a Var
// (the constant 0 for variables not in dir). The tangents are made by b and share the roots'
// nodes. Applied to the gradient DAG with dir the direction v, it gives the Hessian-vector
// product H·v as expressions.
func (b *Builder) Tangent(roots []Expr, dir map[string]Expr) []Expr {
	d := newDAG(roots)
	memo := make([]Expr, len(d.order))
	get := func(c Expr) Expr { return memo[d.pos(c)] }
	for i, n := range d.order {
		if v, ok := n.(*Var); ok {
			if t, ok := dir[v.Name]; ok {
				memo[i] = b.Import(t)
			} else {
				memo[i] = b.Const(0)
			}
			continue
		}
		memo[i] = b.diffNode(n, "", get)
	}
	out := make([]Expr, len(roots))
	for k, r := range roots {
		out[k] = memo[d.pos(r)]
	}
	return out
}

// DirectionName names the entry of the direction v that goes with a parameter in H·v
// expressions: "v·W1[2,3]".
func DirectionName(param string) string { return "v·" + param }

// HvDerivation is the Hessian-vector product of a network's cost as expressions: the tangent
// of the gradient DAG along a direction v whose entries are variables, and its program.
type HvDerivation struct {
	*Derivation
	Hv        []Expr   // (H·v)ᵢ for one training pair, in the order of A
	Dirs      []string // the direction's variable names (DirectionName of each parameter)
	HvProgram *Program // outputs K, (H·v)₀, …; variables Params, Dirs, Inputs, Targets
	// CostNodes, GradNodes and HvNodes are the distinct nodes (DAGSize) of K, of K with ∇K,
	// and of K with ∇K and H·v: the growth from first to second order.
	CostNodes, GradNodes, HvNodes int
}

// DeriveNetworkHv derives the network's cost and gradient (DeriveNetwork), differentiates the
// gradient DAG along a symbolic direction (Tangent), and compiles K and H·v into one program.
func DeriveNetworkHv(net *nn.Network) (*HvDerivation, error) {
	d, err := DeriveNetwork(net)
	if err != nil {
		return nil, err
	}
	b := d.Builder
	dir := make(map[string]Expr, len(d.Params))
	dirs := make([]string, len(d.Params))
	for i, p := range d.Params {
		dirs[i] = DirectionName(p)
		dir[p] = b.Var(dirs[i])
	}
	hv := b.Tangent(d.Grad, dir)
	vars := make([]string, 0, 2*len(d.Params)+len(d.Inputs)+len(d.Targets))
	vars = append(append(append(append(vars, d.Params...), dirs...), d.Inputs...), d.Targets...)
	prog, err := Compile(append([]Expr{d.Cost}, hv...), vars)
	if err != nil {
		return nil, err
	}
	return &HvDerivation{
		Derivation: d, Hv: hv, Dirs: dirs, HvProgram: prog,
		CostNodes: DAGSize(d.Cost),
		GradNodes: DAGSize(append([]Expr{d.Cost}, d.Grad...)...),
		HvNodes:   DAGSize(append(append([]Expr{d.Cost}, d.Grad...), hv...)...),
	}, nil
}

// hvCache holds the compiled H·v batch program of each architecture.
var hvCache progCache

// hvState is an Engine's H·v program and buffers, made on its first Hv call.
type hvState struct {
	bp      *BatchProgram
	uniform []float64 // A, then v
	out     []float64 // K, then H·v
}

var _ gradients.HessianVector = (*Engine)(nil)

// hvProgram returns the engine's H·v state, deriving and compiling it once per architecture.
func (e *Engine) hvProgram() (*hvState, error) {
	if e.hv != nil {
		return e.hv, nil
	}
	tmpl, err := hvCache.get(e.net, func() (*BatchProgram, error) {
		d, err := DeriveNetworkHv(e.net)
		if err != nil {
			return nil, err
		}
		return d.HvProgram.Batch(append(append([]string(nil), d.Inputs...), d.Targets...), 0)
	})
	if err != nil {
		return nil, err
	}
	n := e.net.NumParams()
	e.hv = &hvState{bp: tmpl.Clone(), uniform: make([]float64, 2*n), out: make([]float64, 1+n)}
	return e.hv, nil
}

// Hv writes H(A)·v on the batch into dst (allocated if nil; otherwise it must have length
// NumParams, or Hv panics) and returns it with K. The first call derives the tangent of the
// gradient DAG along a symbolic direction (DeriveNetworkHv) and compiles it, once per
// architecture; every call evaluates that program over the batch with the parameters and v as
// uniform variables and sums over the training pairs.
func (e *Engine) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	n := e.net.NumParams()
	dst = gradients.CheckDst("symbolic", dst, n)
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("symbolic: %w", err)
	}
	if err := gradients.CheckDirection("symbolic", e.net, v); err != nil {
		return nil, 0, err
	}
	s, err := e.hvProgram()
	if err != nil {
		return nil, 0, err
	}
	copy(s.uniform, A)
	copy(s.uniform[n:], v)
	s.bp.Sum(s.out, s.uniform, e.batchData(b), b.Len())
	copy(dst, s.out[1:])
	return dst, s.out[0], nil
}
