package symbolic

import (
	"fmt"
	"time"

	"nabla/nn"
)

// Swell measures the size of a derivative in the ways that matter for expression swell.
type Swell struct {
	Name   string `json:"name"`   // the network ("16-16-4") or the example ("logistic map n=10")
	Params int    `json:"params"` // variables differentiated with respect to
	// CostNodes is the number of distinct nodes of the function itself.
	CostNodes int `json:"cost_nodes"`
	// TreeNodes counts the gradient's nodes as trees, every use of a shared node again: the
	// size of the derivatives written out without sharing.
	TreeNodes float64 `json:"tree_nodes"`
	// DAGNodes is the number of distinct nodes of function and gradient together.
	DAGNodes int `json:"dag_nodes"`
	// Instructions is the length of the compiled program for function and gradient together,
	// CostInstructions that for the function alone; Ratio is their quotient, at most 4 by
	// the cheap-gradient principle.
	Instructions     int     `json:"instructions"`
	CostInstructions int     `json:"cost_instructions"`
	Ratio            float64 `json:"ratio"`
	// DeriveMS is the time to build the function, derive the gradient and compile both, in
	// milliseconds.
	DeriveMS float64 `json:"derive_ms"`
	// NaiveNodes is the number of nodes of the naive derivatives (one tree per variable, no
	// sharing; see NaiveGradient) and NaiveMS the time taken; when the node budget ran out,
	// NaiveErr says so and NaiveNodes is where it stopped.
	NaiveNodes int     `json:"naive_nodes"`
	NaiveMS    float64 `json:"naive_ms"`
	NaiveErr   string  `json:"naive_error,omitempty"`
}

// MeasureOptions tune Measure. The zero value measures with a naive budget of 1,000,000 nodes.
type MeasureOptions struct {
	// NaiveBudget bounds the nodes of the naive derivatives; 0 means 1,000,000, a negative
	// value skips the naive mode.
	NaiveBudget int
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }

// Measure builds a function with build, differentiates it with respect to wrt by reverse
// accumulation, compiles function and gradient, and reports the sizes and times (see Swell).
func Measure(name string, build func(b *Builder) (Expr, error), wrt []string, opts MeasureOptions) (Swell, error) {
	t0 := time.Now()
	b := NewBuilder()
	f, err := build(b)
	if err != nil {
		return Swell{}, err
	}
	grad := b.Gradient(f, wrt)
	vars := Vars(f)
	prog, err := Compile(append([]Expr{f}, grad...), vars)
	if err != nil {
		return Swell{}, err
	}
	s := Swell{Name: name, Params: len(wrt), DeriveMS: msSince(t0)}
	cost, err := Compile([]Expr{f}, vars)
	if err != nil {
		return Swell{}, err
	}
	s.fill(f, grad, prog, cost)
	s.naive(f, wrt, opts)
	return s, nil
}

func (s *Swell) fill(f Expr, grad []Expr, prog, cost *Program) {
	s.CostNodes = DAGSize(f)
	s.TreeNodes = TreeSize(grad...)
	s.DAGNodes = DAGSize(append([]Expr{f}, grad...)...)
	s.Instructions, s.CostInstructions = prog.Len(), cost.Len()
	if s.CostInstructions > 0 {
		s.Ratio = float64(s.Instructions) / float64(s.CostInstructions)
	}
}

func (s *Swell) naive(f Expr, wrt []string, opts MeasureOptions) {
	if opts.NaiveBudget < 0 {
		return
	}
	t := time.Now()
	_, nodes, err := NaiveGradient(f, wrt, opts.NaiveBudget)
	s.NaiveMS, s.NaiveNodes = msSince(t), nodes
	if err != nil {
		s.NaiveErr = err.Error()
	}
}

// MeasureNetwork measures the gradient of a network's cost for one training pair
// (DeriveNetwork, including its batch specialisation, is what DeriveMS times).
func MeasureNetwork(net *nn.Network, opts MeasureOptions) (Swell, error) {
	t0 := time.Now()
	d, err := DeriveNetwork(net)
	if err != nil {
		return Swell{}, err
	}
	if _, err := d.BatchProgram(); err != nil {
		return Swell{}, err
	}
	s := Swell{Name: net.String(), Params: len(d.Params), DeriveMS: msSince(t0)}
	cost, err := d.CostProgram()
	if err != nil {
		return Swell{}, err
	}
	s.fill(d.Cost, d.Grad, d.Program, cost)
	s.naive(d.Cost, d.Params, opts)
	return s, nil
}

// Example is a classic function of the expression-swell literature.
type Example struct {
	Name  string
	Build func(b *Builder) (Expr, error)
	Wrt   []string
}

// LogisticMap returns lₙ for l₀ = x and lₖ₊₁ = 4lₖ(1 − lₖ): a DAG of about 3n nodes whose
// derivative, written as a tree, grows exponentially with n.
func LogisticMap(b *Builder, n int) Expr {
	l := b.Var("x")
	for range n {
		l = b.Mul(b.Mul(b.Const(4), l), b.Sub(b.Const(1), l))
	}
	return l
}

// SinProduct returns y after n rounds of y ← sin(y)·y, starting from the variable y.
func SinProduct(b *Builder, n int) Expr {
	y := b.Var("y")
	for range n {
		y = b.Mul(b.Sin(y), y)
	}
	return y
}

// Examples returns the classic swell examples: the logistic map at n = 10 and y ← sin(y)·y
// repeated 100 times.
func Examples() []Example {
	return []Example{
		{Name: "logistic map n=10", Build: func(b *Builder) (Expr, error) { return LogisticMap(b, 10), nil }, Wrt: []string{"x"}},
		{Name: "y <- sin(y)*y x100", Build: func(b *Builder) (Expr, error) { return SinProduct(b, 100), nil }, Wrt: []string{"y"}},
	}
}

// Listing names the shared sub-expressions of a set of expressions, so that they can be
// printed without repeating anything: every compound node used more than once (counting the
// uses as roots) becomes an intermediate t1, t2, … in topological order.
type Listing struct {
	Temps []Expr          // the intermediates, in order: Temps[i] is t(i+1)
	names map[Expr]string // node → "t3"
	latex map[Expr]string // node → "t_{3}"
}

// NewListing names the shared sub-expressions of roots.
func NewListing(roots ...Expr) *Listing {
	d := newDAG(roots)
	uses := make([]int, len(d.order))
	for _, n := range d.order {
		x, y := operands(n)
		if x != nil {
			uses[d.pos(x)]++
		}
		if y != nil {
			uses[d.pos(y)]++
		}
	}
	for _, r := range roots {
		uses[d.pos(r)]++
	}
	l := &Listing{names: map[Expr]string{}, latex: map[Expr]string{}}
	for i, n := range d.order {
		switch n.(type) {
		case *Unary, *Binary:
			if uses[i] > 1 {
				l.Temps = append(l.Temps, n)
				k := len(l.Temps)
				l.names[n] = fmt.Sprintf("t%d", k)
				l.latex[n] = fmt.Sprintf("t_{%d}", k)
			}
		}
	}
	return l
}

// Name returns the name of an intermediate ("t3"), or "" for a node that is not one.
func (l *Listing) Name(e Expr) string { return l.names[e] }

// Format prints e with intermediates by name (e itself too, if it is one). latex selects
// LaTeX output.
func (l *Listing) Format(e Expr, latex bool) string { return l.format(e, latex, nil) }

// Define prints the definition of an intermediate: e in full, its operands by name.
func (l *Listing) Define(e Expr, latex bool) string { return l.format(e, latex, e) }

func (l *Listing) format(e Expr, latex bool, top Expr) string {
	p := printer{latex: latex, names: l.names, top: top}
	if latex {
		p.names = l.latex
	}
	p.expr(e)
	return p.sb.String()
}
