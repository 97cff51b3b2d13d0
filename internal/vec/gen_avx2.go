//go:build ignore

package main

import "fmt"

// The AVX2+FMA kernels of comb4, dots and dots4. A step is 8 rows in two Y registers (lanes 0–3
// and 4–7), so that the eight partial sums of a dot product are those of the AVX-512 kernels;
// the last n mod 8 rows run under the masks Y14 (rows 0–3 of the step) and Y15 (rows 4–7),
// with VMASKMOVPD, which reads and writes nothing outside them.

// masks2 sets Y14 and Y15 to the masks of the CX (< 8) rows of the last step, using AX, BX
// and DX: min(CX, 4) and max(CX−4, 0) ones, read from the table masks.
func masks2() {
	p("\tLEAQ masks<>(SB), AX")
	p("\tMOVQ CX, DX")
	p("\tMOVQ $4, BX")
	p("\tCMPQ DX, BX")
	p("\tCMOVQGT BX, DX")
	p("\tNEGQ DX")
	p("\tVMOVDQU 32(AX)(DX*8), Y14")
	p("\tMOVQ CX, DX")
	p("\tSUBQ $4, DX")
	p("\tXORQ BX, BX")
	p("\tCMPQ DX, BX")
	p("\tCMOVQLT BX, DX")
	p("\tNEGQ DX")
	p("\tVMOVDQU 32(AX)(DX*8), Y15")
}

// masksData writes the table masks2 reads: four all-ones lanes, then four zero ones.
func masksData() {
	for i := 0; i < 8; i++ {
		v := "$0"
		if i < 4 {
			v = "$-1"
		}
		p("DATA masks<>+%d(SB)/8, %s", 8*i, v)
	}
	p("GLOBL masks<>(SB), RODATA|NOPTR, $64")
	p("")
}

// load2 loads the 8 rows at addr (+32 for the second half) into Y<lo>, Y<hi>, masked or not.
func load2(addr string, lo, hi int, masked bool) {
	if masked {
		p("\tVMASKMOVPD %s, Y14, Y%d", addr, lo)
		p("\tVMASKMOVPD 32%s, Y15, Y%d", addr, hi)
		return
	}
	p("\tVMOVUPD %s, Y%d", addr, lo)
	p("\tVMOVUPD 32%s, Y%d", addr, hi)
}

// comb4AVX2 writes comb4AVX2 (the arguments of comb4AVX512): per step, 4 sums × 2 Y registers
// (Y4–Y11) through all the terms, the vector in Y0, Y1, the weights broadcast into Y2, Y3,
// Y12, Y13.
func comb4AVX2() {
	p("// func comb4AVX2(buf *float64, dst *[4]int, n int, t *Term4, nt int, w *float64)")
	p("TEXT ·comb4AVX2(SB), NOSPLIT, $0-48")
	p("\tMOVQ n+16(FP), R10")
	p("\tMOVQ R10, CX")
	p("\tANDQ $7, CX")
	masks2()
	p("\tMOVQ buf+0(FP), SI")
	p("\tMOVQ dst+8(FP), R9")
	p("\tMOVQ w+40(FP), DX")
	p("\tXORQ R8, R8")
	p("\tSHRQ $3, R10")
	bc := []int{2, 3, 12, 13}
	step := func(label string, masked bool) {
		for i := 4; i < 12; i++ {
			p("\tVXORPD Y%d, Y%d, Y%d", i, i, i)
		}
		p("\tMOVQ t+24(FP), DI")
		p("\tMOVQ nt+32(FP), BX")
		p("%s_term:", label)
		p("\tMOVLQSX 0(DI), AX")
		p("\tLEAQ (SI)(AX*8), AX")
		load2("(AX)(R8*1)", 0, 1, masked)
		for j := 0; j < 4; j++ {
			p("\tMOVLQSX %d(DI), CX", 4+4*j)
			p("\tVBROADCASTSD (DX)(CX*8), Y%d", bc[j])
		}
		for j := 0; j < 4; j++ {
			p("\tVFMADD231PD Y0, Y%d, Y%d", bc[j], 4+2*j)
			p("\tVFMADD231PD Y1, Y%d, Y%d", bc[j], 5+2*j)
		}
		p("\tADDQ $20, DI")
		p("\tDECQ BX")
		p("\tJNE %s_term", label)
		for j := 0; j < 4; j++ {
			p("\tMOVQ %d(R9), AX", 8*j)
			p("\tLEAQ (SI)(AX*8), AX")
			if masked {
				p("\tVMASKMOVPD Y%d, Y14, (AX)(R8*1)", 4+2*j)
				p("\tVMASKMOVPD Y%d, Y15, 32(AX)(R8*1)", 5+2*j)
			} else {
				p("\tVMOVUPD Y%d, (AX)(R8*1)", 4+2*j)
				p("\tVMOVUPD Y%d, 32(AX)(R8*1)", 5+2*j)
			}
		}
	}
	p("\tTESTQ R10, R10")
	p("\tJEQ comb4x_last")
	p("comb4x_step:")
	step("comb4x_full", false)
	p("\tADDQ $64, R8")
	p("\tDECQ R10")
	p("\tJNE comb4x_step")
	p("comb4x_last:")
	p("\tMOVQ n+16(FP), CX")
	p("\tANDQ $7, CX")
	p("\tJEQ comb4x_done")
	step("comb4x_part", true)
	p("comb4x_done:")
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// reduce2 adds the lanes of Y<lo> and Y<hi> in the order of reduce, and that sum to the
// float64 at addr, using Y12 and Y13.
func reduce2(lo, hi int, addr string) {
	p("\tVADDPD Y%d, Y%d, Y12", hi, lo)
	p("\tVEXTRACTF128 $1, Y12, X13")
	p("\tVADDPD X13, X12, X12")
	p("\tVPERMILPD $1, X12, X13")
	p("\tVADDSD X13, X12, X12")
	p("\tVADDSD %s, X12, X12", addr)
	p("\tVMOVSD X12, %s", addr)
}

// dotRows2 writes the loop over the rows of label: the 8 rows of the vector at base in Y0, Y1,
// FMA'd with the same rows of each vector at bases[k] into Y(4+2k), Y(5+2k); R10 holds the
// full steps; the last partial step is masked. Y2, Y3 are temporaries.
func dotRows2(label, base string, bases []string) {
	for k := range bases {
		p("\tVXORPD Y%d, Y%d, Y%d", 4+2*k, 4+2*k, 4+2*k)
		p("\tVXORPD Y%d, Y%d, Y%d", 5+2*k, 5+2*k, 5+2*k)
	}
	p("\tXORQ R8, R8")
	p("\tMOVQ R10, CX")
	p("\tTESTQ CX, CX")
	p("\tJEQ %s_tail", label)
	p("%s_row:", label)
	load2(fmt.Sprintf("(%s)(R8*1)", base), 0, 1, false)
	for k, r := range bases {
		p("\tVFMADD231PD (%s)(R8*1), Y0, Y%d", r, 4+2*k)
		p("\tVFMADD231PD 32(%s)(R8*1), Y1, Y%d", r, 5+2*k)
	}
	p("\tADDQ $64, R8")
	p("\tDECQ CX")
	p("\tJNE %s_row", label)
	p("%s_tail:", label)
	p("\tMOVQ n+16(FP), CX")
	p("\tANDQ $7, CX")
	p("\tJEQ %s_sum", label)
	load2(fmt.Sprintf("(%s)(R8*1)", base), 0, 1, true)
	for k, r := range bases {
		load2(fmt.Sprintf("(%s)(R8*1)", r), 2, 3, true)
		p("\tVFMADD231PD Y2, Y0, Y%d", 4+2*k)
		p("\tVFMADD231PD Y3, Y1, Y%d", 5+2*k)
	}
	p("%s_sum:", label)
}

// dotsAVX2 writes dotsAVX2 (the arguments of dotsAVX512), four products at a time, then one.
func dotsAVX2() {
	p("// func dotsAVX2(buf *float64, a, n int, t *DotTerm, nt int, out *float64)")
	p("TEXT ·dotsAVX2(SB), NOSPLIT, $0-48")
	p("\tMOVQ n+16(FP), R10")
	p("\tMOVQ R10, CX")
	p("\tANDQ $7, CX")
	masks2()
	p("\tSHRQ $3, R10")
	p("\tMOVQ buf+0(FP), SI")
	p("\tMOVQ a+8(FP), AX")
	p("\tLEAQ (SI)(AX*8), R9")
	p("\tMOVQ t+24(FP), DI")
	p("\tMOVQ nt+32(FP), BX")
	p("\tMOVQ out+40(FP), DX")
	for _, g := range []int{4, 1} {
		label := fmt.Sprintf("dotsx%d", g)
		next := "dotsx1"
		if g == 1 {
			next = "dotsx_done"
		}
		p("%s:", label)
		p("\tCMPQ BX, $%d", g)
		p("\tJLT %s", next)
		bases := []string{"R11", "R12", "R13", "R14"}[:g]
		for k, r := range bases {
			p("\tMOVLQSX %d(DI), AX", 8*k)
			p("\tLEAQ (SI)(AX*8), %s", r)
		}
		dotRows2(label, "R9", bases)
		for k := range bases {
			p("\tMOVLQSX %d(DI), AX", 8*k+4)
			reduce2(4+2*k, 5+2*k, "(DX)(AX*8)")
		}
		p("\tADDQ $%d, DI", 8*g)
		p("\tSUBQ $%d, BX", g)
		p("\tJMP %s", label)
	}
	p("dotsx_done:")
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// dots4AVX2 writes dots4AVX2 (the arguments of dots4AVX512).
func dots4AVX2() {
	a := []string{"R9", "R12", "R13", "R14"}
	p("// func dots4AVX2(buf *float64, a *[4]int, n int, t *Term4, nt int, out *float64)")
	p("TEXT ·dots4AVX2(SB), NOSPLIT, $0-48")
	p("\tMOVQ n+16(FP), R10")
	p("\tMOVQ R10, CX")
	p("\tANDQ $7, CX")
	masks2()
	p("\tSHRQ $3, R10")
	p("\tMOVQ buf+0(FP), SI")
	p("\tMOVQ a+8(FP), DX")
	for j, r := range a {
		p("\tMOVQ %d(DX), AX", 8*j)
		p("\tLEAQ (SI)(AX*8), %s", r)
	}
	p("\tMOVQ t+24(FP), DI")
	p("\tMOVQ nt+32(FP), BX")
	p("\tMOVQ out+40(FP), DX")
	p("dots4x_term:")
	p("\tTESTQ BX, BX")
	p("\tJEQ dots4x_done")
	p("\tMOVLQSX 0(DI), AX")
	p("\tLEAQ (SI)(AX*8), R11")
	dotRows2("dots4x", "R11", a)
	for j := range a {
		p("\tMOVLQSX %d(DI), AX", 4+4*j)
		reduce2(4+2*j, 5+2*j, "(DX)(AX*8)")
	}
	p("\tADDQ $20, DI")
	p("\tDECQ BX")
	p("\tJMP dots4x_term")
	p("dots4x_done:")
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// dotAVX2 writes dotAVX2 (the arguments of dotAVX512), in its order: accumulator j of the
// AVX-512 kernel is Y4+2j (lanes 0–3) and Y5+2j (lanes 4–7).
func dotAVX2() {
	dotHead("dotAVX2", "VXORPD Y%[1]d, Y%[1]d, Y%[1]d", 4, 12)
	p("\tMOVQ R10, R9")
	p("\tSHRQ $5, R9")
	p("\tJEQ dotx_steps")
	p("dotx_block:")
	for j := 0; j < 4; j++ {
		p("\tVMOVUPD %d(SI)(R8*1), Y0", 64*j)
		p("\tVMOVUPD %d(SI)(R8*1), Y1", 64*j+32)
		p("\tVFMADD231PD %d(DI)(R8*1), Y0, Y%d", 64*j, 4+2*j)
		p("\tVFMADD231PD %d(DI)(R8*1), Y1, Y%d", 64*j+32, 5+2*j)
	}
	p("\tADDQ $256, R8")
	p("\tDECQ R9")
	p("\tJNE dotx_block")
	p("dotx_steps:")
	p("\tANDQ $31, R10")
	p("dotx_step:")
	p("\tCMPQ R10, $8")
	p("\tJLT dotx_tail")
	load2("(SI)(R8*1)", 0, 1, false)
	p("\tVFMADD231PD (DI)(R8*1), Y0, Y4")
	p("\tVFMADD231PD 32(DI)(R8*1), Y1, Y5")
	p("\tADDQ $64, R8")
	p("\tSUBQ $8, R10")
	p("\tJMP dotx_step")
	p("dotx_tail:")
	p("\tTESTQ R10, R10")
	p("\tJEQ dotx_sum")
	p("\tMOVQ R10, CX")
	masks2()
	load2("(SI)(R8*1)", 0, 1, true)
	load2("(DI)(R8*1)", 2, 3, true)
	p("\tVFMADD231PD Y2, Y0, Y4")
	p("\tVFMADD231PD Y3, Y1, Y5")
	p("dotx_sum:")
	for _, h := range []int{0, 1} { // (Z4+Z5)+(Z6+Z7), each half
		p("\tVADDPD Y%d, Y%d, Y%d", 6+h, 4+h, 4+h)
		p("\tVADDPD Y%d, Y%d, Y%d", 10+h, 8+h, 8+h)
		p("\tVADDPD Y%d, Y%d, Y%d", 8+h, 4+h, 4+h)
	}
	p("\tVADDPD Y5, Y4, Y1")
	lanes4()
	retDot()
}
