package symbolic

import (
	"math"
	"strconv"
	"strings"
)

// Precedence levels, loosest first; the printer parenthesises an operand whose level is below
// what its position needs. Binary operators are left-associative except ^.
const (
	precSum   = 1 // + −
	precProd  = 2 // · /
	precUnary = 3 // unary minus, negative constants
	precPow   = 4 // ^
	precAtom  = 5 // constants, variables, function calls (and \frac in LaTeX)
)

var binPrec = [numOps]int{Add: precSum, Sub: precSum, Mul: precProd, Div: precProd, Pow: precPow}

func precOf(e Expr, latex bool) int {
	switch e := e.(type) {
	case *Const:
		if e.Value < 0 || math.Signbit(e.Value) {
			return precUnary
		}
	case *Unary:
		if e.Op == Neg {
			return precUnary
		}
	case *Binary:
		if latex && e.Op == Div {
			return precAtom
		}
		if latex && e.Op == Pow && isConst(e.Y, 0.5) {
			return precAtom // \sqrt{…}
		}
		return binPrec[e.Op]
	}
	return precAtom
}

type printer struct {
	sb    strings.Builder
	latex bool
	names map[Expr]string // nodes printed by name (named intermediates)
	top   Expr            // the node being defined, printed in full even if named
}

func (p *printer) prec(e Expr) int {
	if _, ok := p.names[e]; ok && e != p.top {
		return precAtom
	}
	return precOf(e, p.latex)
}

func (p *printer) paren(e Expr, need bool) {
	if !need {
		p.expr(e)
		return
	}
	if p.latex {
		p.sb.WriteString(`\left(`)
		p.expr(e)
		p.sb.WriteString(`\right)`)
		return
	}
	p.sb.WriteByte('(')
	p.expr(e)
	p.sb.WriteByte(')')
}

func formatConst(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (p *printer) expr(e Expr) {
	if name, ok := p.names[e]; ok && e != p.top {
		p.sb.WriteString(name)
		return
	}
	switch e := e.(type) {
	case *Const:
		s := formatConst(e.Value)
		if p.latex {
			if m, x, ok := strings.Cut(s, "e"); ok {
				exp, _ := strconv.Atoi(x)
				s = m + ` \cdot 10^{` + strconv.Itoa(exp) + `}`
			}
		}
		p.sb.WriteString(s)
	case *Var:
		if p.latex {
			p.sb.WriteString(latexName(e.Name))
		} else {
			p.sb.WriteString(e.Name)
		}
	case *Unary:
		if e.Op == Neg {
			// -a*b and -a/b are read back as (-a)*b, which a Builder turns into -(a*b),
			// so only sums need parentheses, and products whose first factor would absorb
			// the minus (a Builder turns -(a - b) into b - a and -0 into 0).
			p.sb.WriteByte('-')
			p.paren(e.X, p.prec(e.X) < precProd || p.firstFactorAbsorbsMinus(e.X))
			return
		}
		if p.latex {
			p.latexFunc(e)
			return
		}
		p.sb.WriteString(e.Op.String())
		p.sb.WriteByte('(')
		p.expr(e.X)
		p.sb.WriteByte(')')
	case *Binary:
		if p.latex {
			switch {
			case e.Op == Div:
				p.sb.WriteString(`\frac{`)
				p.expr(e.X)
				p.sb.WriteString(`}{`)
				p.expr(e.Y)
				p.sb.WriteString(`}`)
				return
			case e.Op == Pow && isConst(e.Y, 0.5):
				p.sb.WriteString(`\sqrt{`)
				p.expr(e.X)
				p.sb.WriteString(`}`)
				return
			case e.Op == Pow:
				p.paren(e.X, p.prec(e.X) < precAtom || (p.names[e.X] == "" && isFuncCall(e.X)))
				p.sb.WriteString(`^{`)
				p.expr(e.Y)
				p.sb.WriteString(`}`)
				return
			}
		}
		prec := binPrec[e.Op]
		lp, rp := p.prec(e.X), p.prec(e.Y)
		if e.Op == Pow {
			p.paren(e.X, lp <= prec)
		} else {
			p.paren(e.X, lp < prec)
		}
		switch {
		case e.Op == Add || e.Op == Sub:
			p.sb.WriteString(" " + e.Op.String() + " ")
		case p.latex && e.Op == Mul:
			p.sb.WriteString(` \cdot `)
		default:
			p.sb.WriteString(e.Op.String())
		}
		if e.Op == Pow {
			p.paren(e.Y, rp < prec)
		} else {
			p.paren(e.Y, rp <= prec)
		}
	}
}

func (p *printer) firstFactorAbsorbsMinus(e Expr) bool {
	for {
		if _, named := p.names[e]; named && e != p.top {
			return false
		}
		if c, ok := e.(*Const); ok {
			return c.Value == 0
		}
		b, ok := e.(*Binary)
		if !ok {
			return false
		}
		switch b.Op {
		case Sub:
			return true
		case Mul, Div:
			e = b.X
		default:
			return false
		}
	}
}

func isFuncCall(e Expr) bool {
	u, ok := e.(*Unary)
	return ok && u.Op.IsFunc()
}

var latexFuncs = [numOps]string{Exp: `\exp`, Log: `\log`, Sin: `\sin`, Cos: `\cos`,
	Tanh: `\tanh`, Sigmoid: `\sigma`, ReLU: `\operatorname{ReLU}`, Step: `\operatorname{step}`}

func (p *printer) latexFunc(e *Unary) {
	p.sb.WriteString(latexFuncs[e.Op])
	p.sb.WriteString(`\left(`)
	p.expr(e.X)
	p.sb.WriteString(`\right)`)
}

// latexName writes a variable name for LaTeX: "x[3]" becomes x_{3}, "W1[2,3]" W^{(1)}_{2,3},
// "zbar[1]" \bar{z}_{1}, "y_2" y_{2}; longer names are set upright.
func latexName(name string) string {
	base, idx, hasIdx := strings.Cut(name, "[")
	idx = strings.TrimSuffix(idx, "]")
	sup := ""
	if len(base) > 1 && (base[0] == 'W' || base[0] == 'b') && isDigits(base[1:]) {
		base, sup = base[:1], "^{("+base[1:]+")}"
	}
	if b, sub, ok := strings.Cut(base, "_"); ok && !hasIdx {
		base, idx, hasIdx = b, sub, true
	}
	switch {
	case strings.HasSuffix(base, "bar") && len(base) > 3:
		base = `\bar{` + base[:len(base)-3] + `}`
	case len(base) > 1:
		base = `\mathrm{` + base + `}`
	}
	if hasIdx {
		return base + sup + "_{" + idx + "}"
	}
	return base + sup
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// String formats the constant as strconv.FormatFloat(v, 'g', -1, 64) does.
func (e *Const) String() string { return exprString(e) }

// String returns the variable's name.
func (e *Var) String() string { return e.Name }

// String returns the expression in infix notation (see Expr).
func (e *Unary) String() string { return exprString(e) }

// String returns the expression in infix notation (see Expr).
func (e *Binary) String() string { return exprString(e) }

func exprString(e Expr) string {
	var p printer
	p.expr(e)
	return p.sb.String()
}

// LaTeX returns e as a LaTeX formula: \frac for quotients, \cdot for products, \sigma for the
// sigmoid, indexed names as subscripts.
func LaTeX(e Expr) string {
	p := printer{latex: true}
	p.expr(e)
	return p.sb.String()
}
