package symbolic

import (
	"fmt"
	"strconv"

	"nabla/gradients"
	"nabla/nn"
)

// InputName and TargetName name the variables of a training pair in network expressions:
// x[i] is input i and zbar[k] the target of output k (1-based).
func InputName(i int) string { return "x[" + strconv.Itoa(i+1) + "]" }

// TargetName names the target of output k (0-based k, printed 1-based): zbar[k].
func TargetName(k int) string { return "zbar[" + strconv.Itoa(k+1) + "]" }

// NetworkVars returns the variable names of a network's cost expression: the parameters in
// the order of A (named as nn.Network.ParamName), the inputs x[i] and the targets zbar[k].
func NetworkVars(net *nn.Network) (params, inputs, targets []string) {
	params = make([]string, 0, net.NumParams())
	for _, blk := range net.Blocks() {
		for k := 0; k < blk.Len(); k++ {
			params = append(params, blk.EntryName(k))
		}
	}
	for i := 0; i < net.Inputs(); i++ {
		inputs = append(inputs, InputName(i))
	}
	for k := 0; k < net.Outputs(); k++ {
		targets = append(targets, TargetName(k))
	}
	return params, inputs, targets
}

// layerExprs writes one layer's outputs as expressions in its inputs y and its parameters,
// the entries of its blocks (named as nn.Block.EntryName).
type layerExprs func(b *Builder, y []Expr, blocks []nn.Block) []Expr

// exprsOf is symbolic's one switch over layer kinds: it returns how to write a layer as
// expressions, or an error wrapping gradients.ErrUnsupported for a kind it does not handle.
func exprsOf(layer nn.Layer) (layerExprs, error) {
	switch l := layer.(type) {
	case *nn.Dense:
		return dense{In: l.In, Out: l.Out, Act: l.Act}.exprs, nil
	case *nn.Conv2D:
		return func(b *Builder, y []Expr, blocks []nn.Block) []Expr { return b.conv(l, blocks, y) }, nil
	case *nn.MaxPool:
		return func(b *Builder, y []Expr, _ []nn.Block) []Expr { return b.pool(l.Pool, y, b.Max, nil) }, nil
	case *nn.AvgPool:
		return func(b *Builder, y []Expr, _ []nn.Block) []Expr {
			return b.pool(l.Pool, y, nil, b.Const(float64(l.P*l.P)))
		}, nil
	default:
		return nil, gradients.Unsupported("symbolic", layer)
	}
}

// supportsLayer is the registry's pre-flight (gradients.Info.SupportsLayer).
func supportsLayer(l nn.Layer) error {
	_, err := exprsOf(l)
	return err
}

// dense is a dense layer y = σ(W x + b), W of size Out × In.
type dense struct {
	In, Out int
	Act     nn.Activation
}

// exprs writes ŷⱼ = Σᵢ Wⱼᵢ yᵢ + bⱼ and σ(ŷⱼ) for every output j.
func (d dense) exprs(b *Builder, y []Expr, blocks []nn.Block) []Expr {
	wb, bb := blocks[0], blocks[1]
	next := make([]Expr, d.Out)
	for j := 0; j < d.Out; j++ {
		var u Expr
		for i := 0; i < d.In; i++ {
			t := b.Mul(b.Var(wb.EntryName(j*d.In+i)), y[i])
			if u == nil {
				u = t
			} else {
				u = b.Add(u, t)
			}
		}
		next[j] = b.activate(b.Add(u, b.Var(bb.EntryName(j))), d.Act)
	}
	return next
}

// activate applies the activation σ to u.
func (b *Builder) activate(u Expr, a nn.Activation) Expr {
	switch a {
	case nn.Sigmoid:
		return b.Sigmoid(u)
	case nn.Tanh:
		return b.Tanh(u)
	case nn.ReLU:
		return b.ReLU(u)
	case nn.Identity:
		return u
	}
	panic("symbolic: unknown activation " + a.String())
}

// NetworkCost returns the cost of one training pair as an expression in the parameters,
// inputs and targets (see NetworkVars), built layer by layer from the network's layer list
// (for a dense layer ŷⱼ = Σᵢ Wⱼᵢ yᵢ + bⱼ, then the layer's activation; cnn.go for convolution
// and pooling) and ending in the
// network's cost kind: K = Σₖ (zₖ − z̄ₖ)² for nn.Quadratic, the stable softmax cross-entropy
// for nn.CrossEntropy (see Builder.cost). A layer kind symbolic does not handle and an unknown
// cost kind are errors wrapping gradients.ErrUnsupported.
func (b *Builder) NetworkCost(net *nn.Network) (Expr, error) {
	steps := make([]layerExprs, net.NumLayers())
	for l, layer := range net.Layers() {
		step, err := exprsOf(layer)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		steps[l] = step
	}
	b.reserve(6*net.NumParams(), net.NumParams()+net.Inputs()+net.Outputs())
	y := make([]Expr, net.Inputs())
	for i := range y {
		y[i] = b.Var(InputName(i))
	}
	for l, step := range steps {
		y = step(b, y, net.LayerBlocks(l))
	}
	return b.cost(net.CostKind(), y)
}

// cost is the symbolic engine's one switch over cost kinds: one training pair's K for the
// outputs z as an expression in them and the targets zbar[k].
//
//	quadratic: K = Σₖ (zₖ − z̄ₖ)²
//	xent:      K = Σₖ z̄ₖ·(LSE − zₖ) = −Σₖ z̄ₖ log softmax(z)ₖ,
//	           LSE = c + log Σₖ exp(zₖ − c),  c = max z = (…(z₁ ∨ z₂) ∨ …) ∨ zₙ,  a ∨ b = b + relu(a − b)
//
// The shift c keeps every exp(zₖ − c) ≤ 1, so nothing overflows for large outputs (the stable
// log-sum-exp of nn.LogSumExp, built from exp, log and relu nodes). LSE does not depend on c —
// ∂LSE/∂c = 1 − Σₖ softmax(z)ₖ = 0 — so the derivative through the relus of the max, whatever
// their value at a tie, is multiplied by a zero and the gradient is the softmax one.
func (b *Builder) cost(kind nn.CostKind, z []Expr) (Expr, error) {
	sum := func(n int, term func(k int) Expr) Expr {
		s := term(0)
		for k := 1; k < n; k++ {
			s = b.Add(s, term(k))
		}
		return s
	}
	switch kind {
	case nn.Quadratic:
		return sum(len(z), func(k int) Expr { return b.Pow(b.Sub(z[k], b.Var(TargetName(k))), b.Const(2)) }), nil
	case nn.CrossEntropy:
		c := z[0]
		for _, zk := range z[1:] {
			c = b.Add(zk, b.ReLU(b.Sub(c, zk)))
		}
		lse := b.Add(c, b.Log(sum(len(z), func(k int) Expr { return b.Exp(b.Sub(z[k], c)) })))
		return sum(len(z), func(k int) Expr { return b.Mul(b.Var(TargetName(k)), b.Sub(lse, z[k])) }), nil
	default:
		return nil, fmt.Errorf("%w: symbolic: cost %v", gradients.ErrUnsupported, kind)
	}
}

// MaxParams bounds the networks DeriveNetwork (and so the engine) accepts: the DAG of cost
// and gradient takes a few hundred bytes per parameter.
const MaxParams = 1_000_000

// Derivation is a network's cost and gradient as expressions and as compiled programs.
type Derivation struct {
	Cost     Expr     // K for one training pair
	Grad     []Expr   // ∂K/∂A[i], in the order of A
	Params   []string // the parameter names, in the order of A
	Inputs   []string // x[1] …
	Targets  []string // zbar[1] …
	Program  *Program // outputs K, ∂K/∂A[0], …; variables Params, Inputs, Targets
	Builder  *Builder
	costProg *Program
}

// DeriveNetwork builds the cost of one training pair of net, differentiates it with respect to
// every parameter by reverse accumulation (Builder.Gradient) and compiles cost and gradient
// into one program.
func DeriveNetwork(net *nn.Network) (*Derivation, error) {
	if net.NumParams() > MaxParams {
		return nil, fmt.Errorf("%w: symbolic: %s has %d parameters; the expression DAG is kept for at most %d", gradients.ErrUnsupported, net, net.NumParams(), MaxParams)
	}
	b := NewBuilder()
	k, err := b.NetworkCost(net)
	if err != nil {
		return nil, err
	}
	params, inputs, targets := NetworkVars(net)
	grad := b.Gradient(k, params)
	vars := make([]string, 0, len(params)+len(inputs)+len(targets))
	vars = append(append(append(vars, params...), inputs...), targets...)
	prog, err := Compile(append([]Expr{k}, grad...), vars)
	if err != nil {
		return nil, err
	}
	return &Derivation{Cost: k, Grad: grad, Params: params, Inputs: inputs, Targets: targets, Program: prog, Builder: b}, nil
}

// CostProgram compiles the cost alone (for the instruction count of the cheap-gradient
// bound).
func (d *Derivation) CostProgram() (*Program, error) {
	if d.costProg == nil {
		vars := append(append(append([]string(nil), d.Params...), d.Inputs...), d.Targets...)
		p, err := Compile([]Expr{d.Cost}, vars)
		if err != nil {
			return nil, err
		}
		d.costProg = p
	}
	return d.costProg, nil
}

// BatchProgram specialises the compiled program for batches: parameters uniform, inputs and
// targets varying.
func (d *Derivation) BatchProgram() (*BatchProgram, error) {
	return d.Program.Batch(append(append([]string(nil), d.Inputs...), d.Targets...), 0)
}
