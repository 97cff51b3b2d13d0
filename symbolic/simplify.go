package symbolic

import (
	"fmt"
	"math"
	"sort"
)

// Simplify returns a simplified form of e, built in a new Builder.
func Simplify(e Expr) Expr { return NewBuilder().Simplify(e) }

// Simplify returns a simplified form of e. Beyond the local rules of the Builder's
// constructors (constant folding, x+0, x·1, x·0, −(−x), canonical operand order) it collects
// like terms of sums (x² − sin y + 2·x² is 3·x² − sin y) and like factors of products
// (x·2·x is 2·x², x·y/x is y), with numeric coefficients and exponents folded. It does not
// expand products of sums, and it treats x/x as 1 and x⁰ as 1 without asking whether x can be
// 0, like most computer algebra systems.
func (b *Builder) Simplify(e Expr) Expr {
	d := newDAG([]Expr{e})
	memo := make([]Expr, len(d.order))
	for i, n := range d.order {
		var r Expr
		switch n := n.(type) {
		case *Const:
			r = b.Const(n.Value)
		case *Var:
			r = b.Var(n.Name)
		case *Unary:
			r = b.Unary(n.Op, memo[d.pos(n.X)])
		case *Binary:
			r = b.Binary(n.Op, memo[d.pos(n.X)], memo[d.pos(n.Y)])
		default:
			panic(fmt.Sprintf("symbolic: Simplify: unknown node %T", n))
		}
		switch {
		case isOp(r, Add) || isOp(r, Sub) || isOp(r, Neg):
			r = b.collectSum(r)
		case isOp(r, Mul) || isOp(r, Div):
			r = b.collectProduct(r)
		}
		memo[i] = r
	}
	return memo[len(memo)-1]
}

// splitCoef writes a term as c·rest.
func splitCoef(e Expr) (float64, Expr) {
	switch e := e.(type) {
	case *Const:
		return e.Value, nil
	case *Unary:
		if e.Op == Neg {
			c, r := splitCoef(e.X)
			return -c, r
		}
	case *Binary:
		if e.Op == Mul {
			if c, ok := constOf(e.X); ok {
				return c, e.Y
			}
		}
	}
	return 1, e
}

// collectSum gathers the terms of a sum, adding the coefficients of equal terms.
func (b *Builder) collectSum(e Expr) Expr {
	var order []Expr
	coef := make(map[Expr]float64)
	konst := 0.0
	var walk func(e Expr, sign float64)
	walk = func(e Expr, sign float64) {
		switch {
		case isOp(e, Add):
			walk(e.(*Binary).X, sign)
			walk(e.(*Binary).Y, sign)
			return
		case isOp(e, Sub):
			walk(e.(*Binary).X, sign)
			walk(e.(*Binary).Y, -sign)
			return
		case isOp(e, Neg):
			walk(e.(*Unary).X, -sign)
			return
		}
		c, t := splitCoef(e)
		if t == nil {
			konst += sign * c
			return
		}
		if _, ok := coef[t]; !ok {
			order = append(order, t)
		}
		coef[t] += sign * c
	}
	walk(e, 1)
	if !finite(konst) {
		return e
	}
	var acc Expr
	for _, t := range order {
		c := coef[t]
		if c == 0 || !finite(c) {
			if !finite(c) {
				return e
			}
			continue
		}
		term := b.Mul(b.Const(math.Abs(c)), t)
		switch {
		case acc == nil && c < 0:
			acc = b.Neg(term)
		case acc == nil:
			acc = term
		case c < 0:
			acc = b.Sub(acc, term)
		default:
			acc = b.Add(acc, term)
		}
	}
	if acc == nil {
		return b.Const(konst)
	}
	return b.Add(acc, b.Const(konst))
}

// collectProduct gathers the factors of a product or quotient, adding the exponents of equal
// bases.
func (b *Builder) collectProduct(e Expr) Expr {
	var bases []Expr
	exp := make(map[Expr]float64)
	coef := 1.0
	var walk func(e Expr, sign float64)
	walk = func(e Expr, sign float64) {
		switch e := e.(type) {
		case *Const:
			if sign > 0 {
				coef *= e.Value
			} else {
				coef /= e.Value
			}
			return
		case *Unary:
			if e.Op == Neg {
				coef = -coef
				walk(e.X, sign)
				return
			}
		case *Binary:
			switch e.Op {
			case Mul:
				walk(e.X, sign)
				walk(e.Y, sign)
				return
			case Div:
				walk(e.X, sign)
				walk(e.Y, -sign)
				return
			case Pow:
				if k, ok := constOf(e.Y); ok {
					if _, seen := exp[e.X]; !seen {
						bases = append(bases, e.X)
					}
					exp[e.X] += sign * k
					return
				}
			}
		}
		if _, seen := exp[e]; !seen {
			bases = append(bases, e)
		}
		exp[e] += sign
	}
	walk(e, 1)
	if !finite(coef) {
		return e
	}
	if coef == 0 {
		return b.Const(0)
	}
	sort.SliceStable(bases, func(i, j int) bool { return before(bases[i], bases[j], true) })
	var num, den Expr
	mul := func(acc, f Expr) Expr {
		if acc == nil {
			return f
		}
		return b.Mul(acc, f)
	}
	for _, x := range bases {
		k := exp[x]
		switch {
		case k > 0:
			num = mul(num, b.Pow(x, b.Const(k)))
		case k < 0:
			den = mul(den, b.Pow(x, b.Const(-k)))
		}
	}
	r := b.Const(math.Abs(coef))
	if num != nil {
		r = b.Mul(r, num)
	}
	if den != nil {
		r = b.Div(r, den)
	}
	if coef < 0 {
		r = b.Neg(r)
	}
	return r
}
