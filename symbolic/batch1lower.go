package symbolic

// lower1 builds run1's code (bp.code1) from the vector code: it cuts the terms of every
// linear combination and grouped dot product into segments (bp.segs; bp.segAt[i] is the
// first segment of instruction i and bp.segAt[i+1] the end), marks the first write of each
// output, moves output 0 into flat register k1 and the others down by one (shift1 = 1)
// unless a grouped dot product writes output 0, and lists the uniform variables run1 reads
// in the registers (bp.ucopy1) and the outputs no first write sets (bp.zero1).
func (bp *BatchProgram) lower1() {
	shift := 1
	if len(bp.p.outs) == 0 || bp.dotsWriteOutput0() {
		shift = 0
	}
	bp.lowerShift(shift)
}

// lowerShift is lower1 with output 0 in flat register k1 (shift 1) or in the outputs (0).
func (bp *BatchProgram) lowerShift(shift int) {
	bp.shift1, bp.segs, bp.zero1, bp.ucopy1 = shift, nil, nil, nil
	l := lowering{bp: bp, written: make([]bool, len(bp.p.outs)), uidx: filled(bp.p.NumRegs(), -1)}
	l.need = make([]bool, len(l.uidx))
	for i, r := range bp.uniform {
		l.uidx[r] = int32(i)
	}
	bp.k1 = int32(len(bp.varying) + bp.nslots)
	bp.code1 = make([]vinstr, 0, len(bp.code))
	bp.segAt = make([]int32, len(bp.code)+1)
	for i, in := range bp.code {
		bp.segAt[i] = int32(len(bp.segs))
		bp.code1 = append(bp.code1, l.instr(in))
	}
	bp.segAt[len(bp.code)] = int32(len(bp.segs))
	for _, c := range bp.pre {
		l.read(c.x)
		l.read(c.y)
	}
	for _, uo := range bp.uouts {
		l.read(uo[1])
		l.written[uo[0]] = true
	}
	for o := bp.shift1; o < len(l.written); o++ {
		if !l.written[o] {
			bp.zero1 = append(bp.zero1, int32(o-bp.shift1))
		}
	}
	l.copies()
}

// dotsWriteOutput0 reports whether a grouped dot product adds into output 0.
func (bp *BatchProgram) dotsWriteOutput0() bool {
	for _, in := range bp.code {
		if in.kind != kDots {
			continue
		}
		for k := in.b; k < in.b+2*in.c; k += 2 {
			if bp.terms[k+1] == 0 {
				return true
			}
		}
	}
	return false
}

// lowering is the state of lower1.
type lowering struct {
	bp      *BatchProgram
	written []bool  // output → written by an earlier instruction
	uidx    []int32 // register → index among the uniform variables, or -1
	need    []bool  // register → a uniform variable run1 reads in the registers
}

// read notes that run1 reads register r in the registers.
func (l *lowering) read(r int32) {
	if r >= 0 && l.uidx[r] >= 0 {
		l.need[r] = true
	}
}

// instr returns the single-row form of in.
func (l *lowering) instr(in vinstr) vinstr {
	bp := l.bp
	in.n = 0
	switch in.kind {
	case kDot, kSum, kSumS:
		if in.kind == kSumS {
			l.read(in.b)
		}
		if in.d == 0 && bp.shift1 == 1 {
			return l.toK1(in)
		}
		if !l.written[in.d] {
			in.n, l.written[in.d] = 1, true
		}
		in.d -= int32(bp.shift1)
	case kDots:
		l.dotSegments(bp.terms[in.b : in.b+2*in.c])
	case kLinV, kLin0, kLinS:
		if in.kind == kLinS {
			l.read(in.a)
		}
		l.linSegments(bp.terms[in.b : in.b+2*in.c])
	case kFmaVVS, kVS:
		l.read(in.c)
		if in.kind == kVS {
			l.read(in.b)
		}
	case kFmaSVS:
		l.read(in.a)
		l.read(in.c)
	case kFmaSVV, kSV:
		l.read(in.a)
	}
	return in
}

// toK1 returns the reduction in into output 0 as an instruction adding into flat register k1.
func (l *lowering) toK1(in vinstr) vinstr {
	k := l.bp.k1
	switch in.kind {
	case kSum:
		return vinstr{kind: kVV, op: Add, d: k, a: k, b: in.a}
	case kDot:
		return vinstr{kind: kFmaVVV, d: k, a: k, b: in.a, c: in.b}
	default: // kSumS
		return vinstr{kind: kFmaVVS, d: k, a: k, b: in.a, c: in.b}
	}
}

// dotSegments appends the segments of a grouped dot product's terms t, each marked set when
// none of its outputs has been written; an output first written by a segment that adds goes
// to bp.zero1.
func (l *lowering) dotSegments(t []int32) {
	bp := l.bp
	for k := 0; k < len(t); {
		sg := run(t[k:])
		k += 2 * int(sg.n)
		set := true
		for o := sg.s; o < sg.s+sg.n; o++ {
			set = set && !l.written[o]
		}
		for o := sg.s; o < sg.s+sg.n; o++ {
			if !set && !l.written[o] {
				bp.zero1 = append(bp.zero1, o-int32(bp.shift1))
			}
			l.written[o] = true
		}
		sg.s -= int32(bp.shift1)
		if set {
			sg.n |= segSet
		}
		bp.segs = append(bp.segs, sg)
	}
}

// linSegments appends the segments of a linear combination's terms t, marking segFromU the
// long ones over consecutive uniform variables.
func (l *lowering) linSegments(t []int32) {
	bp := l.bp
	for k := 0; k < len(t); {
		sg := run(t[k:])
		k += 2 * int(sg.n)
		first := l.uidx[sg.s]
		fromU := sg.n >= minSegment && first >= 0
		for j := int32(0); j < sg.n && fromU; j++ {
			fromU = l.uidx[sg.s+j] == first+j
		}
		if fromU {
			sg.s, sg.n = first, sg.n|segFromU
		} else {
			for j := range sg.n {
				l.read(sg.s + j)
			}
		}
		bp.segs = append(bp.segs, sg)
	}
}

// copies lists in bp.ucopy1 the uniform variables run1 reads in the registers, as runs
// {s: first register, v: its index among the uniform values, n}.
func (l *lowering) copies() {
	bp := l.bp
	for i, r := range bp.uniform {
		if !l.need[r] {
			continue
		}
		if n := len(bp.ucopy1); n > 0 {
			c := &bp.ucopy1[n-1]
			if c.s+c.n == r && c.v+c.n == int32(i) {
				c.n++
				continue
			}
		}
		bp.ucopy1 = append(bp.ucopy1, segment{v: int32(i), s: r, n: 1})
	}
}
