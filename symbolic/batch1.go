package symbolic

import "nabla/internal/vec"

// A batch of one row is the common case of checking a gradient, and the one where the vector
// code's per-instruction cost is not shared by any other row. Sum runs it with run1 instead:
// every vector is a single value, held in one flat array, and the long linear combinations
// and grouped dot products, whose operands are mostly consecutive variables (a row of weights
// against the inputs), run as dot products and scaled additions over contiguous runs
// (internal/vec's kernels).
//
// The single-row code (lower1) moves as little data as it can: the long runs of a linear
// combination read the caller's uniform values where they lie, so that only the uniform
// variables read elsewhere are copied into the registers; the first write of each output
// assigns instead of adding, so the outputs need no clearing beforehand; and output 0 (the
// cost K of a gradient program) is summed in a register of its own, so that the other
// outputs (the gradient) can go straight into the caller's slice (sum1).

// segment is a run of consecutive terms of a linear combination (vector v, v+1, … against
// uniform register s, s+1, …) or of a grouped dot product (vector v, v+1, … into output s,
// s+1, …), n&segLen long, taken in either direction; the bits above segLen in n are flags
// (one word with the length keeps a segment 12 bytes: run1 streams through many of them).
type segment struct{ v, s, n int32 }

const (
	// segSet marks a grouped dot product's first write of its outputs, which assigns them.
	segSet = 1 << 30
	// segFromU marks a linear combination's run of uniform variables, read at s in the
	// caller's uniform values rather than in the registers.
	segFromU = 1 << 29
	// segLen masks the length.
	segLen = segFromU - 1
)

// minSegment is the shortest run of uniform variables a linear combination reads in the
// caller's values (segFromU) rather than in the registers.
const minSegment = 4

// minKernel is the shortest run worth a call of an internal/vec kernel: shorter ones, such as
// the rows of a convolution's kernel, run faster as a loop.
const minKernel = 16

// run returns the segment that starts the pairs t (vector, register): the longest run of
// pairs in which both step by +1, or both by −1 (then stored from its lower end).
func run(t []int32) segment {
	for _, step := range [2]int32{1, -1} {
		n := int32(1)
		for 2*int(n)+1 < len(t) && t[2*n] == t[0]+step*n && t[2*n+1] == t[1]+step*n {
			n++
		}
		if n > 1 || step == -1 {
			if step == -1 {
				return segment{v: t[0] - n + 1, s: t[1] - n + 1, n: n}
			}
			return segment{v: t[0], s: t[1], n: n}
		}
	}
	panic("unreachable")
}

// sum1 evaluates the program on the single row data (the varying variables in order) with
// the uniform values uniform. It writes outputs shift1, shift1+1, … into rest and returns
// output 0 when shift1 is 1 (0 otherwise, output 0 then being rest[0]).
func (bp *BatchProgram) sum1(rest, uniform, data []float64) float64 {
	u, f := bp.u, bp.flat
	for _, c := range bp.ucopy1 {
		copy(u[c.s:c.s+c.n], uniform[c.v:c.v+c.n])
	}
	for _, c := range bp.pre {
		u[c.dst] = evalInstr(c, u)
	}
	copy(f, data)
	f[bp.k1] = 0
	for _, o := range bp.zero1 {
		rest[o] = 0
	}
	bp.run1(rest, f, uniform)
	for _, uo := range bp.uouts {
		if o := int(uo[0]) - bp.shift1; o >= 0 {
			rest[o] = u[uo[1]]
		} else {
			f[bp.k1] = u[uo[1]]
		}
	}
	return f[bp.k1]
}

// run1 executes the single-row code on f (the varying variables, then the slots), adding the
// outputs into out (assigning them at their first write).
func (bp *BatchProgram) run1(out, f, uniform []float64) {
	u := bp.u
	for i, in := range bp.code1 {
		switch in.kind {
		case kFmaVVS:
			f[in.d] = f[in.a] + f[in.b]*u[in.c]
		case kDot:
			if in.n != 0 {
				out[in.d] = f[in.a] * f[in.b]
			} else {
				out[in.d] += f[in.a] * f[in.b]
			}
		case kDots:
			bp.dots1(out, f[in.a], i, f)
		case kFmaVVV:
			f[in.d] = f[in.a] + f[in.b]*f[in.c]
		case kFmaSVS:
			f[in.d] = u[in.a] + f[in.b]*u[in.c]
		case kFmaSVV:
			f[in.d] = u[in.a] + f[in.b]*f[in.c]
		case kLinV:
			f[in.d] = bp.lin1(f[in.a], i, f, uniform)
		case kLinS:
			f[in.d] = bp.lin1(u[in.a], i, f, uniform)
		case kLin0:
			f[in.d] = bp.lin1(0, i, f, uniform)
		case kSum:
			if in.n != 0 {
				out[in.d] = f[in.a]
			} else {
				out[in.d] += f[in.a]
			}
		case kSumS:
			if in.n != 0 {
				out[in.d] = f[in.a] * u[in.b]
			} else {
				out[in.d] += f[in.a] * u[in.b]
			}
		case kVV:
			f[in.d] = apply2(in.op, f[in.a], f[in.b])
		case kVS:
			f[in.d] = apply2(in.op, f[in.a], u[in.b])
		case kSV:
			f[in.d] = apply2(in.op, u[in.a], f[in.b])
		case kUnary:
			f[in.d] = apply1(in.op, f[in.a])
		}
	}
}

// dots1 adds a·f[vₖ] into out[oₖ] over instruction i's segments (assigning where the segment
// is the first write).
func (bp *BatchProgram) dots1(out []float64, a float64, i int, f []float64) {
	for _, sg := range bp.segs[bp.segAt[i]:bp.segAt[i+1]] {
		switch sg.n { // single terms first: there can be many (a dense layer after a pooling)
		case 1:
			out[sg.s] += a * f[sg.v]
			continue
		case 1 | segSet:
			out[sg.s] = a * f[sg.v]
			continue
		}
		n := sg.n & segLen
		o, x := out[sg.s:sg.s+n], f[sg.v:sg.v+n]
		switch {
		case n >= minKernel && sg.n&segSet != 0:
			vec.MulVS(o, x, a)
		case n >= minKernel:
			vec.FmaVVS(o, o, x, a)
		case sg.n&segSet != 0:
			for k, xk := range x {
				o[k] = a * xk
			}
		default:
			for k, xk := range x {
				o[k] += a * xk
			}
		}
	}
}

// lin1 returns acc + Σₖ f[vₖ]·u[sₖ] over instruction i's segments, the runs marked segFromU
// read in uniform.
func (bp *BatchProgram) lin1(acc float64, i int, f, uniform []float64) float64 {
	u := bp.u
	for _, sg := range bp.segs[bp.segAt[i]:bp.segAt[i+1]] {
		if sg.n == 1 { // single terms first, as in dots1
			acc += f[sg.v] * u[sg.s]
			continue
		}
		n, w := sg.n&segLen, u
		if sg.n&segFromU != 0 {
			w = uniform
		}
		x, y := f[sg.v:sg.v+n], w[sg.s:sg.s+n]
		if n >= minKernel {
			acc += vec.Dot(x, y)
			continue
		}
		for k, xk := range x {
			acc += xk * y[k]
		}
	}
	return acc
}
