package symbolic

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ParseError reports malformed input to Parse, with the column (1-based, counted in
// characters) where the parser stopped.
type ParseError struct {
	Col int
	Msg string
}

// Error returns "symbolic: parse error at column N: …".
func (e *ParseError) Error() string {
	return fmt.Sprintf("symbolic: parse error at column %d: %s", e.Col, e.Msg)
}

// maxDepth bounds the nesting of parentheses and unary operators, so that hostile input is an
// error rather than a stack overflow.
const maxDepth = 1000

type tokKind int

const (
	tokEOF tokKind = iota
	tokNum
	tokIdent
	tokOp // one of + - * / ^ ( ) ,
)

type token struct {
	kind tokKind
	text string
	op   rune
	col  int
}

type parser struct {
	b     *Builder
	src   []rune
	pos   int
	tok   token
	depth int
}

// Parse reads an infix formula such as "x*(x^2 - sin(y))" or "exp(-a*x)/2" into a new
// Builder. It knows + - * / ^ (right-associative, binding tighter than unary minus, so -x^2
// is -(x^2)), unary minus and plus, parentheses, numbers (1, 2.5, 1e-3), variables
// (identifiers of letters, digits and _, optionally indexed: W1[2,3]) and the functions exp,
// log (or ln), sin, cos, tanh, sigmoid, relu, step and sqrt. "·", "×" and "−" are read as *,
// * and -. Malformed input is a *ParseError naming the column.
func Parse(s string) (Expr, error) { return NewBuilder().Parse(s) }

// Parse reads an infix formula (see the package function Parse) into b.
func (b *Builder) Parse(s string) (Expr, error) {
	list, err := b.parse(s, false)
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// ParseList reads formulas separated by commas, such as a gradient "2*x - sin(y), -x*cos(y)".
func (b *Builder) ParseList(s string) ([]Expr, error) { return b.parse(s, true) }

// ParseList reads comma-separated formulas into a new Builder.
func ParseList(s string) ([]Expr, error) { return NewBuilder().ParseList(s) }

// parse panics with *ParseError deep inside and recovers here, once.
func (b *Builder) parse(s string, list bool) (out []Expr, err error) {
	p := &parser{b: b, src: []rune(s)}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*ParseError)
			if !ok {
				panic(r)
			}
			out, err = nil, pe
		}
	}()
	p.next()
	for {
		out = append(out, p.expr())
		if !list || p.tok.kind != tokOp || p.tok.op != ',' {
			break
		}
		p.next()
	}
	if p.tok.kind != tokEOF {
		p.fail(p.tok.col, "unexpected %s", p.tok.describe())
	}
	return out, nil
}

func (p *parser) fail(col int, format string, args ...any) {
	panic(&ParseError{Col: col, Msg: fmt.Sprintf(format, args...)})
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokNum:
		return "number " + t.text
	case tokIdent:
		return "name " + t.text
	}
	return strconv.QuoteRune(t.op)
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isDigit(r rune) bool      { return r >= '0' && r <= '9' }

// next scans the next token into p.tok.
func (p *parser) next() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
	start := p.pos
	col := start + 1
	if p.pos >= len(p.src) {
		p.tok = token{kind: tokEOF, col: col}
		return
	}
	r := p.src[p.pos]
	switch {
	case isDigit(r) || r == '.':
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			p.pos++
		}
		if p.pos < len(p.src) && p.src[p.pos] == '.' {
			p.pos++
			for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
				p.pos++
			}
		}
		if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
			q := p.pos + 1
			if q < len(p.src) && (p.src[q] == '+' || p.src[q] == '-') {
				q++
			}
			if q < len(p.src) && isDigit(p.src[q]) {
				for q < len(p.src) && isDigit(p.src[q]) {
					q++
				}
				p.pos = q
			}
		}
		text := string(p.src[start:p.pos])
		if text == "." {
			p.fail(col, "a lone '.' is not a number")
		}
		p.tok = token{kind: tokNum, text: text, col: col}
	case isIdentStart(r):
		for p.pos < len(p.src) && isIdentPart(p.src[p.pos]) {
			p.pos++
		}
		if p.pos < len(p.src) && p.src[p.pos] == '[' {
			p.pos++
			for {
				q := p.pos
				for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
					p.pos++
				}
				if p.pos == q {
					p.fail(p.pos+1, "want an index (digits) in %s", string(p.src[start:p.pos]))
				}
				if p.pos < len(p.src) && p.src[p.pos] == ',' {
					p.pos++
					continue
				}
				if p.pos < len(p.src) && p.src[p.pos] == ']' {
					p.pos++
					break
				}
				p.fail(p.pos+1, "want ',' or ']' in the index of %s", string(p.src[start:p.pos]))
			}
		}
		p.tok = token{kind: tokIdent, text: string(p.src[start:p.pos]), col: col}
	default:
		p.pos++
		switch r {
		case '·', '×':
			r = '*'
		case '−':
			r = '-'
		}
		if !strings.ContainsRune("+-*/^(),", r) {
			p.fail(col, "unexpected character %q", r)
		}
		p.tok = token{kind: tokOp, op: r, col: col}
	}
}

func (p *parser) is(op rune) bool { return p.tok.kind == tokOp && p.tok.op == op }

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok.col, "expression nested more than %d levels deep", maxDepth)
	}
}

// expr = term { ("+" | "-") term }
func (p *parser) expr() Expr {
	x := p.term()
	for p.is('+') || p.is('-') {
		op := p.tok.op
		p.next()
		y := p.term()
		if op == '+' {
			x = p.b.Add(x, y)
		} else {
			x = p.b.Sub(x, y)
		}
	}
	return x
}

// term = unary { ("*" | "/") unary }
func (p *parser) term() Expr {
	x := p.unary()
	for p.is('*') || p.is('/') {
		op := p.tok.op
		p.next()
		y := p.unary()
		if op == '*' {
			x = p.b.Mul(x, y)
		} else {
			x = p.b.Div(x, y)
		}
	}
	return x
}

// unary = ("-" | "+") unary | power
func (p *parser) unary() Expr {
	p.enter()
	defer func() { p.depth-- }()
	if p.is('-') {
		p.next()
		return p.b.Neg(p.unary())
	}
	if p.is('+') {
		p.next()
		return p.unary()
	}
	return p.power()
}

// power = primary [ "^" unary ]   (right-associative: the exponent may itself be a power)
func (p *parser) power() Expr {
	x := p.primary()
	if p.is('^') {
		p.next()
		return p.b.Pow(x, p.unary())
	}
	return x
}

// primary = number | name | name "(" expr ")" | "(" expr ")"
func (p *parser) primary() Expr {
	t := p.tok
	switch {
	case t.kind == tokNum:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			p.fail(t.col, "number %s out of range", t.text)
		}
		p.next()
		return p.b.Const(v)
	case t.kind == tokIdent:
		p.next()
		if !p.is('(') {
			return p.b.Var(t.text)
		}
		op, ok := funcOps[t.text]
		if !ok && t.text != "sqrt" {
			p.fail(t.col, "unknown function %s (want exp, log, sin, cos, tanh, sigmoid, relu, step or sqrt)", t.text)
		}
		p.next()
		x := p.expr()
		p.expect(')', t)
		if t.text == "sqrt" {
			return p.b.Pow(x, p.b.Const(0.5))
		}
		return p.b.Func(op, x)
	case p.is('('):
		p.next()
		x := p.expr()
		p.expect(')', t)
		return x
	}
	p.fail(t.col, "unexpected %s, want a number, a name or '('", t.describe())
	return nil
}

func (p *parser) expect(op rune, open token) {
	if !p.is(op) {
		what := "("
		if open.kind == tokIdent {
			what = open.text + "("
		}
		p.fail(p.tok.col, "unexpected %s, want %q to close the %q at column %d", p.tok.describe(), op, what, open.col)
	}
	p.next()
}
