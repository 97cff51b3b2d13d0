package symbolic

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
)

// vkind is the shape of a vector instruction: which operands are vectors (V, one value per
// row of the batch) and which are uniform scalars (S, the same for every row).
type vkind uint8

const (
	kUnary  vkind = iota // d = op(A)
	kVV                  // d = A op B
	kVS                  // d = A op s
	kSV                  // d = s op B
	kFmaVVV              // d = A + B·C
	kFmaVVS              // d = A + B·s
	kFmaSVV              // d = s + B·C
	kFmaSVS              // d = s + B·s'
	kLinV                // d = A + Σₖ Vₖ·sₖ (a chain of multiply-adds, terms at b, count c)
	kLinS                // d = s + Σₖ Vₖ·sₖ
	kLin0                // d = Σₖ Vₖ·sₖ
	kSum                 // out += Σ A
	kSumS                // out += s·Σ A
	kDot                 // out += Σ A·B
	kDots                // out[oₖ] += Σ A·Bₖ for the (Bₖ, oₖ) pairs at b, count c
)

// vinstr is one instruction of a BatchProgram. Vector operands index the vector table (the
// varying inputs first, then the slots); scalar operands index the uniform registers; for the
// reductions d is the output index.
type vinstr struct {
	kind       vkind
	op         Op
	d, a, b, c int32
}

// DefaultChunk is the number of batch rows a BatchProgram evaluates per pass over its code.
const DefaultChunk = 128

// BatchProgram evaluates a Program over a batch of points at once, structure-of-arrays: every
// instruction runs across a chunk of rows before the next one starts, so the cost of
// dispatching an instruction is shared by the rows. The variables are split into uniform ones
// (the same for every row, such as parameters) and varying ones (one value per row, such as
// the inputs of a training pair); instructions that depend on uniform variables only run once
// per call. Sum adds every output up over the rows.
//
// Compiling for a batch also fuses instructions: a product used only by a sum becomes a
// multiply-add, a chain of multiply-adds one linear combination, a product used only by an
// output a dot product (and a run of dot products sharing a vector one instruction); vector
// registers are reused once their last reader has run. A BatchProgram keeps its buffers between calls
// and is not safe for concurrent use.
type BatchProgram struct {
	p       *Program
	uniform []int32 // registers of the uniform variables, in order
	varying []int32 // registers of the varying variables, in order
	pre     []instr // uniform instructions, run once per call
	code    []vinstr
	uouts   [][2]int32 // uniform outputs: {output index, register}
	terms   []int32    // operands of the linear combinations: (vector, scalar register) pairs
	nslots  int
	chunk   int
	u       []float64
	vecs    [][]float64
	slotBuf []float64
}

// Batch specialises the program for batches in which the named variables vary from row to
// row and the others are uniform. chunk is the number of rows per pass (0 means
// DefaultChunk). A name that is not a variable of the program is an error.
func (p *Program) Batch(varying []string, chunk int) (*BatchProgram, error) {
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	nvar := len(p.vars)
	isVarying := make([]bool, p.NumRegs())
	idx := make(map[string]int32, nvar)
	for i, v := range p.vars {
		idx[v] = int32(i)
	}
	bp := &BatchProgram{p: p, chunk: chunk}
	nregs := p.NumRegs()
	vecOf := make([]int32, nregs) // register → vector table index, or -1
	for i := range vecOf {
		vecOf[i] = -1
	}
	for _, v := range varying {
		r, ok := idx[v]
		if !ok {
			return nil, fmt.Errorf("symbolic: Batch: %w %q", ErrUnboundVar, v)
		}
		if isVarying[r] {
			return nil, fmt.Errorf("symbolic: Batch: variable %q given twice", v)
		}
		isVarying[r] = true
		vecOf[r] = int32(len(bp.varying))
		bp.varying = append(bp.varying, r)
	}
	for i := range p.vars {
		if !isVarying[i] {
			bp.uniform = append(bp.uniform, int32(i))
		}
	}
	def := make([]int32, nregs) // register → index in p.code, or -1
	for i := range def {
		def[i] = -1
	}
	uses := make([]int, nregs)
	for i, c := range p.code {
		def[c.dst] = int32(i)
		isVarying[c.dst] = isVarying[c.x] || (c.y >= 0 && isVarying[c.y])
		uses[c.x]++
		if c.y >= 0 {
			uses[c.y]++
		}
		if !isVarying[c.dst] {
			bp.pre = append(bp.pre, c)
		}
	}
	for _, o := range p.outs {
		uses[o]++
	}
	// outputs by register, as linked lists: outHead[r] is the first output reading r,
	// outNext[o] the next one after output o.
	outHead := make([]int32, nregs)
	for i := range outHead {
		outHead[i] = -1
	}
	outNext := make([]int32, len(p.outs))
	for i := len(p.outs) - 1; i >= 0; i-- {
		o := p.outs[i]
		if isVarying[o] {
			outNext[i], outHead[o] = outHead[o], int32(i)
		} else {
			bp.uouts = append(bp.uouts, [2]int32{int32(i), o})
		}
	}
	// fusible: a varying product read exactly once.
	fusible := func(r int32) (instr, bool) {
		i := def[r]
		if i < 0 || !isVarying[r] || uses[r] != 1 || p.code[i].op != Mul {
			return instr{}, false
		}
		return p.code[i], true
	}
	fused := make([]bool, nregs) // products emitted as part of their reader

	// Build the stream with register numbers; vector operands are mapped to slots below.
	type sinstr struct {
		vinstr
		vec   [3]bool // which of a, b, c are vectors (registers, mapped later)
		terms []int32 // kLin*: pairs (vector register, scalar register)
		dead  bool
	}
	var stream []sinstr
	emitOuts := func(r int32) {
		for o := outHead[r]; o >= 0; o = outNext[o] {
			if m, ok := fusible(r); ok {
				a, b := m.x, m.y
				if !isVarying[a] {
					a, b = b, a
				}
				if isVarying[b] {
					stream = append(stream, sinstr{vinstr: vinstr{kind: kDot, d: int32(o), a: a, b: b}, vec: [3]bool{true, true, false}})
				} else {
					stream = append(stream, sinstr{vinstr: vinstr{kind: kSumS, d: int32(o), a: a, b: b}, vec: [3]bool{true, false, false}})
				}
				continue
			}
			stream = append(stream, sinstr{vinstr: vinstr{kind: kSum, d: int32(o), a: r}, vec: [3]bool{true, false, false}})
		}
	}
	for _, r := range bp.varying {
		emitOuts(r)
	}
	// Products consumed by outputs are fused into the reduction; mark them first.
	for r := range outHead {
		if _, ok := fusible(int32(r)); ok && outHead[r] >= 0 {
			fused[r] = true
		}
	}
	// Products read only by a sum become multiply-adds; mark them before emitting, since a
	// product comes before the sum that reads it.
	fmaOf := make([]int32, nregs) // sum register → fused product register, or -1
	for i := range fmaOf {
		fmaOf[i] = -1
	}
	for _, c := range p.code {
		if !isVarying[c.dst] || c.op != Add {
			continue
		}
		if _, ok := fusible(c.y); ok && !fused[c.y] {
			fmaOf[c.dst], fused[c.y] = c.y, true
		} else if _, ok := fusible(c.x); ok && !fused[c.x] {
			fmaOf[c.dst], fused[c.x] = c.x, true
		}
	}
	for _, c := range p.code {
		if !isVarying[c.dst] {
			continue
		}
		if fused[c.dst] {
			emitOuts(c.dst) // a product read by an output: a dot product there (or nothing)
			continue
		}
		if prod := fmaOf[c.dst]; prod >= 0 {
			acc := c.x
			if acc == prod {
				acc = c.y
			}
			m := p.code[def[prod]]
			{
				b, cc := m.x, m.y
				if !isVarying[b] {
					b, cc = cc, b
				}
				var k vkind
				switch {
				case isVarying[acc] && isVarying[cc]:
					k = kFmaVVV
				case isVarying[acc]:
					k = kFmaVVS
				case isVarying[cc]:
					k = kFmaSVV
				default:
					k = kFmaSVS
				}
				stream = append(stream, sinstr{vinstr: vinstr{kind: k, op: Add, d: c.dst, a: acc, b: b, c: cc},
					vec: [3]bool{isVarying[acc], true, isVarying[cc]}})
				emitOuts(c.dst)
				continue
			}
		}
		var s sinstr
		switch {
		case c.y < 0:
			s = sinstr{vinstr: vinstr{kind: kUnary, op: c.op, d: c.dst, a: c.x}, vec: [3]bool{true, false, false}}
		case isVarying[c.x] && isVarying[c.y]:
			s = sinstr{vinstr: vinstr{kind: kVV, op: c.op, d: c.dst, a: c.x, b: c.y}, vec: [3]bool{true, true, false}}
		case isVarying[c.x]:
			s = sinstr{vinstr: vinstr{kind: kVS, op: c.op, d: c.dst, a: c.x, b: c.y}, vec: [3]bool{true, false, false}}
		default:
			s = sinstr{vinstr: vinstr{kind: kSV, op: c.op, d: c.dst, a: c.x, b: c.y}, vec: [3]bool{false, true, false}}
		}
		stream = append(stream, s)
		emitOuts(c.dst)
	}
	// Chains of multiply-adds (u = Σᵢ wᵢ·xᵢ, one term at a time) become one linear
	// combination, computed where its last term was, when the partial sums have no other
	// reader.
	reads := make([]int32, nregs)
	for _, s := range stream {
		for j, r := range [3]int32{s.a, s.b, s.c} {
			if s.vec[j] {
				reads[r]++
			}
		}
	}
	chainAt := make([]int32, nregs) // register → position+1 of the chain that computes it
	var merged []sinstr
	for _, s := range stream {
		var acc, term [2]int32 // acc: register and kind (0 none, 1 vector, 2 scalar)
		ok := true
		switch {
		case s.kind == kFmaVVS:
			acc, term = [2]int32{s.a, 1}, [2]int32{s.b, s.c}
		case s.kind == kFmaSVS:
			acc, term = [2]int32{s.a, 2}, [2]int32{s.b, s.c}
		case s.kind == kVS && s.op == Mul:
			acc, term = [2]int32{-1, 0}, [2]int32{s.a, s.b}
		default:
			ok = false
		}
		if !ok {
			merged = append(merged, s)
			continue
		}
		if acc[1] == 1 && chainAt[acc[0]] > 0 && reads[acc[0]] == 1 {
			ch := merged[chainAt[acc[0]]-1]
			merged[chainAt[acc[0]]-1].dead = true
			ch.terms = append(ch.terms, term[0], term[1])
			ch.d = s.d
			merged = append(merged, ch)
			chainAt[s.d] = int32(len(merged))
			continue
		}
		ch := sinstr{vinstr: vinstr{kind: kLin0, d: s.d}, terms: []int32{term[0], term[1]}}
		switch acc[1] {
		case 1:
			ch.kind, ch.a, ch.vec[0] = kLinV, acc[0], true
		case 2:
			ch.kind, ch.a = kLinS, acc[0]
		}
		merged = append(merged, ch)
		chainAt[s.d] = int32(len(merged))
	}
	stream = stream[:0]
	for _, s := range merged {
		if s.dead {
			continue
		}
		if len(s.terms) == 2 { // a single multiply-add: back to its own instruction
			switch s.kind {
			case kLinV:
				s = sinstr{vinstr: vinstr{kind: kFmaVVS, op: Add, d: s.d, a: s.a, b: s.terms[0], c: s.terms[1]}, vec: [3]bool{true, true, false}}
			case kLinS:
				s = sinstr{vinstr: vinstr{kind: kFmaSVS, op: Add, d: s.d, a: s.a, b: s.terms[0], c: s.terms[1]}, vec: [3]bool{false, true, false}}
			default:
				s = sinstr{vinstr: vinstr{kind: kVS, op: Mul, d: s.d, a: s.terms[0], b: s.terms[1]}, vec: [3]bool{true, false, false}}
			}
		}
		stream = append(stream, s)
	}
	// Liveness: the last position at which each vector register is read.
	last := make([]int32, nregs) // position+1, 0 for never read
	for i, s := range stream {
		for j, r := range [3]int32{s.a, s.b, s.c} {
			if s.vec[j] {
				last[r] = int32(i) + 1
			}
		}
		for k := 0; k < len(s.terms); k += 2 {
			last[s.terms[k]] = int32(i) + 1
		}
	}
	// Slot allocation with a free list; a slot is freed after its last reader.
	nvary := int32(len(bp.varying))
	var free []int32
	for i := range stream {
		s := &stream[i]
		ops := [3]*int32{&s.a, &s.b, &s.c}
		regs := [3]int32{s.a, s.b, s.c}
		for j := range ops {
			if !s.vec[j] {
				continue
			}
			r := regs[j]
			if v := vecOf[r]; v >= 0 {
				*ops[j] = v
			} else {
				panic(fmt.Sprintf("symbolic: Batch: register %d read before it is written", r))
			}
		}
		termRegs := append([]int32(nil), s.terms...)
		for k := 0; k < len(s.terms); k += 2 {
			v := vecOf[s.terms[k]]
			if v < 0 {
				panic(fmt.Sprintf("symbolic: Batch: register %d read before it is written", s.terms[k]))
			}
			s.terms[k] = v
		}
		for j := range ops {
			r := regs[j]
			if s.vec[j] && last[r] == int32(i)+1 && r >= int32(nvar) {
				if v := vecOf[r]; v >= 0 {
					free = append(free, v)
					vecOf[r] = -1
				}
			}
		}
		// The terms of a linear combination are freed after its destination is chosen: it
		// is accumulated in place, one term at a time, so it must not share a slot with a
		// term (the accumulator it starts from may).
		freeTerms := func() {
			for k := 0; k < len(termRegs); k += 2 {
				r := termRegs[k]
				if last[r] == int32(i)+1 && r >= int32(nvar) {
					if v := vecOf[r]; v >= 0 {
						free = append(free, v)
						vecOf[r] = -1
					}
				}
			}
		}
		if s.terms != nil {
			s.b, s.c = int32(len(bp.terms)), int32(len(s.terms)/2)
			bp.terms = append(bp.terms, s.terms...)
		}
		if s.kind >= kSum {
			freeTerms()
			continue
		}
		var slot int32
		if len(free) > 0 {
			slot, free = free[len(free)-1], free[:len(free)-1]
		} else {
			slot = nvary + int32(bp.nslots)
			bp.nslots++
		}
		if last[s.d] != 0 {
			vecOf[s.d] = slot
		} else {
			free = append(free, slot) // written but never read
		}
		s.d = slot
		freeTerms()
	}
	// Consecutive dot products with the same first vector (the gradient of a row of weights:
	// the adjoint of one unit against each input) become one instruction.
	bp.code = make([]vinstr, 0, len(stream))
	other := func(s sinstr, shared int32) (int32, bool) { // the operand besides shared
		switch {
		case s.kind != kDot:
			return 0, false
		case s.a == shared:
			return s.b, true
		case s.b == shared:
			return s.a, true
		}
		return 0, false
	}
	for i := 0; i < len(stream); {
		s := stream[i]
		shared, j := int32(-1), i+1
		if s.kind == kDot && j < len(stream) {
			if _, ok := other(stream[j], s.a); ok {
				shared = s.a
			} else if _, ok := other(stream[j], s.b); ok {
				shared = s.b
			}
		}
		if shared < 0 {
			bp.code = append(bp.code, s.vinstr)
			i++
			continue
		}
		g := vinstr{kind: kDots, a: shared, b: int32(len(bp.terms))}
		for ; i < len(stream); i++ {
			o, ok := other(stream[i], shared)
			if !ok {
				break
			}
			bp.terms = append(bp.terms, o, stream[i].d)
			g.c++
		}
		bp.code = append(bp.code, g)
	}
	bp.u = make([]float64, p.NumRegs())
	copy(bp.u[nvar:], p.consts)
	bp.vecs = make([][]float64, int(nvary)+bp.nslots)
	bp.slotBuf = make([]float64, bp.nslots*chunk)
	for i := 0; i < bp.nslots; i++ {
		bp.vecs[int(nvary)+i] = bp.slotBuf[i*chunk : (i+1)*chunk : (i+1)*chunk]
	}
	return bp, nil
}

// Len returns the number of vector instructions (after fusion), reductions included.
func (bp *BatchProgram) Len() int { return len(bp.code) }

// Slots returns the number of vector registers (each Chunk rows long) the program uses.
func (bp *BatchProgram) Slots() int { return bp.nslots }

// NumUniform returns the number of uniform variables, the length Sum wants for its uniform
// argument.
func (bp *BatchProgram) NumUniform() int { return len(bp.uniform) }

// NumVarying returns the number of varying variables.
func (bp *BatchProgram) NumVarying() int { return len(bp.varying) }

// Sum evaluates the program on n rows and writes the sum over the rows of each output into
// dst (allocated if nil; otherwise of length NumOutputs), which it returns. uniform holds the
// values of the uniform variables in program order (NumUniform of them); data holds the
// varying ones variable by variable, data[j·n + i] being varying variable j at row i. It
// allocates nothing when dst is given. Mismatched lengths panic.
func (bp *BatchProgram) Sum(dst, uniform, data []float64, n int) []float64 {
	p := bp.p
	if dst == nil {
		dst = make([]float64, len(p.outs))
	}
	switch {
	case len(dst) != len(p.outs):
		panic(fmt.Sprintf("symbolic: Sum: len(dst) = %d, want %d", len(dst), len(p.outs)))
	case len(uniform) != len(bp.uniform):
		panic(fmt.Sprintf("symbolic: Sum: %d uniform values, want %d", len(uniform), len(bp.uniform)))
	case n < 0 || len(data) != n*len(bp.varying):
		panic(fmt.Sprintf("symbolic: Sum: %d varying values, want %d×%d", len(data), n, len(bp.varying)))
	}
	u := bp.u
	for i, r := range bp.uniform {
		u[r] = uniform[i]
	}
	for _, c := range bp.pre {
		u[c.dst] = evalInstr(c, u)
	}
	for i := range dst {
		dst[i] = 0
	}
	for s := 0; s < n; s += bp.chunk {
		L := min(bp.chunk, n-s)
		for j := range bp.varying {
			bp.vecs[j] = data[j*n+s : j*n+s+L : j*n+s+L]
		}
		bp.run(dst, L)
	}
	for _, uo := range bp.uouts {
		dst[uo[0]] = float64(n) * u[uo[1]]
	}
	return dst
}

// run executes the vector code on the first L rows of every vector.
func (bp *BatchProgram) run(out []float64, L int) {
	u, v := bp.u, bp.vecs
	for _, in := range bp.code {
		switch in.kind {
		case kFmaVVS:
			fmaVVS(v[in.d][:L], v[in.a][:L], v[in.b][:L], u[in.c])
		case kDot:
			out[in.d] += dot(v[in.a][:L], v[in.b][:L])
		case kDots:
			a, t := v[in.a][:L], bp.terms[in.b:in.b+2*in.c]
			if L == 1 {
				for k := 0; k+1 < len(t); k += 2 {
					out[t[k+1]] += a[0] * v[t[k]][0]
				}
				break
			}
			for k := 0; k+1 < len(t); k += 2 {
				out[t[k+1]] += dot(a, v[t[k]][:L])
			}
		case kFmaVVV:
			d := v[in.d][:L]
			a, b, c := v[in.a][:len(d)], v[in.b][:len(d)], v[in.c][:len(d)]
			for i := range d {
				d[i] = a[i] + b[i]*c[i]
			}
		case kFmaSVS:
			d := v[in.d][:L]
			b, s0, s := v[in.b][:len(d)], u[in.a], u[in.c]
			for i := range d {
				d[i] = s0 + b[i]*s
			}
		case kFmaSVV:
			d := v[in.d][:L]
			b, c, s0 := v[in.b][:len(d)], v[in.c][:len(d)], u[in.a]
			for i := range d {
				d[i] = s0 + b[i]*c[i]
			}
		case kLinV:
			linComb(v[in.d][:L], v[in.a][:L], 0, bp.terms[in.b:in.b+2*in.c], v, u)
		case kLinS:
			linComb(v[in.d][:L], nil, u[in.a], bp.terms[in.b:in.b+2*in.c], v, u)
		case kLin0:
			linComb(v[in.d][:L], nil, 0, bp.terms[in.b:in.b+2*in.c], v, u)
		case kSum:
			out[in.d] += sum(v[in.a][:L])
		case kSumS:
			out[in.d] += sum(v[in.a][:L]) * u[in.b]
		case kVV:
			vecVV(in.op, v[in.d][:L], v[in.a][:L], v[in.b][:L])
		case kVS:
			vecVS(in.op, v[in.d][:L], v[in.a][:L], u[in.b])
		case kSV:
			vecSV(in.op, v[in.d][:L], u[in.a], v[in.b][:L])
		case kUnary:
			vecUnary(in.op, v[in.d][:L], v[in.a][:L])
		}
	}
}

func vecVV(op Op, d, a, b []float64) {
	a, b = a[:len(d)], b[:len(d)]
	switch op {
	case Add:
		for i := range d {
			d[i] = a[i] + b[i]
		}
	case Sub:
		for i := range d {
			d[i] = a[i] - b[i]
		}
	case Mul:
		for i := range d {
			d[i] = a[i] * b[i]
		}
	case Div:
		for i := range d {
			d[i] = a[i] / b[i]
		}
	case Pow:
		for i := range d {
			d[i] = pow(a[i], b[i])
		}
	}
}

func vecVS(op Op, d, a []float64, s float64) {
	a = a[:len(d)]
	switch op {
	case Add:
		for i := range d {
			d[i] = a[i] + s
		}
	case Sub:
		for i := range d {
			d[i] = a[i] - s
		}
	case Mul:
		for i := range d {
			d[i] = a[i] * s
		}
	case Div:
		for i := range d {
			d[i] = a[i] / s
		}
	case Pow:
		if s == 2 {
			for i := range d {
				d[i] = a[i] * a[i]
			}
			return
		}
		for i := range d {
			d[i] = pow(a[i], s)
		}
	}
}

func vecSV(op Op, d []float64, s float64, b []float64) {
	b = b[:len(d)]
	switch op {
	case Add:
		for i := range d {
			d[i] = s + b[i]
		}
	case Sub:
		for i := range d {
			d[i] = s - b[i]
		}
	case Mul:
		for i := range d {
			d[i] = s * b[i]
		}
	case Div:
		for i := range d {
			d[i] = s / b[i]
		}
	case Pow:
		for i := range d {
			d[i] = pow(s, b[i])
		}
	}
}

func vecUnary(op Op, d, a []float64) {
	a = a[:len(d)]
	switch op {
	case Neg:
		for i := range d {
			d[i] = -a[i]
		}
	case Sigmoid:
		for i := range d {
			d[i] = sigmoid(a[i])
		}
	case Step:
		for i := range d {
			if a[i] > 0 {
				d[i] = 1
			} else {
				d[i] = 0
			}
		}
	case ReLU:
		for i := range d {
			d[i] = max(a[i], 0)
		}
	default:
		for i := range d {
			d[i] = apply1(op, a[i])
		}
	}
}

// dot returns Σ a[i]·b[i] (gonum's assembly kernel).
func dot(a, b []float64) float64 { return floats.Dot(a, b[:len(a)]) }

// sum returns Σ a[i] (gonum's assembly kernel).
func sum(a []float64) float64 { return floats.Sum(a) }

// fmaVVS sets d[i] = a[i] + b[i]·s, unrolled by four.
func fmaVVS(d, a, b []float64, s float64) {
	a, b = a[:len(d)], b[:len(d)]
	i := 0
	for ; i+4 <= len(d); i += 4 {
		d[i] = a[i] + b[i]*s
		d[i+1] = a[i+1] + b[i+1]*s
		d[i+2] = a[i+2] + b[i+2]*s
		d[i+3] = a[i+3] + b[i+3]*s
	}
	for ; i < len(d); i++ {
		d[i] = a[i] + b[i]*s
	}
}

// linComb sets d = acc + Σₖ vecs[terms[2k]]·u[terms[2k+1]] (acc nil: the constant s0 instead),
// one scaled vector at a time with gonum's assembly kernel. Each row adds its terms in order,
// as the chain of multiply-adds it replaces did.
func linComb(d, acc []float64, s0 float64, terms []int32, vecs [][]float64, u []float64) {
	if len(d) < 8 { // short vectors: row by row, without a call per term
		for r := range d {
			a := s0
			if acc != nil {
				a = acc[r]
			}
			for k := 0; k+1 < len(terms); k += 2 {
				a += vecs[terms[k]][r] * u[terms[k+1]]
			}
			d[r] = a
		}
		return
	}
	if acc != nil {
		copy(d, acc)
	} else {
		for i := range d {
			d[i] = s0
		}
	}
	for k := 0; k+1 < len(terms); k += 2 {
		floats.AddScaled(d, u[terms[k+1]], vecs[terms[k]][:len(d)])
	}
}
