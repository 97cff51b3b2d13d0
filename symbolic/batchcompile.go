package symbolic

import (
	"fmt"

	"nabla/internal/vec"
)

// batchCompiler holds the state of Program.Batch while its passes run: the classification of
// the registers, the stream of vector instructions with register operands, and the program
// being built.
type batchCompiler struct {
	p         *Program
	bp        *BatchProgram
	nregs     int
	isVarying []bool  // register → varies from row to row
	vecOf     []int32 // register → vector table index, or -1
	def       []int32 // register → index in p.code, or -1
	uses      []int   // register → readers in p.code and p.outs
	outHead   []int32 // register → first output reading it, or -1
	outNext   []int32 // output → next output reading the same register, or -1
	fused     []bool  // products emitted as part of their reader
	fmaOf     []int32 // sum register → fused product register, or -1
	stream    []sinstr
}

// sinstr is a vector instruction during compilation, with register operands (mapped to slots
// by allocSlots).
type sinstr struct {
	vinstr
	vec   [3]bool // which of a, b, c are vectors
	terms []int32 // kLin*: pairs (vector register, scalar register)
	dead  bool
}

// Batch specialises the program for batches in which the named variables vary from row to
// row and the others are uniform. chunk is the number of rows per pass (0 means
// DefaultChunk). A name that is not a variable of the program is an error.
//
// It runs as passes: classify the variables, find which registers vary and who reads them,
// emit vector instructions fusing products into their readers, merge chains of multiply-adds
// into linear combinations, allocate slots by liveness, group dot products sharing a vector,
// and size the buffers.
func (p *Program) Batch(varying []string, chunk int) (*BatchProgram, error) {
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	c := &batchCompiler{p: p, bp: &BatchProgram{p: p, chunk: chunk}, nregs: p.NumRegs()}
	if err := c.classify(varying); err != nil {
		return nil, err
	}
	c.analyse()
	c.emit()
	c.sumChains()
	c.mergeChains()
	c.hoistLins()
	c.sinkDots()
	c.allocSlots()
	c.groupDots()
	c.bp.markLinGroups()
	c.bp.markDotGroups()
	c.bp.lower1()
	c.buffers()
	return c.bp, nil
}

// filled returns a slice of n copies of v.
func filled(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// classify splits the program's variables into varying and uniform ones.
func (c *batchCompiler) classify(varying []string) error {
	p, bp := c.p, c.bp
	c.isVarying = make([]bool, c.nregs)
	c.vecOf = filled(c.nregs, -1)
	idx := make(map[string]int32, len(p.vars))
	for i, v := range p.vars {
		idx[v] = int32(i)
	}
	for _, v := range varying {
		r, ok := idx[v]
		if !ok {
			return fmt.Errorf("symbolic: Batch: %w %q", ErrUnboundVar, v)
		}
		if c.isVarying[r] {
			return fmt.Errorf("symbolic: Batch: variable %q given twice", v)
		}
		c.isVarying[r] = true
		c.vecOf[r] = int32(len(bp.varying))
		bp.varying = append(bp.varying, r)
	}
	for i := range p.vars {
		if !c.isVarying[i] {
			bp.uniform = append(bp.uniform, int32(i))
		}
	}
	bp.uniformRun = true
	for i, r := range bp.uniform {
		bp.uniformRun = bp.uniformRun && r == bp.uniform[0]+int32(i)
	}
	return nil
}

// analyse propagates which registers vary, counts their readers, moves the uniform
// instructions to bp.pre and links the outputs by register.
func (c *batchCompiler) analyse() {
	p, bp := c.p, c.bp
	c.def = filled(c.nregs, -1)
	c.uses = make([]int, c.nregs)
	for i, in := range p.code {
		c.def[in.dst] = int32(i)
		c.isVarying[in.dst] = c.isVarying[in.x] || (in.y >= 0 && c.isVarying[in.y])
		c.uses[in.x]++
		if in.y >= 0 {
			c.uses[in.y]++
		}
		if !c.isVarying[in.dst] {
			bp.pre = append(bp.pre, in)
		}
	}
	for _, o := range p.outs {
		c.uses[o]++
	}
	c.outHead = filled(c.nregs, -1)
	c.outNext = make([]int32, len(p.outs))
	for i := len(p.outs) - 1; i >= 0; i-- {
		o := p.outs[i]
		if c.isVarying[o] {
			c.outNext[i], c.outHead[o] = c.outHead[o], int32(i)
		} else {
			bp.uouts = append(bp.uouts, [2]int32{int32(i), o})
		}
	}
}

// fusible returns the instruction computing r if r is a varying product read exactly once.
func (c *batchCompiler) fusible(r int32) (instr, bool) {
	i := c.def[r]
	if i < 0 || !c.isVarying[r] || c.uses[r] != 1 || c.p.code[i].op != Mul {
		return instr{}, false
	}
	return c.p.code[i], true
}

// emitOuts emits the reductions of the outputs that read register r: a dot product (or a
// scaled sum) where r is a fusible product, a plain sum otherwise.
func (c *batchCompiler) emitOuts(r int32) {
	for o := c.outHead[r]; o >= 0; o = c.outNext[o] {
		if m, ok := c.fusible(r); ok {
			a, b := m.x, m.y
			if !c.isVarying[a] {
				a, b = b, a
			}
			if c.isVarying[b] {
				c.stream = append(c.stream, sinstr{vinstr: vinstr{kind: kDot, d: o, a: a, b: b}, vec: [3]bool{true, true, false}})
			} else {
				c.stream = append(c.stream, sinstr{vinstr: vinstr{kind: kSumS, d: o, a: a, b: b}, vec: [3]bool{true, false, false}})
			}
			continue
		}
		c.stream = append(c.stream, sinstr{vinstr: vinstr{kind: kSum, d: o, a: r}, vec: [3]bool{true, false, false}})
	}
}

// markFused marks the products consumed by outputs (fused into the reduction) and those read
// only by a sum (fused into a multiply-add); a product comes before the sum that reads it,
// so this runs before emitting.
func (c *batchCompiler) markFused() {
	c.fused = make([]bool, c.nregs)
	for r := range c.outHead {
		if _, ok := c.fusible(int32(r)); ok && c.outHead[r] >= 0 {
			c.fused[r] = true
		}
	}
	c.fmaOf = filled(c.nregs, -1)
	for _, in := range c.p.code {
		if !c.isVarying[in.dst] || in.op != Add {
			continue
		}
		if _, ok := c.fusible(in.y); ok && !c.fused[in.y] {
			c.fmaOf[in.dst], c.fused[in.y] = in.y, true
		} else if _, ok := c.fusible(in.x); ok && !c.fused[in.x] {
			c.fmaOf[in.dst], c.fused[in.x] = in.x, true
		}
	}
}

// emit translates the varying instructions into the stream of vector instructions, each
// followed by the reductions of the outputs that read it.
func (c *batchCompiler) emit() {
	for _, r := range c.bp.varying {
		c.emitOuts(r)
	}
	c.markFused()
	for _, in := range c.p.code {
		switch {
		case !c.isVarying[in.dst]:
			continue
		case c.fused[in.dst]:
			// a product read by an output: a dot product there (or nothing)
		case c.fmaOf[in.dst] >= 0:
			c.stream = append(c.stream, c.fma(in))
		default:
			c.stream = append(c.stream, c.plain(in))
		}
		c.emitOuts(in.dst)
	}
}

// fma returns the multiply-add for the sum in, whose product operand is fused into it.
func (c *batchCompiler) fma(in instr) sinstr {
	prod := c.fmaOf[in.dst]
	acc := in.x
	if acc == prod {
		acc = in.y
	}
	m := c.p.code[c.def[prod]]
	b, cc := m.x, m.y
	if !c.isVarying[b] {
		b, cc = cc, b
	}
	var k vkind
	switch {
	case c.isVarying[acc] && c.isVarying[cc]:
		k = kFmaVVV
	case c.isVarying[acc]:
		k = kFmaVVS
	case c.isVarying[cc]:
		k = kFmaSVV
	default:
		k = kFmaSVS
	}
	return sinstr{vinstr: vinstr{kind: k, op: Add, d: in.dst, a: acc, b: b, c: cc},
		vec: [3]bool{c.isVarying[acc], true, c.isVarying[cc]}}
}

// plain returns the vector instruction for in as it is, by which operands vary.
func (c *batchCompiler) plain(in instr) sinstr {
	switch {
	case in.y < 0:
		return sinstr{vinstr: vinstr{kind: kUnary, op: in.op, d: in.dst, a: in.x}, vec: [3]bool{true, false, false}}
	case c.isVarying[in.x] && c.isVarying[in.y]:
		return sinstr{vinstr: vinstr{kind: kVV, op: in.op, d: in.dst, a: in.x, b: in.y}, vec: [3]bool{true, true, false}}
	case c.isVarying[in.x]:
		return sinstr{vinstr: vinstr{kind: kVS, op: in.op, d: in.dst, a: in.x, b: in.y}, vec: [3]bool{true, false, false}}
	}
	return sinstr{vinstr: vinstr{kind: kSV, op: in.op, d: in.dst, a: in.x, b: in.y}, vec: [3]bool{false, true, false}}
}

// vectorReads returns, for each register, how many instructions of the stream read it as a
// vector operand.
func (c *batchCompiler) vectorReads() []int32 {
	reads := make([]int32, c.nregs)
	for _, s := range c.stream {
		for j, r := range [3]int32{s.a, s.b, s.c} {
			if s.vec[j] {
				reads[r]++
			}
		}
	}
	return reads
}

// sumChains turns a chain of multiply-adds of two vectors whose total only an output reads
// (the derivative by a kernel tap: Σ over positions of δ·y, summed over the rows) into one
// dot product per term, added into that output: each term then reads its two vectors once
// per row and writes nothing, where the chain wrote a partial sum per term. The output adds
// the rows of each term before the next term (the chain added the terms of each row first):
// the same sum in another order.
func (c *batchCompiler) sumChains() {
	reads := c.vectorReads()
	def := filled(c.nregs, -1)
	for i, s := range c.stream {
		if s.kind < kSum {
			def[s.d] = int32(i)
		}
	}
	chainable := func(r int32) bool { // r is a product or a multiply-add read once
		if reads[r] != 1 || def[r] < 0 {
			return false
		}
		s := c.stream[def[r]]
		return s.kind == kFmaVVV || (s.kind == kVV && s.op == Mul)
	}
	into := filled(c.nregs, -1) // register → the output its total goes to
	rev := make([]sinstr, 0, len(c.stream))
	dot := func(o, a, b int32) sinstr {
		return sinstr{vinstr: vinstr{kind: kDot, d: o, a: a, b: b}, vec: [3]bool{true, true, false}}
	}
	for i := len(c.stream) - 1; i >= 0; i-- {
		s := c.stream[i]
		switch {
		case s.kind == kSum && chainable(s.a):
			into[s.a] = s.d
		case s.kind == kFmaVVV && into[s.d] >= 0:
			o := into[s.d]
			if chainable(s.a) {
				into[s.a] = o
			} else {
				rev = append(rev, sinstr{vinstr: vinstr{kind: kSum, d: o, a: s.a}, vec: [3]bool{true, false, false}})
			}
			rev = append(rev, dot(o, s.b, s.c))
		case s.kind == kVV && s.op == Mul && into[s.d] >= 0:
			rev = append(rev, dot(into[s.d], s.a, s.b))
		default:
			rev = append(rev, s)
		}
	}
	c.stream = c.stream[:0]
	for i := len(rev) - 1; i >= 0; i-- {
		c.stream = append(c.stream, rev[i])
	}
}

// mergeChains turns chains of multiply-adds (u = Σᵢ wᵢ·xᵢ, one term at a time) into one linear
// combination, computed where its last term was, when the partial sums have no other reader;
// a chain of one term goes back to its own instruction.
func (c *batchCompiler) mergeChains() {
	reads := c.vectorReads()
	chainAt := make([]int32, c.nregs) // register → position+1 of the chain that computes it
	var merged []sinstr
	for _, s := range c.stream {
		acc, term, ok := chainLink(s)
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
	c.stream = c.stream[:0]
	for _, s := range merged {
		if s.dead {
			continue
		}
		if len(s.terms) == 2 {
			s = unchain(s)
		}
		c.stream = append(c.stream, s)
	}
}

// linGroup is the number of linear combinations of the same vectors that run together.
const linGroup = 4

// hoistLins moves every linear combination without accumulator (kLin0) up to the previous one
// over the same vectors in the same order, in groups of linGroup: the outputs of a dense layer
// (or of the filters of a convolution at one pixel) then sit side by side, and the run reads
// each vector once per group instead of once per combination. A kLin0 reads nothing but its
// vectors, which the group's first member reads too, so it can run there.
func (c *batchCompiler) hoistLins() {
	var items [][]sinstr         // runs of the new stream
	open := make(map[string]int) // the vectors of a group not yet full → its item
	key := make([]byte, 0, 64)
	for _, s := range c.stream {
		if s.kind != kLin0 {
			items = append(items, []sinstr{s})
			continue
		}
		key = key[:0]
		for k := 0; k < len(s.terms); k += 2 {
			r := s.terms[k]
			key = append(key, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
		}
		if it, ok := open[string(key)]; ok {
			items[it] = append(items[it], s)
			if len(items[it]) == linGroup {
				delete(open, string(key))
			}
			continue
		}
		open[string(key)] = len(items)
		items = append(items, []sinstr{s})
	}
	c.stream = c.stream[:0]
	for _, it := range items {
		c.stream = append(c.stream, it...)
	}
}

// chainLink reports whether s can be a link of a chain of multiply-adds, and returns its
// accumulator (register and kind: 0 none, 1 vector, 2 scalar) and its term (vector register,
// scalar register).
func chainLink(s sinstr) (acc, term [2]int32, ok bool) {
	switch {
	case s.kind == kFmaVVS:
		return [2]int32{s.a, 1}, [2]int32{s.b, s.c}, true
	case s.kind == kFmaSVS:
		return [2]int32{s.a, 2}, [2]int32{s.b, s.c}, true
	case s.kind == kVS && s.op == Mul:
		return [2]int32{-1, 0}, [2]int32{s.a, s.b}, true
	case s.kind == kSV && s.op == Mul: // s·B is B·s: a product of two numbers commutes exactly
		return [2]int32{-1, 0}, [2]int32{s.b, s.a}, true
	}
	return acc, term, false
}

// unchain turns a linear combination of a single term back into its own instruction.
func unchain(s sinstr) sinstr {
	switch s.kind {
	case kLinV:
		return sinstr{vinstr: vinstr{kind: kFmaVVS, op: Add, d: s.d, a: s.a, b: s.terms[0], c: s.terms[1]}, vec: [3]bool{true, true, false}}
	case kLinS:
		return sinstr{vinstr: vinstr{kind: kFmaSVS, op: Add, d: s.d, a: s.a, b: s.terms[0], c: s.terms[1]}, vec: [3]bool{false, true, false}}
	}
	return sinstr{vinstr: vinstr{kind: kVS, op: Mul, d: s.d, a: s.terms[0], b: s.terms[1]}, vec: [3]bool{true, false, false}}
}

// allocSlots maps every vector register to a slot of the vector table, reusing a slot once
// the last reader of its register has run (a free list), and moves the terms of the linear
// combinations to bp.terms.
func (c *batchCompiler) allocSlots() {
	last := c.liveness()
	nvar := int32(len(c.p.vars))
	nvary := int32(len(c.bp.varying))
	var free []int32
	release := func(r int32, i int) { // frees r's slot if instruction i is its last reader
		if last[r] == int32(i)+1 && r >= nvar {
			if v := c.vecOf[r]; v >= 0 {
				free = append(free, v)
				c.vecOf[r] = -1
			}
		}
	}
	for i := range c.stream {
		s := &c.stream[i]
		regs := [3]int32{s.a, s.b, s.c}
		termRegs := append([]int32(nil), s.terms...)
		c.mapOperands(s)
		for j, r := range regs {
			if s.vec[j] {
				release(r, i)
			}
		}
		if s.terms != nil {
			s.b, s.c = int32(len(c.bp.terms)), int32(len(s.terms)/2)
			c.bp.terms = append(c.bp.terms, s.terms...)
		}
		// The terms of a linear combination are freed after its destination is chosen: it is
		// accumulated in place, one term at a time, so it must not share a slot with a term
		// (the accumulator it starts from may).
		if s.kind < kSum {
			var slot int32
			if len(free) > 0 {
				slot, free = free[len(free)-1], free[:len(free)-1]
			} else {
				slot = nvary + int32(c.bp.nslots)
				c.bp.nslots++
			}
			if last[s.d] != 0 {
				c.vecOf[s.d] = slot
			} else {
				free = append(free, slot) // written but never read
			}
			s.d = slot
		}
		for k := 0; k < len(termRegs); k += 2 {
			release(termRegs[k], i)
		}
	}
}

// liveness returns, for each register, the position+1 of the last instruction reading it as
// a vector (0 for never read).
func (c *batchCompiler) liveness() []int32 {
	last := make([]int32, c.nregs)
	for i, s := range c.stream {
		for j, r := range [3]int32{s.a, s.b, s.c} {
			if s.vec[j] {
				last[r] = int32(i) + 1
			}
		}
		for k := 0; k < len(s.terms); k += 2 {
			last[s.terms[k]] = int32(i) + 1
		}
	}
	return last
}

// mapOperands replaces the vector operands of s (and its terms' vectors) by their slots.
func (c *batchCompiler) mapOperands(s *sinstr) {
	slot := func(r int32) int32 {
		v := c.vecOf[r]
		if v < 0 {
			panic(fmt.Sprintf("symbolic: Batch: register %d read before it is written", r))
		}
		return v
	}
	ops := [3]*int32{&s.a, &s.b, &s.c}
	for j, op := range ops {
		if s.vec[j] {
			*op = slot(*op)
		}
	}
	for k := 0; k < len(s.terms); k += 2 {
		s.terms[k] = slot(s.terms[k])
	}
}

// dotOther returns the operand of s besides shared, if s is a dot product reading shared.
func dotOther(s sinstr, shared int32) (int32, bool) {
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

// dotRun returns the vector shared by the run of two or more dot products that starts at
// stream[i], and the end of the run; or -1 and i+1 when no such run starts there.
func dotRun(stream []sinstr, i int) (shared int32, end int) {
	s, shared := stream[i], int32(-1)
	if s.kind == kDot && i+1 < len(stream) {
		if _, ok := dotOther(stream[i+1], s.a); ok {
			shared = s.a
		} else if _, ok := dotOther(stream[i+1], s.b); ok {
			shared = s.b
		}
	}
	if shared < 0 {
		return -1, i + 1
	}
	end = i
	for end < len(stream) {
		if _, ok := dotOther(stream[end], shared); !ok {
			break
		}
		end++
	}
	return shared, end
}

// dotGroup is the number of runs of dot products over the same vectors that run together.
const dotGroup = linGroup

// sinkDots brings together the runs of dot products over the same vectors in the same order
// (the gradients of the kernel taps of the filters at one pixel, of the weights of the units
// of a dense layer), dotGroup at a time: each run of a group but the last moves down to the
// last, so that the group reads each vector once (markDotGroups). Reading later is safe: a
// dot product writes no vector, and the slots are allocated after this pass. It only changes
// the order in which each output adds its dot products.
func (c *batchCompiler) sinkDots() {
	type run struct{ lo, hi int }
	var runs []run
	groups := map[int][]int{} // a run that completes a group → the group's runs
	sunk := map[int]bool{}    // runs moved to the end of their group
	open := map[string][]int{}
	var key []byte
	for i := 0; i < len(c.stream); {
		shared, end := dotRun(c.stream, i)
		if shared < 0 {
			i = end
			continue
		}
		key = key[:0]
		for _, s := range c.stream[i:end] {
			o, _ := dotOther(s, shared)
			key = append(key, byte(o), byte(o>>8), byte(o>>16), byte(o>>24))
		}
		r := len(runs)
		runs = append(runs, run{i, end})
		g := append(open[string(key)], r)
		open[string(key)] = g
		if len(g) == dotGroup {
			groups[r] = g
			for _, m := range g[:dotGroup-1] {
				sunk[m] = true
			}
			delete(open, string(key))
		}
		i = end
	}
	out := make([]sinstr, 0, len(c.stream))
	for i, r := 0, 0; i < len(c.stream); {
		if r == len(runs) || runs[r].lo != i {
			out = append(out, c.stream[i])
			i++
			continue
		}
		switch g, ok := groups[r]; {
		case ok:
			for _, m := range g {
				out = append(out, c.stream[runs[m].lo:runs[m].hi]...)
			}
		case !sunk[r]:
			out = append(out, c.stream[runs[r].lo:runs[r].hi]...)
		}
		i = runs[r].hi
		r++
	}
	c.stream = out
}

// groupDots writes the final code: consecutive dot products with the same first vector (the
// gradient of a row of weights: the adjoint of one unit against each input) become one
// instruction.
func (c *batchCompiler) groupDots() {
	bp, stream := c.bp, c.stream
	bp.code = make([]vinstr, 0, len(stream))
	for i := 0; i < len(stream); {
		shared, end := dotRun(stream, i)
		if shared < 0 {
			bp.code = append(bp.code, stream[i].vinstr)
			i = end
			continue
		}
		g := vinstr{kind: kDots, a: shared, b: int32(len(bp.terms))}
		for ; i < end; i++ {
			o, _ := dotOther(stream[i], shared)
			bp.terms = append(bp.terms, o, stream[i].d)
			g.c++
		}
		bp.code = append(bp.code, g)
	}
}

// buffers allocates the uniform registers (constants filled in) and the slots' storage.
func (c *batchCompiler) buffers() {
	p, bp := c.p, c.bp
	nvar, nvary := len(p.vars), len(bp.varying)
	bp.u = make([]float64, p.NumRegs())
	copy(bp.u[nvar:], p.consts)
	bp.flat = make([]float64, nvary+bp.nslots+1)   // and run1's output 0 (lower1)
	dterms := make([]vec.DotTerm, len(bp.terms)/2) // the terms of the others stay {0, 0}
	for _, in := range bp.code {
		if in.kind != kDots {
			continue
		}
		for k := in.b / 2; k < in.b/2+in.c; k++ {
			dterms[k] = vec.DotTerm{Off: bp.terms[2*k] * int32(bp.chunk), Out: bp.terms[2*k+1]}
		}
	}
	bp.dots, bp.combs, bp.dots4 = vec.NewDotTable(dterms), vec.NewCombTable(bp.t4), vec.NewCombTable(bp.d4)
	bp.allocVecs()
}

// allocVecs allocates the vector table, one chunk per vector.
func (bp *BatchProgram) allocVecs() {
	nv := len(bp.varying) + bp.nslots
	bp.buf = make([]float64, nv*bp.chunk)
	bp.vecs = make([][]float64, nv)
	for i := range bp.vecs {
		bp.vecs[i] = bp.buf[i*bp.chunk : (i+1)*bp.chunk : (i+1)*bp.chunk]
	}
}
