//go:build ignore

// gen_vmath writes vmath_amd64.s, the vector kernels of the package: go generate runs it.
//
// Every kernel is the algorithm of the scalar functions in vmath.go (exp1, sigmoid1, tanh1)
// written out for 4 lanes (AVX2 and FMA, Y registers) or 8 lanes (AVX-512F, Z registers), the
// same operations in the same order, so that a lane's result has the same bits as the scalar
// function's. A kernel computes n whole vectors; the caller does the tail.
package main

import (
	"bytes"
	"fmt"
	"log"
	"math"
	"os"
)

// constants is the table the kernels read their constants from, each repeated 8 times (64
// bytes), so that a Y register reads its first 32 bytes and a Z register all 64.
var constants = []struct {
	name string
	bits uint64
}{
	{"lo", math.Float64bits(expLo)},
	{"hi", math.Float64bits(expHi)},
	{"log2e", math.Float64bits(math.Log2E)},
	{"ln2hi", math.Float64bits(6.93147180369123816490e-01)},
	{"ln2lo", math.Float64bits(1.90821492927058770002e-10)},
	{"one", math.Float64bits(1)},
	{"two", math.Float64bits(2)},
	{"half", math.Float64bits(0.5)},
	{"shifter", math.Float64bits(0x1.8p52)},
	{"bias", math.Float64bits(0x1.8p52) - 1023},
	{"sign", 1 << 63},
	{"abs", 1<<63 - 1},
	{"zero", 0},
	{"small", math.Float64bits(0.625)},
	{"p0", math.Float64bits(-9.64399179425052238628e-1)},
	{"p1", math.Float64bits(-9.92877231001918586564e1)},
	{"p2", math.Float64bits(-1.61468768441708447952e3)},
	{"q0", math.Float64bits(1.12811678491632931402e2)},
	{"q1", math.Float64bits(2.23548839060100448583e3)},
	{"q2", math.Float64bits(4.84406305325125486048e3)},
}

// The clamp of exp's argument (vmath.go's expLo, expHi).
const (
	expLo = -746
	expHi = 710
)

// expTerms is the degree of the Taylor polynomial of e^r: coefficients 1/n!, n = 13 … 2 (c13 … c2
// in the table).
const expTerms = 13

func init() {
	f := 1.0
	coef := make([]float64, expTerms+1)
	for n := 1; n <= expTerms; n++ {
		f *= float64(n)
		coef[n] = 1 / f
	}
	for n := expTerms; n >= 2; n-- {
		constants = append(constants, struct {
			name string
			bits uint64
		}{fmt.Sprintf("c%d", n), math.Float64bits(coef[n])})
	}
}

// c returns the memory operand of constant name.
func c(name string) string {
	for i, k := range constants {
		if k.name == name {
			return fmt.Sprintf("vmathc<>+%d(SB)", i*64)
		}
	}
	log.Fatalf("no constant %q", name)
	return ""
}

// isa is one instruction set: its register prefix, lanes, and the instructions that differ.
type isa struct {
	name  string // suffix of the Go functions
	reg   string // "Y" or "Z"
	lanes int
	and   string // bitwise and / or / xor
	or    string
	xor   string
}

func (s isa) r(i int) string { return fmt.Sprintf("%s%d", s.reg, i) }

type emitter struct {
	isa
	out *bytes.Buffer
}

func (e emitter) p(format string, args ...any) { fmt.Fprintf(e.out, "\t"+format+"\n", args...) }

// exp replaces register a by e^a, with temporaries t1 … t5 (exp1).
func (e emitter) exp(a, t1, t2, t3, t4, t5 string) {
	e.p("VMOVUPD %s, %s", c("lo"), t1)
	e.p("VMAXPD %s, %s, %s", a, t1, a) // max(lo, x): x when x is NaN
	e.p("VMOVUPD %s, %s", c("hi"), t1)
	e.p("VMINPD %s, %s, %s", a, t1, a)
	e.p("VMULPD %s, %s, %s", c("log2e"), a, t1)
	if e.reg == "Z" {
		e.p("VRNDSCALEPD $0, %s, %s", t1, t1) // k, to nearest even
	} else {
		e.p("VROUNDPD $0, %s, %s", t1, t1)
	}
	e.p("VFNMADD231PD %s, %s, %s", c("ln2hi"), t1, a) // hi = x − k·ln2hi, exact
	e.p("VMOVAPD %s, %s", a, t4)
	e.p("VFNMADD231PD %s, %s, %s", c("ln2lo"), t1, a) // r = hi − k·ln2lo
	e.p("VSUBPD %s, %s, %s", a, t4, t4)
	e.p("VFNMADD231PD %s, %s, %s", c("ln2lo"), t1, t4) // d = (hi − r) − k·ln2lo
	e.p("VMOVUPD %s, %s", c(fmt.Sprintf("c%d", expTerms)), t2)
	for n := expTerms - 1; n >= 2; n-- {
		e.p("VFMADD213PD %s, %s, %s", c(fmt.Sprintf("c%d", n)), a, t2) // p = p·r + cₙ
	}
	e.p("VADDPD %s, %s, %s", c("one"), a, t5) // s = 1 + r
	e.p("VMOVUPD %s, %s", c("one"), t3)
	e.p("VSUBPD %s, %s, %s", t5, t3, t3) // c = ((1 − s) + r) + d
	e.p("VADDPD %s, %s, %s", a, t3, t3)
	e.p("VADDPD %s, %s, %s", t4, t3, t3)
	e.p("VMULPD %s, %s, %s", a, a, t4)
	e.p("VFMADD213PD %s, %s, %s", t3, t4, t2) // y = s + (r²·p + c)
	e.p("VADDPD %s, %s, %s", t5, t2, t2)
	if e.reg == "Z" {
		e.p("VSCALEFPD %s, %s, %s", t1, t2, a) // y·2^k, rounded once
		return
	}
	// y·2^k1·2^k2 with k1 = ⌊k/2⌋, k2 = k − k1: both powers are normal numbers.
	e.p("VMULPD %s, %s, %s", c("half"), t1, t3)
	e.p("VROUNDPD $1, %s, %s", t3, t3)
	e.p("VSUBPD %s, %s, %s", t3, t1, t1)
	for _, k := range []string{t3, t1} {
		e.p("VADDPD %s, %s, %s", c("shifter"), k, k)
		e.p("VPSUBQ %s, %s, %s", c("bias"), k, k)
		e.p("VPSLLQ $52, %s, %s", k, k)
	}
	e.p("VMULPD %s, %s, %s", t3, t2, t2)
	e.p("VMULPD %s, %s, %s", t1, t2, a)
}

// less sets mask (Y) or K1 (Z) where x < the constant name.
func (e emitter) less(x, name, mask string) {
	if e.reg == "Z" {
		e.p("VCMPPD $1, %s, %s, K1", c(name), x)
		return
	}
	e.p("VCMPPD $1, %s, %s, %s", c(name), x, mask)
}

// blend sets dst to a where the mask of less is set, else to b (a register).
func (e emitter) blend(mask, a, b, dst string) {
	if e.reg == "Z" {
		e.p("VBLENDMPD %s, %s, K1, %s", a, b, dst)
		return
	}
	e.p("VBLENDVPD %s, %s, %s, %s", mask, a, b, dst)
}

// kernel emits func name+isa(dst, x *float64, n int) looping body over n vectors: the body
// reads the vector in register 0 and leaves its result in the returned register.
func (e emitter) kernel(name string, body func() string) {
	w := e.lanes * 8
	fn := name + e.name
	fmt.Fprintf(e.out, "\n// func %s(dst, x *float64, n int)\nTEXT ·%s(SB), NOSPLIT, $0-24\n", fn, fn)
	e.p("MOVQ dst+0(FP), DI")
	e.p("MOVQ x+8(FP), SI")
	e.p("MOVQ n+16(FP), CX")
	fmt.Fprintf(e.out, "%s_loop:\n", fn)
	e.p("VMOVUPD (SI), %s", e.r(0))
	res := body()
	e.p("VMOVUPD %s, (DI)", res)
	e.p("ADDQ $%d, SI", w)
	e.p("ADDQ $%d, DI", w)
	e.p("DECQ CX")
	e.p("JNE %s_loop", fn)
	e.p("VZEROUPPER")
	e.p("RET")
}

func (e emitter) emit() {
	r := e.r
	e.kernel("exp", func() string {
		e.exp(r(0), r(1), r(2), r(3), r(10), r(11))
		return r(0)
	})
	// sigmoid1: e = exp(−|x|), n = e where x < 0 else 1, n/(1+e).
	e.kernel("sigmoid", func() string {
		e.p("%s %s, %s, %s", e.or, c("sign"), r(0), r(4))
		e.exp(r(4), r(1), r(2), r(3), r(10), r(11))
		e.p("VADDPD %s, %s, %s", c("one"), r(4), r(5))
		e.p("VMOVUPD %s, %s", c("one"), r(6))
		e.less(r(0), "zero", r(7))
		e.blend(r(7), r(4), r(6), r(6))
		e.p("VDIVPD %s, %s, %s", r(5), r(6), r(0))
		return r(0)
	})
	// tanh1: z = |x|; below 0.625 z + z·s·P(s)/Q(s) with s = z², else 1 − 2/(e^(2z)+1);
	// the sign of x.
	e.kernel("tanh", func() string {
		z, s, num, den, big := r(4), r(5), r(6), r(7), r(8)
		e.p("%s %s, %s, %s", e.and, c("abs"), r(0), z)
		e.p("VADDPD %s, %s, %s", z, z, big)
		e.exp(big, r(1), r(2), r(3), r(10), r(11))
		e.p("VADDPD %s, %s, %s", c("one"), big, big)
		e.p("VMOVUPD %s, %s", c("two"), r(1))
		e.p("VDIVPD %s, %s, %s", big, r(1), big)
		e.p("VMOVUPD %s, %s", c("one"), r(1))
		e.p("VSUBPD %s, %s, %s", big, r(1), big)
		e.p("VMULPD %s, %s, %s", z, z, s)
		e.p("VMULPD %s, %s, %s", c("p0"), s, num)
		e.p("VADDPD %s, %s, %s", c("p1"), num, num)
		e.p("VMULPD %s, %s, %s", s, num, num)
		e.p("VADDPD %s, %s, %s", c("p2"), num, num)
		e.p("VADDPD %s, %s, %s", c("q0"), s, den)
		e.p("VMULPD %s, %s, %s", s, den, den)
		e.p("VADDPD %s, %s, %s", c("q1"), den, den)
		e.p("VMULPD %s, %s, %s", s, den, den)
		e.p("VADDPD %s, %s, %s", c("q2"), den, den)
		e.p("VMULPD %s, %s, %s", s, z, r(1))
		e.p("VMULPD %s, %s, %s", num, r(1), r(1))
		e.p("VDIVPD %s, %s, %s", den, r(1), r(1))
		e.p("VADDPD %s, %s, %s", r(1), z, r(1))
		e.less(z, "small", r(9))
		e.blend(r(9), r(1), big, big)
		e.p("%s %s, %s, %s", e.and, c("sign"), r(0), r(2))
		e.p("%s %s, %s, %s", e.or, r(2), big, r(0))
		return r(0)
	})
}

// nanSum emits func nanSum+isa(x *float64, n int) float64: the sum over n blocks of 4 vectors
// of x − x, 0 when every value is finite and NaN otherwise, in four accumulators.
func (e emitter) nanSum() {
	fn := "nanSum" + e.name
	fmt.Fprintf(e.out, "\n// func %s(x *float64, n int) float64\nTEXT ·%s(SB), NOSPLIT, $0-24\n", fn, fn)
	e.p("MOVQ x+0(FP), SI")
	e.p("MOVQ n+8(FP), CX")
	for a := 4; a < 8; a++ {
		e.p("%s %s, %s, %s", e.xor, e.r(a), e.r(a), e.r(a))
	}
	fmt.Fprintf(e.out, "%s_loop:\n", fn)
	for v := range 4 {
		e.p("VMOVUPD %d(SI), %s", v*e.lanes*8, e.r(v))
		e.p("VSUBPD %s, %s, %s", e.r(v), e.r(v), e.r(v))
		e.p("VADDPD %s, %s, %s", e.r(v), e.r(4+v), e.r(4+v))
	}
	e.p("ADDQ $%d, SI", 4*e.lanes*8)
	e.p("DECQ CX")
	e.p("JNE %s_loop", fn)
	e.p("VADDPD %s, %s, %s", e.r(5), e.r(4), e.r(4))
	e.p("VADDPD %s, %s, %s", e.r(7), e.r(6), e.r(6))
	e.p("VADDPD %s, %s, %s", e.r(6), e.r(4), e.r(4))
	if e.reg == "Z" {
		e.p("VEXTRACTF64X4 $1, Z4, Y5")
		e.p("VADDPD Y5, Y4, Y4")
	}
	e.p("VEXTRACTF128 $1, Y4, X5")
	e.p("VADDPD X5, X4, X4")
	e.p("VPERMILPD $1, X4, X5")
	e.p("VADDSD X5, X4, X4")
	e.p("VZEROUPPER")
	e.p("MOVSD X4, ret+16(FP)")
	e.p("RET")
}

func main() {
	var out bytes.Buffer
	out.WriteString("// Code generated by gen_vmath.go; DO NOT EDIT.\n\n//go:build amd64 && !noasm\n\n#include \"textflag.h\"\n\n")
	for i, k := range constants {
		for j := range 8 {
			fmt.Fprintf(&out, "DATA vmathc<>+%d(SB)/8, $0x%016x // %s\n", i*64+j*8, k.bits, k.name)
		}
	}
	fmt.Fprintf(&out, "GLOBL vmathc<>(SB), RODATA|NOPTR, $%d\n", len(constants)*64)
	for _, s := range []isa{
		{name: "AVX2", reg: "Y", lanes: 4, and: "VPAND", or: "VPOR", xor: "VXORPD"},
		{name: "AVX512", reg: "Z", lanes: 8, and: "VPANDQ", or: "VPORQ", xor: "VPXORQ"},
	} {
		e := emitter{isa: s, out: &out}
		e.emit()
		e.nanSum()
	}
	if err := os.WriteFile("vmath_amd64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
