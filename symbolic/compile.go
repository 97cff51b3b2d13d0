package symbolic

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrUnboundVar reports a variable that an evaluation or compilation was not given.
var ErrUnboundVar = errors.New("symbolic: unbound variable")

// instr is one instruction of a Program: regs[dst] = op(regs[x], regs[y]).
type instr struct {
	op        Op
	dst, x, y int32
}

// Program is a straight-line program compiled from a set of expressions: instructions in
// topological order over an array of registers, each distinct operation (after common
// sub-expression elimination) computed once. Registers 0..NumVars()-1 hold the variables, the
// next ones the constants, then one register per instruction.
//
// A Program is immutable except for the register array Eval reuses; it is not safe for
// concurrent use of Eval (Clone gives each goroutine its own).
type Program struct {
	vars   []string
	consts []float64 // values of the constant registers, which follow the variables
	code   []instr
	outs   []int32 // register of each output
	regs   []float64
}

// Compile turns the expressions into one program whose outputs are their values, in order,
// and whose inputs are the named variables, in order. Equal sub-expressions (same operator on
// the same registers) are computed once, also when the expressions were not built by one
// Builder. A variable of the expressions missing from vars is an error wrapping
// ErrUnboundVar; so is a name given twice.
func Compile(outputs []Expr, vars []string) (*Program, error) {
	p := &Program{vars: append([]string(nil), vars...)}
	varReg := make(map[string]int32, len(vars))
	for i, v := range vars {
		if _, dup := varReg[v]; dup {
			return nil, fmt.Errorf("symbolic: Compile: variable %q given twice", v)
		}
		varReg[v] = int32(i)
	}
	d := newDAG(outputs)
	order := d.order
	constReg := make(map[uint64]int32)
	for _, n := range order {
		if c, ok := n.(*Const); ok {
			bits := math.Float64bits(c.Value)
			if _, seen := constReg[bits]; !seen {
				constReg[bits] = int32(len(vars) + len(p.consts))
				p.consts = append(p.consts, c.Value)
			}
		}
	}
	next := int32(len(vars) + len(p.consts))
	reg := make([]int32, len(order))
	// Nodes of one Builder are interned, hence distinct operations already; other nodes go
	// through a table of the operations seen.
	var cse map[instr]int32
	if d.owner == nil {
		cse = make(map[instr]int32, len(order))
	}
	for i, n := range order {
		var k instr
		switch n := n.(type) {
		case *Const:
			reg[i] = constReg[math.Float64bits(n.Value)]
			continue
		case *Var:
			r, ok := varReg[n.Name]
			if !ok {
				return nil, fmt.Errorf("symbolic: Compile: %w %q (variables: %s)", ErrUnboundVar, n.Name, strings.Join(vars, ", "))
			}
			reg[i] = r
			continue
		case *Unary:
			k = instr{op: n.Op, x: reg[d.pos(n.X)], y: -1}
		case *Binary:
			x, y := reg[d.pos(n.X)], reg[d.pos(n.Y)]
			if (n.Op == Add || n.Op == Mul) && x > y {
				x, y = y, x
			}
			k = instr{op: n.Op, x: x, y: y}
		}
		if r, ok := cse[k]; ok && cse != nil {
			reg[i] = r
			continue
		}
		k.dst = next
		next++
		if cse != nil {
			cse[instr{op: k.op, x: k.x, y: k.y}] = k.dst
		}
		p.code = append(p.code, k)
		reg[i] = k.dst
	}
	for _, e := range outputs {
		p.outs = append(p.outs, reg[d.pos(e)])
	}
	return p, nil
}

// NumVars returns the number of input variables.
func (p *Program) NumVars() int { return len(p.vars) }

// VarNames returns the names of the input variables, in order.
func (p *Program) VarNames() []string { return append([]string(nil), p.vars...) }

// NumOutputs returns the number of outputs.
func (p *Program) NumOutputs() int { return len(p.outs) }

// Len returns the number of instructions: one per distinct operation, not counting the
// loading of variables and constants.
func (p *Program) Len() int { return len(p.code) }

// NumRegs returns the size of the register array.
func (p *Program) NumRegs() int { return len(p.vars) + len(p.consts) + len(p.code) }

// Clone returns a copy of p with its own register array.
func (p *Program) Clone() *Program {
	q := *p
	q.regs = nil
	return &q
}

func (p *Program) initRegs() {
	if p.regs == nil {
		p.regs = make([]float64, p.NumRegs())
		copy(p.regs[len(p.vars):], p.consts)
	}
}

// Eval evaluates the program at the variable values in (len NumVars) and writes the outputs
// into dst, which it allocates if nil (it must otherwise have length NumOutputs). After the
// first call it allocates nothing. Mismatched lengths panic.
func (p *Program) Eval(dst, in []float64) []float64 {
	if len(in) != len(p.vars) {
		panic(fmt.Sprintf("symbolic: Eval: %d inputs, want %d", len(in), len(p.vars)))
	}
	if dst == nil {
		dst = make([]float64, len(p.outs))
	}
	if len(dst) != len(p.outs) {
		panic(fmt.Sprintf("symbolic: Eval: len(dst) = %d, want %d", len(dst), len(p.outs)))
	}
	p.initRegs()
	r := p.regs
	copy(r, in)
	for _, c := range p.code {
		r[c.dst] = evalInstr(c, r)
	}
	for i, o := range p.outs {
		dst[i] = r[o]
	}
	return dst
}

func evalInstr(c instr, r []float64) float64 {
	x := r[c.x]
	switch c.op {
	case Add:
		return x + r[c.y]
	case Sub:
		return x - r[c.y]
	case Mul:
		return x * r[c.y]
	case Div:
		return x / r[c.y]
	case Pow:
		return pow(x, r[c.y])
	}
	return apply1(c.op, x)
}

// String lists the program, one instruction a line ("t7 = t5*x"), then the outputs.
func (p *Program) String() string {
	var sb strings.Builder
	name := func(r int32) string {
		switch {
		case int(r) < len(p.vars):
			return p.vars[r]
		case int(r) < len(p.vars)+len(p.consts):
			return formatConst(p.consts[int(r)-len(p.vars)])
		}
		return fmt.Sprintf("t%d", int(r)-len(p.vars)-len(p.consts)+1)
	}
	for _, c := range p.code {
		fmt.Fprintf(&sb, "%s = ", name(c.dst))
		switch {
		case c.op.IsBinary():
			sep := c.op.String()
			if c.op == Add || c.op == Sub {
				sep = " " + sep + " "
			}
			fmt.Fprintf(&sb, "%s%s%s\n", name(c.x), sep, name(c.y))
		case c.op == Neg:
			fmt.Fprintf(&sb, "-%s\n", name(c.x))
		default:
			fmt.Fprintf(&sb, "%s(%s)\n", c.op, name(c.x))
		}
	}
	for i, o := range p.outs {
		fmt.Fprintf(&sb, "out[%d] = %s\n", i, name(o))
	}
	return sb.String()
}
