package symbolic

import "gonum.org/v1/gonum/floats"

// A batch of one row is the common case of checking a gradient, and the one where the vector
// code's per-instruction cost is not shared by any other row. Sum runs it with run1 instead:
// every vector is a single value, held in one flat array, and the long linear combinations
// and grouped dot products, whose operands are mostly consecutive variables (a row of weights
// against the inputs), run as dot products and scaled additions over contiguous runs.

// segment is a run of consecutive terms of a linear combination (vector v, v+1, … against
// uniform register s, s+1, …) or of a grouped dot product (vector v, v+1, … into output s,
// s+1, …), n long, taken in either direction.
type segment struct{ v, s, n int32 }

// minSegment is the shortest run worth a call of an assembly kernel.
const minSegment = 4

// scalarRuns cuts the terms of every linear combination and grouped dot product into
// segments, kept in bp.segs; bp.segAt[i] is the first segment of instruction i (and
// bp.segAt[i+1] the end).
func (bp *BatchProgram) scalarRuns() {
	bp.segAt = make([]int32, len(bp.code)+1)
	for i, in := range bp.code {
		bp.segAt[i] = int32(len(bp.segs))
		switch in.kind {
		case kLinV, kLinS, kLin0, kDots:
			t := bp.terms[in.b : in.b+2*in.c]
			for k := 0; k < len(t); {
				sg := run(t[k:])
				bp.segs = append(bp.segs, sg)
				k += 2 * int(sg.n)
			}
		}
	}
	bp.segAt[len(bp.code)] = int32(len(bp.segs))
}

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
				return segment{t[0] - n + 1, t[1] - n + 1, n}
			}
			return segment{t[0], t[1], n}
		}
	}
	panic("unreachable")
}

// run1 executes the code on a single row: f holds the varying variables, then the slots.
func (bp *BatchProgram) run1(out, f []float64) {
	u := bp.u
	for i, in := range bp.code {
		switch in.kind {
		case kFmaVVS:
			f[in.d] = f[in.a] + f[in.b]*u[in.c]
		case kDot:
			out[in.d] += f[in.a] * f[in.b]
		case kDots:
			a := f[in.a]
			for _, sg := range bp.segs[bp.segAt[i]:bp.segAt[i+1]] {
				if sg.n >= minSegment {
					floats.AddScaled(out[sg.s:sg.s+sg.n], a, f[sg.v:sg.v+sg.n])
					continue
				}
				for k := range sg.n {
					out[sg.s+k] += a * f[sg.v+k]
				}
			}
		case kFmaVVV:
			f[in.d] = f[in.a] + f[in.b]*f[in.c]
		case kFmaSVS:
			f[in.d] = u[in.a] + f[in.b]*u[in.c]
		case kFmaSVV:
			f[in.d] = u[in.a] + f[in.b]*f[in.c]
		case kLinV:
			f[in.d] = bp.lin1(f[in.a], i, f)
		case kLinS:
			f[in.d] = bp.lin1(u[in.a], i, f)
		case kLin0:
			f[in.d] = bp.lin1(0, i, f)
		case kSum:
			out[in.d] += f[in.a]
		case kSumS:
			out[in.d] += f[in.a] * u[in.b]
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

// lin1 returns acc + Σₖ f[vₖ]·u[sₖ] over instruction i's segments.
func (bp *BatchProgram) lin1(acc float64, i int, f []float64) float64 {
	u := bp.u
	for _, sg := range bp.segs[bp.segAt[i]:bp.segAt[i+1]] {
		if sg.n >= minSegment {
			acc += floats.Dot(f[sg.v:sg.v+sg.n], u[sg.s:sg.s+sg.n])
			continue
		}
		for k := range sg.n {
			acc += f[sg.v+k] * u[sg.s+k]
		}
	}
	return acc
}
