package symbolic

import (
	"fmt"

	"gonum.org/v1/gonum/floats"

	"nabla/internal/par"
	"nabla/internal/vec"
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
	kind vkind
	op   Op
	// n: the next n instructions are kLin0 (kDots) over the same vectors (markLinGroups,
	// markDotGroups), and then a (d) of a kLin0 (kDots) is the group's first term in t4 (d4)
	n          uint8
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
// output a dot product (and a run of dot products sharing a vector one instruction), a chain
// of multiply-adds of two vectors read only by an output (a kernel tap's derivative) one dot
// product per term; linear combinations of the same vectors (the units of a dense layer, the
// filters of a convolution at one pixel) run four at a time, reading each vector once; vector
// registers are reused once their last reader has run. A BatchProgram keeps its buffers between calls
// and is not safe for concurrent use.
//
// The vector instructions run on internal/vec's kernels (AVX-512 or AVX2 assembly): the
// groups of four linear combinations, the dot products, multiply-adds, +, −, ·, ReLU and its
// step. These fuse each multiply-add into one rounding, and a dot product adds its rows in
// eight interleaved partial sums before adding them up (vec.Dots), where a loop would add row
// after row: a different order of the same additions, but a fixed one, so Sum's result still
// does not depend on the number of threads.
type BatchProgram struct {
	p       *Program
	uniform []int32 // registers of the uniform variables, in order
	// uniformRun: the uniform registers are consecutive, so Sum copies them in one piece
	uniformRun bool
	varying    []int32 // registers of the varying variables, in order
	pre        []instr // uniform instructions, run once per call
	code       []vinstr
	uouts      [][2]int32 // uniform outputs: {output index, register}
	terms      []int32    // operands of the linear combinations: (vector, scalar register) pairs
	nslots     int
	chunk      int
	u          []float64
	vecs       [][]float64   // vector i is vecs[i] = buf[i·chunk : (i+1)·chunk]
	buf        []float64     // the vector table: the chunk's varying variables, then the slots
	t4         []vec.Term4   // the terms of the groups of linear combinations (markLinGroups)
	combs      vec.CombTable // t4, checked
	d4         []vec.Term4   // the terms of the groups of dot products (markDotGroups)
	dots4      vec.CombTable // d4, checked
	dots       vec.DotTable  // kDots' terms as dot products: term k is the pair terms[2k:2k+2]
	code1      []vinstr      // the code for a single row (lower1, batch1.go)
	segs       []segment     // code1's runs of consecutive terms
	segAt      []int32       // instruction → its first segment
	ucopy1     []segment     // runs of uniform values code1 reads in u: {v: from, s: to, n}
	zero1      []int32       // outputs (less shift1) that code1 adds to before it sets them
	shift1     int           // 1: code1 sums output 0 in flat[k1], the others at index −1
	k1         int32         // flat's register of output 0
	flat       []float64     // run1's values: the varying variables, the slots, output 0
	pool       *par.Pool     // SetThreads's threads (nil: the caller's goroutine)
	task       *sumTask
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
	if n == 1 {
		if bp.shift1 == 1 {
			dst[0] = bp.sum1(dst[1:], uniform, data)
		} else {
			bp.sum1(dst, uniform, data)
		}
		return dst
	}
	u := bp.u
	if bp.uniformRun && len(uniform) > 0 {
		copy(u[bp.uniform[0]:], uniform)
	} else {
		for i, r := range bp.uniform {
			u[r] = uniform[i]
		}
	}
	for _, c := range bp.pre {
		u[c.dst] = evalInstr(c, u)
	}
	clear(dst)
	if n > 1 {
		bp.sumGroups(dst, data, n)
	}
	for _, uo := range bp.uouts {
		dst[uo[0]] = float64(n) * u[uo[1]]
	}
	return dst
}

// run executes the vector code on the first L rows of every vector.
func (bp *BatchProgram) run(out []float64, L int) {
	u, v := bp.u, bp.vecs
	for i := 0; i < len(bp.code); i++ {
		in := bp.code[i]
		switch in.kind {
		case kFmaVVS:
			vec.FmaVVS(v[in.d][:L], v[in.a], v[in.b], u[in.c])
		case kDot:
			out[in.d] += dot(v[in.a][:L], v[in.b][:L])
		case kDots:
			if in.n == dotGroup-1 {
				bp.dotGroup(out, bp.code[i:i+dotGroup], L)
				i += dotGroup - 1
				break
			}
			bp.dots.Dots(out, bp.buf, int(in.a)*bp.chunk, L, int(in.b/2), int(in.b/2+in.c))
		case kFmaVVV:
			vec.FmaVVV(v[in.d][:L], v[in.a], v[in.b], v[in.c])
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
			if in.n == linGroup-1 {
				bp.lin4(bp.code[i:i+linGroup], L)
				i += linGroup - 1
				break
			}
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
		vec.AddVV(d, a, b)
	case Sub:
		vec.SubVV(d, a, b)
	case Mul:
		vec.MulVV(d, a, b)
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
		vec.AddVS(d, a, s)
	case Sub:
		for i := range d {
			d[i] = a[i] - s
		}
	case Mul:
		vec.MulVS(d, a, s)
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
		vec.Step(d, a)
	case ReLU:
		vec.ReLU(d, a)
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
	k := 0
	for ; k+8 <= len(terms); k += 8 {
		axpy4(d, vecs[terms[k]], vecs[terms[k+2]], vecs[terms[k+4]], vecs[terms[k+6]],
			u[terms[k+1]], u[terms[k+3]], u[terms[k+5]], u[terms[k+7]])
	}
	for ; k+1 < len(terms); k += 2 {
		floats.AddScaled(d, u[terms[k+1]], vecs[terms[k]][:len(d)])
	}
}

// axpy4 adds a·s + b·t + c·v + e·w to d, row by row in that order (the order of four scaled
// additions one after the other), reading and writing d once instead of four times.
func axpy4(d, a, b, c, e []float64, s, t, v, w float64) {
	a, b, c, e = a[:len(d)], b[:len(d)], c[:len(d)], e[:len(d)]
	for i := range d {
		d[i] = d[i] + a[i]*s + b[i]*t + c[i]*v + e[i]*w
	}
}

// sameVectors reports whether the linear combinations or dot products x and y read the same
// vectors in the same order.
func (bp *BatchProgram) sameVectors(x, y vinstr) bool {
	if x.c != y.c {
		return false
	}
	tx, ty := bp.terms[x.b:x.b+2*x.c], bp.terms[y.b:y.b+2*y.c]
	for k := 0; k < len(tx); k += 2 {
		if tx[k] != ty[k] {
			return false
		}
	}
	return true
}

// groupAt reports whether the n instructions from i are of kind k, read the same vectors and
// differ pairwise in the operand field (the destination of a linear combination, the shared
// vector of dot products).
func (bp *BatchProgram) groupAt(i, n int, k vkind, field func(vinstr) int32) bool {
	if i+n > len(bp.code) {
		return false
	}
	g := bp.code[i : i+n]
	for j := range g {
		if g[j].kind != k || !bp.sameVectors(g[0], g[j]) {
			return false
		}
		for l := 0; l < j; l++ {
			if field(g[l]) == field(g[j]) {
				return false
			}
		}
	}
	return true
}

// markLinGroups marks each run of linGroup consecutive kLin0 instructions over the same vectors
// with distinct destinations (hoistLins put them side by side) for lin4, its terms in t4.
func (bp *BatchProgram) markLinGroups() {
	bp.markGroups(kLin0, func(in vinstr) int32 { return in.d }, &bp.t4, func(in *vinstr, at int32) { in.a = at })
}

// markDotGroups marks each run of dotGroup consecutive kDots instructions over the same vectors
// with distinct shared vectors (sinkDots put them side by side) for dotGroup, its terms (each
// vector with the four outputs it adds to) in d4.
func (bp *BatchProgram) markDotGroups() {
	bp.markGroups(kDots, func(in vinstr) int32 { return in.a }, &bp.d4, func(in *vinstr, at int32) { in.d = at })
}

// markGroups marks each run of four (linGroup, dotGroup) consecutive instructions of kind k over the same vectors
// that differ pairwise in field: the first gets n = 3, and its terms (vector, and the scalar
// operand of each of the four) go to *dst, where setAt records the position of the first.
func (bp *BatchProgram) markGroups(k vkind, field func(vinstr) int32, dst *[]vec.Term4, setAt func(*vinstr, int32)) {
	const n = len(vec.Term4{}.W) // linGroup, dotGroup
	for i := 0; i < len(bp.code); i++ {
		if !bp.groupAt(i, n, k, field) {
			continue
		}
		g := bp.code[i : i+n]
		g[0].n = uint8(n - 1)
		setAt(&g[0], int32(len(*dst)))
		for k := g[0].b; k < g[0].b+2*g[0].c; k += 2 {
			*dst = append(*dst, vec.Term4{Off: bp.terms[k] * int32(bp.chunk),
				W: [4]int32{bp.terms[k+1], bp.terms[g[1].b-g[0].b+k+1], bp.terms[g[2].b-g[0].b+k+1], bp.terms[g[3].b-g[0].b+k+1]}})
		}
		i += n - 1
	}
}

// dotGroup runs the dotGroup kDots instructions g over the same vectors on L rows
// (vec.CombTable.Dots4): each vector is read once for the four products.
func (bp *BatchProgram) dotGroup(out []float64, g []vinstr, L int) {
	c := bp.chunk
	a := [4]int{int(g[0].a) * c, int(g[1].a) * c, int(g[2].a) * c, int(g[3].a) * c}
	bp.dots4.Dots4(out, bp.buf, a, L, int(g[0].d), int(g[0].d+g[0].c))
}

// lin4 runs the linGroup kLin0 instructions g over the same vectors on L rows (vec.Comb4):
// each vector is read once for the four sums, and each sum adds its terms in order, as
// linComb does.
func (bp *BatchProgram) lin4(g []vinstr, L int) {
	c := bp.chunk
	dst := [4]int{int(g[0].d) * c, int(g[1].d) * c, int(g[2].d) * c, int(g[3].d) * c}
	bp.combs.Comb4(bp.buf, dst, L, int(g[0].a), int(g[0].a+g[0].c), bp.u)
}
