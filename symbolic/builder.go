package symbolic

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strings"
)

// A Builder makes expression nodes. It interns them (hash-consing): asking twice for the same
// operator on the same operands returns the same node, so an expression is a DAG in which
// every distinct sub-expression exists once. Its constructors also simplify locally: they fold
// constants (when the result is finite), drop the identities x+0, x−0, x·1, x/1, x¹, turn x·0
// and 0/x into 0, x−x and x/x into 0 and 1, −(−x) into x, x + (−y) into x − y, pull negations
// out of products, and put the operands of + and · in a canonical order (constants first in a
// product and last in a sum, then variables by name, then other nodes by structure).
//
// The zero Builder is ready to use. A Builder is not safe for concurrent use.
type Builder struct {
	nodes  []Expr // by id−1, in creation order (a topological order)
	table  map[nodeKey]Expr
	consts map[uint64]Expr
	vars   map[string]Expr
	uslab  []Unary
	bslab  []Binary

	// naive mode: no interning; the nodes made are counted against budget.
	naive  bool
	budget int
	count  int
}

type nodeKey struct {
	op   Op
	x, y int32
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{} }

// ErrBudget reports that naive differentiation made more nodes than its budget allows.
var ErrBudget = errors.New("symbolic: node budget exceeded")

// budgetPanic is what a naive builder panics with past its budget; the naive entry points
// recover it into an error wrapping ErrBudget.
type budgetPanic struct{ budget int }

func newNaiveBuilder(budget int) *Builder {
	return &Builder{naive: true, budget: budget}
}

func (b *Builder) made() {
	b.count++
	if b.naive && b.budget > 0 && b.count > b.budget {
		panic(budgetPanic{b.budget})
	}
}

// register gives a new node its header.
func (b *Builder) register(e Expr) Expr {
	b.count++
	b.nodes = append(b.nodes, e)
	h := e.hdr()
	h.b, h.id, h.hash = b, int32(len(b.nodes)), structHash(e)
	return e
}

// mix is the finaliser of SplitMix64.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// structHash hashes a node's structure from its operator and its operands' hashes.
func structHash(e Expr) uint64 {
	switch e := e.(type) {
	case *Const:
		return mix(math.Float64bits(e.Value) ^ 0x1234567)
	case *Var:
		h := uint64(14695981039346656037)
		for i := 0; i < len(e.Name); i++ {
			h = (h ^ uint64(e.Name[i])) * 1099511628211
		}
		return mix(h)
	case *Unary:
		return mix(uint64(e.Op)<<56 ^ mix(e.X.hdr().hash))
	case *Binary:
		return mix(uint64(e.Op)<<56 ^ mix(e.X.hdr().hash) ^ e.Y.hdr().hash*0x9e3779b97f4a7c15)
	}
	return 0
}

// reserve makes room for about n more nodes, nvars of them variables.
func (b *Builder) reserve(n, nvars int) {
	if b.table == nil && !b.naive {
		b.table = make(map[nodeKey]Expr, n)
		b.nodes = make([]Expr, 0, n)
		b.vars = make(map[string]Expr, nvars)
	}
}

// Size returns the number of nodes the builder has made.
func (b *Builder) Size() int { return b.count }

// own returns e as a node of b, importing it if another builder (or a composite literal) made
// it, so that every node of b has only nodes of b below it.
func (b *Builder) own(e Expr) Expr {
	if b.naive || e.hdr().b == b {
		return e
	}
	return b.Import(e)
}

// Const returns the constant v. Negative zero is stored as zero.
func (b *Builder) Const(v float64) Expr {
	if v == 0 {
		v = 0
	}
	if b.naive {
		b.made()
		return &Const{Value: v}
	}
	bits := math.Float64bits(v)
	if e, ok := b.consts[bits]; ok {
		return e
	}
	if b.consts == nil {
		b.consts = make(map[uint64]Expr)
	}
	e := b.register(&Const{Value: v})
	b.consts[bits] = e
	return e
}

// Var returns the variable called name.
func (b *Builder) Var(name string) Expr {
	if b.naive {
		b.made()
		return &Var{Name: name}
	}
	if e, ok := b.vars[name]; ok {
		return e
	}
	if b.vars == nil {
		b.vars = make(map[string]Expr)
	}
	e := b.register(&Var{Name: name})
	b.vars[name] = e
	return e
}

func (b *Builder) newUnary(op Op, x Expr) *Unary {
	if len(b.uslab) == cap(b.uslab) {
		b.uslab = make([]Unary, 0, min(4096, 16+2*cap(b.uslab)))
	}
	b.uslab = append(b.uslab, Unary{Op: op, X: x})
	return &b.uslab[len(b.uslab)-1]
}

func (b *Builder) newBinary(op Op, x, y Expr) *Binary {
	if len(b.bslab) == cap(b.bslab) {
		b.bslab = make([]Binary, 0, min(4096, 16+2*cap(b.bslab)))
	}
	b.bslab = append(b.bslab, Binary{Op: op, X: x, Y: y})
	return &b.bslab[len(b.bslab)-1]
}

func (b *Builder) unary(op Op, x Expr) Expr {
	if b.naive {
		b.made()
		return b.newUnary(op, x)
	}
	x = b.own(x)
	k := nodeKey{op: op, x: x.hdr().id}
	if e, ok := b.table[k]; ok {
		return e
	}
	if b.table == nil {
		b.table = make(map[nodeKey]Expr)
	}
	e := b.register(b.newUnary(op, x))
	b.table[k] = e
	return e
}

func (b *Builder) binary(op Op, x, y Expr) Expr {
	if b.naive {
		b.made()
		return b.newBinary(op, x, y)
	}
	x, y = b.own(x), b.own(y)
	k := nodeKey{op: op, x: x.hdr().id, y: y.hdr().id}
	if e, ok := b.table[k]; ok {
		return e
	}
	if b.table == nil {
		b.table = make(map[nodeKey]Expr)
	}
	e := b.register(b.newBinary(op, x, y))
	b.table[k] = e
	return e
}

// constOf returns the value of e if it is a constant.
func constOf(e Expr) (float64, bool) {
	if c, ok := e.(*Const); ok {
		return c.Value, true
	}
	return 0, false
}

func isConst(e Expr, v float64) bool {
	c, ok := e.(*Const)
	return ok && c.Value == v
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func isOp(e Expr, op Op) bool {
	switch e := e.(type) {
	case *Unary:
		return e.Op == op
	case *Binary:
		return e.Op == op
	}
	return false
}

// same reports whether x and y are the same node, or equal constants or variables.
func same(x, y Expr) bool {
	if x == y {
		return true
	}
	switch x := x.(type) {
	case *Const:
		yc, ok := y.(*Const)
		return ok && x.Value == yc.Value
	case *Var:
		yv, ok := y.(*Var)
		return ok && x.Name == yv.Name
	}
	return false
}

// before reports whether x sorts before y among the operands of a commutative operator:
// constants (by value) first when constFirst, else last; then variables by name; then
// powers, products, quotients, sums, differences and functions, each kind compared operand by
// operand (to a bounded depth, then by a hash of the structure). The order depends only on
// the structure of x and y, not on the order in which nodes were made, so printing an
// expression and parsing it again gives the same tree.
func before(x, y Expr, constFirst bool) bool {
	if constFirst {
		if _, ok := x.(*Const); ok {
			if _, ok := y.(*Const); !ok {
				return true
			}
		} else if _, ok := y.(*Const); ok {
			return false
		}
	}
	return compareExpr(x, y, 6) < 0
}

// exprRank orders node kinds: variables, binary operators (powers first), functions, constants.
func exprRank(e Expr) int {
	switch e := e.(type) {
	case *Var:
		return 0
	case *Binary:
		return [numOps]int{Pow: 1, Mul: 2, Div: 3, Add: 4, Sub: 5}[e.Op]
	case *Unary:
		return 6 + int(e.Op)
	}
	return 100 // constants
}

// compareExpr compares two nodes structurally, to depth levels, then by hash.
func compareExpr(x, y Expr, depth int) int {
	if x == y {
		return 0
	}
	if rx, ry := exprRank(x), exprRank(y); rx != ry {
		return rx - ry
	}
	switch x := x.(type) {
	case *Const:
		return cmp.Compare(x.Value, y.(*Const).Value)
	case *Var:
		return strings.Compare(x.Name, y.(*Var).Name)
	}
	if depth > 0 {
		xa, xb := operands(x)
		ya, yb := operands(y)
		if c := compareExpr(xa, ya, depth-1); c != 0 {
			return c
		}
		if xb != nil {
			if c := compareExpr(xb, yb, depth-1); c != 0 {
				return c
			}
		}
		if depth > 1 {
			return 0 // equal to the bottom: the same structure
		}
	}
	hx, hy := x.hdr(), y.hdr()
	return cmp.Compare(hx.hash, hy.hash)
}

func nodeID(e Expr) int32 { return e.hdr().id }

// Add returns x + y.
func (b *Builder) Add(x, y Expr) Expr {
	cx, xc := constOf(x)
	cy, yc := constOf(y)
	switch {
	case xc && yc && finite(cx+cy):
		return b.Const(cx + cy)
	case xc && cx == 0:
		return y
	case yc && cy == 0:
		return x
	case isOp(y, Neg):
		return b.Sub(x, y.(*Unary).X)
	case isOp(x, Neg):
		return b.Sub(y, x.(*Unary).X)
	case yc && cy < 0:
		return b.Sub(x, b.Const(-cy))
	case xc && cx < 0:
		return b.Sub(y, b.Const(-cx))
	}
	if before(y, x, false) {
		x, y = y, x
	}
	return b.binary(Add, x, y)
}

// Sub returns x − y.
func (b *Builder) Sub(x, y Expr) Expr {
	cx, xc := constOf(x)
	cy, yc := constOf(y)
	switch {
	case xc && yc && finite(cx-cy):
		return b.Const(cx - cy)
	case yc && cy == 0:
		return x
	case xc && cx == 0:
		return b.Neg(y)
	case !b.naive && same(x, y):
		return b.Const(0)
	case isOp(y, Neg):
		return b.Add(x, y.(*Unary).X)
	case yc && cy < 0:
		return b.Add(x, b.Const(-cy))
	}
	return b.binary(Sub, x, y)
}

// Mul returns x · y.
func (b *Builder) Mul(x, y Expr) Expr {
	cx, xc := constOf(x)
	cy, yc := constOf(y)
	switch {
	case xc && yc && finite(cx*cy):
		return b.Const(cx * cy)
	case xc && cx == 0, yc && cy == 0:
		return b.Const(0)
	case xc && cx == 1:
		return y
	case yc && cy == 1:
		return x
	case xc && cx == -1:
		return b.Neg(y)
	case yc && cy == -1:
		return b.Neg(x)
	case isOp(x, Neg):
		return b.Neg(b.Mul(x.(*Unary).X, y))
	case isOp(y, Neg):
		return b.Neg(b.Mul(x, y.(*Unary).X))
	case xc && cx < 0:
		return b.Neg(b.Mul(b.Const(-cx), y))
	case yc && cy < 0:
		return b.Neg(b.Mul(x, b.Const(-cy)))
	}
	// c1·(c2·z) = (c1c2)·z
	if xc {
		if yb, ok := y.(*Binary); ok && yb.Op == Mul {
			if c2, ok := constOf(yb.X); ok && finite(cx*c2) {
				return b.Mul(b.Const(cx*c2), yb.Y)
			}
		}
	}
	if yc {
		if xb, ok := x.(*Binary); ok && xb.Op == Mul {
			if c2, ok := constOf(xb.X); ok && finite(cy*c2) {
				return b.Mul(b.Const(cy*c2), xb.Y)
			}
		}
	}
	if before(y, x, true) {
		x, y = y, x
	}
	return b.binary(Mul, x, y)
}

// Div returns x / y.
func (b *Builder) Div(x, y Expr) Expr {
	cx, xc := constOf(x)
	cy, yc := constOf(y)
	switch {
	case xc && yc && finite(cx/cy):
		return b.Const(cx / cy)
	case yc && cy == 1:
		return x
	case yc && cy == -1:
		return b.Neg(x)
	case xc && cx == 0 && !(yc && cy == 0):
		return b.Const(0)
	case !b.naive && same(x, y) && !xc:
		return b.Const(1)
	case xc && cx < 0:
		return b.Neg(b.Div(b.Const(-cx), y))
	case isOp(x, Neg):
		return b.Neg(b.Div(x.(*Unary).X, y))
	case isOp(y, Neg):
		return b.Neg(b.Div(x, y.(*Unary).X))
	}
	return b.binary(Div, x, y)
}

// Pow returns x ^ y.
func (b *Builder) Pow(x, y Expr) Expr {
	cx, xc := constOf(x)
	cy, yc := constOf(y)
	switch {
	case xc && yc && finite(pow(cx, cy)):
		return b.Const(pow(cx, cy))
	case yc && cy == 1:
		return x
	case yc && cy == 0:
		return b.Const(1)
	case xc && cx == 1:
		return b.Const(1)
	}
	return b.binary(Pow, x, y)
}

// Neg returns −x.
func (b *Builder) Neg(x Expr) Expr {
	if c, ok := constOf(x); ok {
		return b.Const(-c)
	}
	switch x := x.(type) {
	case *Unary:
		if x.Op == Neg {
			return x.X
		}
	case *Binary:
		if x.Op == Sub {
			return b.Sub(x.Y, x.X)
		}
	}
	return b.unary(Neg, x)
}

// Func returns op(x) for a function op (Exp … Step), folding constants; it panics if op is
// not a function (a programmer error).
func (b *Builder) Func(op Op, x Expr) Expr {
	if !op.IsFunc() {
		panic("symbolic: Func: not a function: " + op.String())
	}
	if c, ok := constOf(x); ok {
		if v := apply1(op, c); finite(v) {
			return b.Const(v)
		}
	}
	return b.unary(op, x)
}

// Exp returns eˣ.
func (b *Builder) Exp(x Expr) Expr { return b.Func(Exp, x) }

// Log returns the natural logarithm of x.
func (b *Builder) Log(x Expr) Expr { return b.Func(Log, x) }

// Sin returns sin x.
func (b *Builder) Sin(x Expr) Expr { return b.Func(Sin, x) }

// Cos returns cos x.
func (b *Builder) Cos(x Expr) Expr { return b.Func(Cos, x) }

// Tanh returns tanh x.
func (b *Builder) Tanh(x Expr) Expr { return b.Func(Tanh, x) }

// Sigmoid returns the logistic function 1/(1+e⁻ˣ).
func (b *Builder) Sigmoid(x Expr) Expr { return b.Func(Sigmoid, x) }

// ReLU returns max(0, x).
func (b *Builder) ReLU(x Expr) Expr { return b.Func(ReLU, x) }

// Step returns the unit step: 1 for x > 0, else 0.
func (b *Builder) Step(x Expr) Expr { return b.Func(Step, x) }

// Unary returns op(x) for Neg or a function.
func (b *Builder) Unary(op Op, x Expr) Expr {
	if op == Neg {
		return b.Neg(x)
	}
	return b.Func(op, x)
}

// Binary returns x op y for a binary operator; it panics for any other op.
func (b *Builder) Binary(op Op, x, y Expr) Expr {
	switch op {
	case Add:
		return b.Add(x, y)
	case Sub:
		return b.Sub(x, y)
	case Mul:
		return b.Mul(x, y)
	case Div:
		return b.Div(x, y)
	case Pow:
		return b.Pow(x, y)
	}
	panic("symbolic: Binary: not a binary operator: " + op.String())
}

// Import rebuilds e with the builder's constructors, so that it is interned (and locally
// simplified) in b. Nodes already made by b come back unchanged.
func (b *Builder) Import(e Expr) Expr {
	if !b.naive && e.hdr().b == b {
		return e
	}
	d := newDAG([]Expr{e})
	memo := make([]Expr, len(d.order))
	for i, n := range d.order {
		switch n := n.(type) {
		case *Const:
			memo[i] = b.Const(n.Value)
		case *Var:
			memo[i] = b.Var(n.Name)
		case *Unary:
			memo[i] = b.Unary(n.Op, memo[d.pos(n.X)])
		case *Binary:
			memo[i] = b.Binary(n.Op, memo[d.pos(n.X)], memo[d.pos(n.Y)])
		default:
			panic(fmt.Sprintf("symbolic: unknown node %T", n))
		}
	}
	return memo[len(memo)-1]
}

// copyTree returns a fresh copy of the tree e (naive mode: every use gets its own nodes).
func (b *Builder) copyTree(e Expr) Expr {
	switch e := e.(type) {
	case *Const:
		b.made()
		return &Const{Value: e.Value}
	case *Var:
		b.made()
		return &Var{Name: e.Name}
	case *Unary:
		x := b.copyTree(e.X)
		b.made()
		return b.newUnary(e.Op, x)
	case *Binary:
		x, y := b.copyTree(e.X), b.copyTree(e.Y)
		b.made()
		return b.newBinary(e.Op, x, y)
	}
	panic(fmt.Sprintf("symbolic: unknown node %T", e))
}

// share returns e for reuse in a new expression: e itself when interning, a copy in naive
// mode, where expressions are plain trees.
func (b *Builder) share(e Expr) Expr {
	if b.naive {
		return b.copyTree(e)
	}
	return e
}
