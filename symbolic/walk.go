package symbolic

import "fmt"

// Visitor's Visit method is called by Walk for each node; if the result w is not nil, Walk
// visits each child of node with w, followed by a call of w.Visit(nil), as in go/ast.
type Visitor interface {
	Visit(node Expr) (w Visitor)
}

// Walk traverses e depth-first as a tree: a shared node is visited once per occurrence, so a
// walk over a heavily shared DAG can take exponential time. Use Nodes to see each distinct
// node once.
func Walk(v Visitor, e Expr) {
	if v = v.Visit(e); v == nil {
		return
	}
	switch e := e.(type) {
	case *Const, *Var:
	case *Unary:
		Walk(v, e.X)
	case *Binary:
		Walk(v, e.X)
		Walk(v, e.Y)
	default:
		panic(fmt.Sprintf("symbolic: Walk: unknown node %T", e))
	}
	v.Visit(nil)
}

type inspector func(Expr) bool

func (f inspector) Visit(e Expr) Visitor {
	if f(e) {
		return f
	}
	return nil
}

// Inspect traverses e as Walk does, calling f(node) for each node and f(nil) after the
// children of a node; it does not descend into a node for which f returns false.
func Inspect(e Expr, f func(Expr) bool) { Walk(inspector(f), e) }

// Nodes returns every distinct node reachable from the roots exactly once, children before
// parents (a topological order of the DAG): for nodes of one Builder in the order they were
// made, otherwise in depth-first order, the roots in turn and each node's operands left to
// right. Distinct means distinct pointers: equal sub-expressions that were not interned count
// separately.
func Nodes(roots ...Expr) []Expr { return newDAG(roots).order }

// dag is the nodes below a set of roots in topological order, with each node's position in
// the order. For nodes of one Builder the positions are looked up by serial number in a
// slice; otherwise in a map.
type dag struct {
	order []Expr
	byID  []int32 // owner's serial number → position+1 (fast path)
	owner *Builder
	byPtr map[Expr]int32
}

func (d *dag) pos(e Expr) int32 {
	if d.byPtr == nil {
		return d.byID[e.hdr().id] - 1
	}
	p, ok := d.byPtr[e]
	if !ok {
		return -1
	}
	return p
}

func newDAG(roots []Expr) *dag {
	d := &dag{}
	var owner *Builder
	for i, r := range roots {
		h := r.hdr()
		if i == 0 {
			owner = h.b
		}
		if h.b == nil || h.b != owner || h.b.naive {
			owner = nil
			break
		}
	}
	if owner != nil {
		d.scan(owner, roots)
		return d
	}
	var seen func(e Expr) bool // reports whether e was seen, marking it
	if owner != nil {
		d.owner = owner
		d.byID = make([]int32, len(owner.nodes)+1)
		d.order = make([]Expr, 0, len(owner.nodes))
		seen = func(e Expr) bool {
			id := e.hdr().id
			if d.byID[id] != 0 {
				return true
			}
			d.byID[id] = -1 // on the stack; set to position+1 when emitted
			return false
		}
	} else {
		d.byPtr = make(map[Expr]int32)
		seen = func(e Expr) bool {
			if _, ok := d.byPtr[e]; ok {
				return true
			}
			d.byPtr[e] = -1
			return false
		}
	}
	emit := func(e Expr) {
		if d.byPtr == nil {
			d.byID[e.hdr().id] = int32(len(d.order)) + 1
		} else {
			d.byPtr[e] = int32(len(d.order))
		}
		d.order = append(d.order, e)
	}
	type frame struct {
		e    Expr
		next int // operand to visit next
	}
	var stack []frame
	for _, r := range roots {
		if r == nil || seen(r) {
			continue
		}
		stack = append(stack, frame{e: r})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			var child Expr
			switch e := f.e.(type) {
			case *Unary:
				if f.next == 0 {
					child = e.X
				}
			case *Binary:
				switch f.next {
				case 0:
					child = e.X
				case 1:
					child = e.Y
				}
			}
			if child == nil {
				emit(f.e)
				stack = stack[:len(stack)-1]
				continue
			}
			f.next++
			if !seen(child) {
				stack = append(stack, frame{e: child})
			}
		}
	}
	return d
}

// scan is newDAG for nodes of one Builder: their serial numbers are a topological order
// already, so it marks what the roots reach in one backward pass over the serial numbers and
// lists the marked nodes forward, without a stack.
func (d *dag) scan(b *Builder, roots []Expr) {
	d.owner = b
	d.byID = make([]int32, len(b.nodes)+1)
	top := int32(0)
	for _, r := range roots {
		id := r.hdr().id
		d.byID[id] = -1
		top = max(top, id)
	}
	n := 0
	for id := top; id > 0; id-- {
		if d.byID[id] == 0 {
			continue
		}
		n++
		switch e := b.nodes[id-1].(type) {
		case *Unary:
			d.byID[e.X.hdr().id] = -1
		case *Binary:
			d.byID[e.X.hdr().id] = -1
			d.byID[e.Y.hdr().id] = -1
		}
	}
	d.order = make([]Expr, 0, n)
	for id := int32(1); id <= top; id++ {
		if d.byID[id] != 0 {
			d.byID[id] = int32(len(d.order)) + 1
			d.order = append(d.order, b.nodes[id-1])
		}
	}
}

// operands returns the children of a node (nil, nil for leaves).
func operands(e Expr) (x, y Expr) {
	switch e := e.(type) {
	case *Unary:
		return e.X, nil
	case *Binary:
		return e.X, e.Y
	}
	return nil, nil
}
