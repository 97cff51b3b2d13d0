package symbolic

import (
	"fmt"
)

// Diff returns ∂e/∂x, built in a new Builder.
func Diff(e Expr, x string) Expr { return NewBuilder().Diff(e, x) }

// Diff returns ∂e/∂x by the textbook rules applied to every node kind (sum, product,
// quotient and chain rules; x^c, a^x and the general power; exp, log, sin, cos, tanh,
// sigmoid, ReLU, step), once per distinct node of the DAG. The result is made by b, so it
// is interned and locally simplified; it shares nodes with e.
func (b *Builder) Diff(e Expr, x string) Expr {
	d := newDAG([]Expr{e})
	memo := make([]Expr, len(d.order))
	get := func(c Expr) Expr { return memo[d.pos(c)] }
	for i, n := range d.order {
		memo[i] = b.diffNode(n, x, get)
	}
	return memo[len(memo)-1]
}

// diffNode applies the rule of n's kind, given the derivatives of its operands.
func (b *Builder) diffNode(n Expr, x string, d func(Expr) Expr) Expr {
	zero := func(e Expr) bool { return isConst(e, 0) }
	s := b.share
	switch n := n.(type) {
	case *Const:
		return b.Const(0)
	case *Var:
		if n.Name == x {
			return b.Const(1)
		}
		return b.Const(0)
	case *Unary:
		dx := d(n.X)
		if zero(dx) {
			return dx
		}
		var f Expr // f'(X), multiplied by dx below
		switch n.Op {
		case Neg:
			return b.Neg(dx)
		case Exp:
			f = s(n)
		case Log:
			return b.Div(dx, s(n.X))
		case Sin:
			f = b.Cos(s(n.X))
		case Cos:
			f = b.Neg(b.Sin(s(n.X)))
		case Tanh:
			f = b.Sub(b.Const(1), b.Pow(s(n), b.Const(2)))
		case Sigmoid:
			f = b.Mul(s(n), b.Sub(b.Const(1), s(n)))
		case ReLU:
			f = b.Step(s(n.X))
		case Step:
			return b.Const(0)
		default:
			panic("symbolic: Diff: unknown operator " + n.Op.String())
		}
		return b.Mul(f, dx)
	case *Binary:
		dx, dy := d(n.X), d(n.Y)
		switch n.Op {
		case Add:
			return b.Add(dx, dy)
		case Sub:
			return b.Sub(dx, dy)
		case Mul:
			switch {
			case zero(dx) && zero(dy):
				return dx
			case zero(dx):
				return b.Mul(s(n.X), dy)
			case zero(dy):
				return b.Mul(dx, s(n.Y))
			}
			return b.Add(b.Mul(dx, s(n.Y)), b.Mul(s(n.X), dy))
		case Div:
			switch {
			case zero(dx) && zero(dy):
				return dx
			case zero(dy):
				return b.Div(dx, s(n.Y))
			}
			return b.Div(b.Sub(b.Mul(dx, s(n.Y)), b.Mul(s(n.X), dy)), b.Pow(s(n.Y), b.Const(2)))
		case Pow:
			if zero(dx) && zero(dy) {
				return dx
			}
			if zero(dy) { // d(u^c) = c·u^(c−1)·du
				return b.Mul(b.Mul(s(n.Y), b.Pow(s(n.X), b.Sub(s(n.Y), b.Const(1)))), dx)
			}
			if zero(dx) { // d(a^v) = a^v·log(a)·dv
				return b.Mul(b.Mul(s(n), b.Log(s(n.X))), dy)
			}
			// d(u^v) = u^v·(dv·log u + v·du/u)
			return b.Mul(s(n), b.Add(b.Mul(dy, b.Log(s(n.X))), b.Div(b.Mul(s(n.Y), dx), s(n.X))))
		}
		panic("symbolic: Diff: unknown operator " + n.Op.String())
	}
	panic(fmt.Sprintf("symbolic: Diff: unknown node %T", n))
}

// Gradient returns ∂f/∂x for each name in wrt, built in a new Builder.
func Gradient(f Expr, wrt []string) []Expr { return NewBuilder().Gradient(f, wrt) }

// Gradient returns ∂f/∂x for each name x in wrt (the constant 0 for names f does not
// contain), derived by reverse accumulation over the shared DAG of f: starting from
// ∂f/∂f = 1 it visits the nodes of f once each, parents before children, and pushes each
// node's adjoint ∂f/∂node to its operands with the node kind's local derivative, adding up
// the contributions of all parents. Every adjoint is an expression made by b, so the whole
// gradient is one DAG that shares the nodes of f; its size is a small multiple of f's,
// whatever the number of variables (the cheap-gradient principle), where differentiating once
// per variable (Diff) repeats the work for each.
func (b *Builder) Gradient(f Expr, wrt []string) []Expr {
	d := newDAG([]Expr{f})
	order := d.order
	want := make(map[string]bool, len(wrt))
	for _, x := range wrt {
		want[x] = true
	}
	// active: nodes that depend on a variable of wrt; only they need adjoints.
	active := make([]bool, len(order))
	for i, n := range order {
		switch n := n.(type) {
		case *Var:
			active[i] = want[n.Name]
		case *Unary:
			active[i] = active[d.pos(n.X)]
		case *Binary:
			active[i] = active[d.pos(n.X)] || active[d.pos(n.Y)]
		}
	}
	isActive := func(c Expr) bool { return active[d.pos(c)] }
	adj := make([]Expr, len(order))
	push := func(c, contrib Expr) {
		i := d.pos(c)
		if !active[i] || isConst(contrib, 0) {
			return
		}
		if adj[i] != nil {
			adj[i] = b.Add(adj[i], contrib)
		} else {
			adj[i] = contrib
		}
	}
	adj[len(order)-1] = b.Const(1)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		a := adj[i]
		if a == nil || !active[i] {
			continue
		}
		switch n := n.(type) {
		case *Unary:
			x := n.X
			switch n.Op {
			case Neg:
				push(x, b.Neg(a))
			case Exp:
				push(x, b.Mul(a, n))
			case Log:
				push(x, b.Div(a, x))
			case Sin:
				push(x, b.Mul(a, b.Cos(x)))
			case Cos:
				push(x, b.Neg(b.Mul(a, b.Sin(x))))
			case Tanh:
				push(x, b.Mul(a, b.Sub(b.Const(1), b.Mul(n, n))))
			case Sigmoid:
				push(x, b.Mul(a, b.Mul(n, b.Sub(b.Const(1), n))))
			case ReLU:
				push(x, b.Mul(a, b.Step(x)))
			case Step:
			default:
				panic("symbolic: Gradient: unknown operator " + n.Op.String())
			}
		case *Binary:
			x, y := n.X, n.Y
			switch n.Op {
			case Add:
				push(x, a)
				push(y, a)
			case Sub:
				push(x, a)
				push(y, b.Neg(a))
			case Mul:
				if isActive(x) {
					push(x, b.Mul(a, y))
				}
				if isActive(y) {
					push(y, b.Mul(a, x))
				}
			case Div:
				t := b.Div(a, y)
				push(x, t)
				if isActive(y) {
					push(y, b.Neg(b.Mul(t, n)))
				}
			case Pow:
				if c, ok := constOf(y); ok {
					if c == 2 {
						push(x, b.Mul(a, b.Mul(b.Const(2), x)))
					} else {
						push(x, b.Mul(a, b.Mul(y, b.Pow(x, b.Const(c-1)))))
					}
					break
				}
				if isActive(x) {
					push(x, b.Mul(a, b.Mul(y, b.Pow(x, b.Sub(y, b.Const(1))))))
				}
				if isActive(y) {
					push(y, b.Mul(a, b.Mul(n, b.Log(x))))
				}
			default:
				panic("symbolic: Gradient: unknown operator " + n.Op.String())
			}
		}
	}
	out := make([]Expr, len(wrt))
	byName := make(map[string]int, len(wrt))
	for i, n := range order {
		if v, ok := n.(*Var); ok {
			byName[v.Name] = i
		}
	}
	for k, x := range wrt {
		if i, ok := byName[x]; ok && adj[i] != nil {
			out[k] = adj[i]
		} else {
			out[k] = b.Const(0)
		}
	}
	return out
}

// NaiveGradient differentiates f once per name in wrt with the textbook rules, as plain
// trees: no interning, no sharing between or within the derivatives (every reuse of a
// sub-expression is a copy), only the local simplifications of a Builder. It is the
// expression swell of symbolic differentiation made visible, for comparison with Gradient.
// f is first copied as a tree. When the nodes made exceed budget (≤ 0 means 1,000,000) it
// stops and returns an error wrapping ErrBudget that says how far it got. nodes is the size
// of the derivatives (or, on error, the number of nodes made when it stopped).
func NaiveGradient(f Expr, wrt []string, budget int) (grad []Expr, nodes int, err error) {
	if budget <= 0 {
		budget = 1_000_000
	}
	b := newNaiveBuilder(budget)
	done := 0
	defer func() {
		if r := recover(); r != nil {
			bp, ok := r.(budgetPanic)
			if !ok {
				panic(r)
			}
			grad, nodes = nil, b.count
			err = fmt.Errorf("%w: naive derivatives need more than %d nodes (stopped after %d of %d derivatives)", ErrBudget, bp.budget, done, len(wrt))
		}
	}()
	tree := b.copyTree(f)
	for _, x := range wrt {
		grad = append(grad, b.naiveDiff(tree, x))
		done++
	}
	for _, g := range grad {
		nodes += countTree(g)
	}
	return grad, nodes, nil
}

// countTree counts the nodes of a plain tree by recursion (no memo: a tree shares nothing).
func countTree(e Expr) int {
	x, y := operands(e)
	n := 1
	if x != nil {
		n += countTree(x)
	}
	if y != nil {
		n += countTree(y)
	}
	return n
}

// naiveDiff differentiates a tree by plain recursion, without memoisation.
func (b *Builder) naiveDiff(e Expr, x string) Expr {
	return b.diffNode(e, x, func(c Expr) Expr { return b.naiveDiff(c, x) })
}

// TreeSize returns the number of nodes of the expressions counted as trees (every use of a
// shared node counted again), as a float64 because it can be astronomically large.
func TreeSize(exprs ...Expr) float64 {
	d := newDAG(exprs)
	size := make([]float64, len(d.order))
	for i, n := range d.order {
		s := 1.0
		x, y := operands(n)
		if x != nil {
			s += size[d.pos(x)]
		}
		if y != nil {
			s += size[d.pos(y)]
		}
		size[i] = s
	}
	var total float64
	for _, e := range exprs {
		total += size[d.pos(e)]
	}
	return total
}

// DAGSize returns the number of distinct nodes of the expressions together.
func DAGSize(exprs ...Expr) int { return len(Nodes(exprs...)) }
