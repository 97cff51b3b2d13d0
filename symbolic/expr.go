package symbolic

import (
	"fmt"
	"math"
)

// Expr is a node of an expression: a *Const, *Var, *Unary or *Binary. The set is sealed (the
// interface has an unexported method), so a type switch over the four kinds is exhaustive.
//
// Nodes are immutable once built. Build them with a Builder, which interns them (equal
// sub-expressions are one node) and simplifies locally as it goes; nodes written as composite
// literals work everywhere too, they are just not shared.
type Expr interface {
	// String returns the expression in infix notation with the fewest parentheses that
	// Parse reads back as the same tree.
	String() string
	hdr() *node
}

// node is the header every node embeds: the Builder that made it (nil for nodes written as
// composite literals), its serial number there (1, 2, … in creation order) and a hash of its
// structure, which orders the operands of + and · independently of creation history.
type node struct {
	b    *Builder
	id   int32
	hash uint64
}

func (n *node) hdr() *node { return n }

// Const is a numeric constant.
type Const struct {
	Value float64
	node
}

// Var is a variable, named by an identifier such as x, y_2 or W1[2,3].
type Var struct {
	Name string
	node
}

// Unary is a unary minus or a function of one argument: Op(X).
type Unary struct {
	Op Op
	X  Expr
	node
}

// Binary is X Op Y for Op one of Add, Sub, Mul, Div and Pow.
type Binary struct {
	Op   Op
	X, Y Expr
	node
}

// Op is an operator or function of a Unary or Binary node.
type Op uint8

// The operators. Add to Pow are binary, Neg to Step unary.
const (
	Add     Op = iota + 1 // x + y
	Sub                   // x − y
	Mul                   // x · y
	Div                   // x / y
	Pow                   // x ^ y (integer, real or expression exponent)
	Neg                   // −x
	Exp                   // eˣ
	Log                   // natural logarithm
	Sin                   // sine
	Cos                   // cosine
	Tanh                  // hyperbolic tangent
	Sigmoid               // logistic function 1/(1+e⁻ˣ)
	ReLU                  // max(0, x)
	Step                  // 1 for x > 0, else 0: the derivative of ReLU (0 at 0, as in package nn)
	numOps
)

var opNames = [numOps]string{Add: "+", Sub: "-", Mul: "*", Div: "/", Pow: "^", Neg: "-",
	Exp: "exp", Log: "log", Sin: "sin", Cos: "cos", Tanh: "tanh", Sigmoid: "sigmoid",
	ReLU: "relu", Step: "step"}

// String returns the operator's symbol ("+", "^") or the function's name ("exp", "sigmoid").
func (op Op) String() string {
	if op == 0 || op >= numOps {
		return fmt.Sprintf("Op(%d)", uint8(op))
	}
	return opNames[op]
}

// IsBinary reports whether op is one of Add, Sub, Mul, Div and Pow.
func (op Op) IsBinary() bool { return op >= Add && op <= Pow }

// IsFunc reports whether op is a function of one argument (Exp … Step), printed as name(x).
func (op Op) IsFunc() bool { return op >= Exp && op < numOps }

// funcOps maps the function names Parse accepts to their operators.
var funcOps = map[string]Op{"exp": Exp, "log": Log, "ln": Log, "sin": Sin, "cos": Cos,
	"tanh": Tanh, "sigmoid": Sigmoid, "relu": ReLU, "step": Step}

// apply1 evaluates a unary operator.
func apply1(op Op, x float64) float64 {
	switch op {
	case Neg:
		return -x
	case Exp:
		return math.Exp(x)
	case Log:
		return math.Log(x)
	case Sin:
		return math.Sin(x)
	case Cos:
		return math.Cos(x)
	case Tanh:
		return math.Tanh(x)
	case Sigmoid:
		return sigmoid(x)
	case ReLU:
		if x > 0 {
			return x
		}
		return 0
	case Step:
		if x > 0 {
			return 1
		}
		return 0
	}
	panic("symbolic: not a unary operator: " + op.String())
}

// apply2 evaluates a binary operator.
func apply2(op Op, x, y float64) float64 {
	switch op {
	case Add:
		return x + y
	case Sub:
		return x - y
	case Mul:
		return x * y
	case Div:
		return x / y
	case Pow:
		return pow(x, y)
	}
	panic("symbolic: not a binary operator: " + op.String())
}

// pow is math.Pow with fast paths for the small integer exponents that derivatives produce.
func pow(x, y float64) float64 {
	switch y {
	case 2:
		return x * x
	case 1:
		return x
	case 3:
		return x * x * x
	case -1:
		return 1 / x
	case 0.5:
		return math.Sqrt(x)
	}
	return math.Pow(x, y)
}

// sigmoid is 1/(1+e⁻ˣ), evaluated without overflow for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Eval evaluates e with the variables bound by env. It walks the expression as a tree
// (shared nodes are evaluated once per use); compile expressions that are evaluated often. A
// variable missing from env is an error.
func Eval(e Expr, env map[string]float64) (float64, error) {
	memo := map[Expr]float64{}
	var ev func(e Expr) (float64, error)
	ev = func(e Expr) (float64, error) {
		if v, ok := memo[e]; ok {
			return v, nil
		}
		var v float64
		switch e := e.(type) {
		case *Const:
			return e.Value, nil
		case *Var:
			x, ok := env[e.Name]
			if !ok {
				return 0, fmt.Errorf("%w %q", ErrUnboundVar, e.Name)
			}
			return x, nil
		case *Unary:
			x, err := ev(e.X)
			if err != nil {
				return 0, err
			}
			v = apply1(e.Op, x)
		case *Binary:
			x, err := ev(e.X)
			if err != nil {
				return 0, err
			}
			y, err := ev(e.Y)
			if err != nil {
				return 0, err
			}
			v = apply2(e.Op, x, y)
		default:
			panic(fmt.Sprintf("symbolic: unknown node %T", e))
		}
		memo[e] = v
		return v, nil
	}
	return ev(e)
}

// Vars returns the names of the variables of e, in the order Nodes meets them (left to
// right, operands before the nodes that use them).
func Vars(e Expr) []string {
	var names []string
	seen := map[string]bool{}
	for _, n := range Nodes(e) {
		if v, ok := n.(*Var); ok && !seen[v.Name] {
			seen[v.Name] = true
			names = append(names, v.Name)
		}
	}
	return names
}

// Equal reports whether a and b are the same expression tree (constants compared by value).
func Equal(a, b Expr) bool {
	type pair struct{ a, b Expr }
	memo := map[pair]bool{}
	var eq func(a, b Expr) bool
	eq = func(a, b Expr) bool {
		if a == b {
			return true
		}
		if r, ok := memo[pair{a, b}]; ok {
			return r
		}
		r := false
		switch a := a.(type) {
		case *Const:
			bc, ok := b.(*Const)
			r = ok && (a.Value == bc.Value || math.IsNaN(a.Value) && math.IsNaN(bc.Value))
		case *Var:
			bv, ok := b.(*Var)
			r = ok && a.Name == bv.Name
		case *Unary:
			bu, ok := b.(*Unary)
			r = ok && a.Op == bu.Op && eq(a.X, bu.X)
		case *Binary:
			bb, ok := b.(*Binary)
			r = ok && a.Op == bb.Op && eq(a.X, bb.X) && eq(a.Y, bb.Y)
		}
		memo[pair{a, b}] = r
		return r
	}
	return eq(a, b)
}
