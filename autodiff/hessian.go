package autodiff

import (
	"fmt"
	"math"

	"nabla/gradients"
	"nabla/nn"
)

// This file is second-order reverse mode by forward-over-reverse: the reverse sweep itself is
// differentiated in forward mode. Every tensor recorded with tangents (the direction v seeded
// on the Vars) carries its value x and tangent ẋ; BackwardTangents then sweeps backwards once
// and, next to each adjoint x̄ = ∂out/∂x, accumulates its tangent x̄̇ = d/dr x̄(A + r·v), the
// tangent of each vjp rule:
//
//	z = a·b        ā += z̄·bᵀ           ⇒  ā̇ += z̄̇·bᵀ + z̄·ḃᵀ;   b̄̇ += ȧᵀ·z̄ + aᵀ·z̄̇
//	z = a·bᵀ       ā += z̄·b            ⇒  ā̇ += z̄̇·b + z̄·ḃ;     b̄̇ += z̄̇ᵀ·a + z̄ᵀ·ȧ
//	z = x ⊙ y      x̄ += z̄ ⊙ y          ⇒  x̄̇ += z̄̇ ⊙ y + z̄ ⊙ ẏ (and the same for y)
//	z = x ± y, s·x, Σx, slices, xᵀ: linear, so x̄̇ follows z̄̇ by the same rule as x̄ follows z̄
//	z = f(x)       x̄ += z̄ · f'(x)      ⇒  x̄̇ += z̄̇ · f'(x) + z̄ · f''(x) · ẋ
//	z = LSE(x)     x̄ += z̄ · p          ⇒  x̄̇ += z̄̇ · p + z̄ · p ⊙ (ẋ − ż)   (row-wise, p = softmax)
//
// For out = K and the Vars A, the adjoint tangents of the Vars are ∇²K·v: a Hessian-vector
// product for about twice the work of a gradient. This is forward-over-reverse; the tape does
// not record its own backward pass, so reverse-over-reverse is not offered.

var _ gradients.HessianVector = (*Reverse)(nil)

// GradTangent returns the tangent of x's adjoint computed by the last BackwardTangents, in the
// shape of x, or nil when x needs no adjoint. The slice belongs to the tape.
func (x *Tensor) GradTangent() []float64 { return x.gtan }

// SetGradTangentBuffer makes BackwardTangents write the tangent of x's adjoint into g (which
// must have length Len) instead of storage owned by the tape; nil returns to tape-owned
// storage. The setting lasts until the tape is reset.
func (x *Tensor) SetGradTangentBuffer(g []float64) {
	if g != nil && len(g) != x.Len() {
		panic(fmt.Sprintf("autodiff: SetGradTangentBuffer: len(g) = %d, want %d", len(g), x.Len()))
	}
	x.gtext = g
}

// BackwardTangents is Backward differentiated along the tangents the tape was recorded with:
// in one reverse sweep it computes every adjoint ∂out/∂x (read with Grad) and its tangent
// (read with GradTangent), the directional derivative of the adjoint along the seeded
// direction. For a Var seeded with v among all Vars, GradTangent is the Hessian of out times v.
// out must be a 1 × 1 tensor of this tape.
func (t *Tape) BackwardTangents(out *Tensor) {
	t.owns(out)
	if out.rows != 1 || out.cols != 1 {
		panic(fmt.Sprintf("autodiff: BackwardTangents of a %d×%d tensor; want a scalar (1×1)", out.rows, out.cols))
	}
	t.sweep++
	for _, z := range t.nodes[:out.index+1] {
		if !z.needGrad {
			z.grad, z.gtan = nil, nil
			continue
		}
		z.grad = z.adjointStorage()
		z.gtan = z.gtext
		if z.gtan == nil {
			z.gtan = grow(&z.gtbuf, z.Len())
		}
		clear(z.grad)
		clear(z.gtan)
		z.swept = t.sweep // pushed to: the rules add to every adjoint
	}
	for _, z := range t.nodes[out.index+1 : t.n] {
		z.grad, z.gtan = nil, nil
	}
	if out.grad == nil {
		return
	}
	out.grad[0] = 1 // and its tangent 0: the seed of the adjoints does not depend on A
	for i := out.index; i >= 0; i-- {
		if z := t.nodes[i]; z.needGrad && z.op != opLeaf {
			vjp(z)
			vjpTangent(z)
		}
	}
}

// tangentIf returns x's tangent, or nil when it carries none (a zero tangent).
func tangentIf(x *Tensor) []float64 {
	if x == nil || !x.hasTangent {
		return nil
	}
	return x.tangent
}

// gtanIf returns the tangent of x's adjoint when x needs an adjoint, else nil.
func gtanIf(x *Tensor) []float64 {
	if x.needGrad {
		return x.gtan
	}
	return nil
}

// vjpTangent adds to z's inputs' adjoint tangents the tangent of z's vjp rule (see the table at
// the top of this file).
func vjpTangent(z *Tensor) {
	x, y, g, dg := z.x, z.y, z.grad, z.gtan
	dx, dy := tangentIf(x), tangentIf(y)
	switch z.op {
	case opMatMul:
		if x.needGrad {
			z.tape.gemm(false, true, dg, z.rows, z.cols, y.value, y.rows, y.cols, 1, x.gtan)
			if dy != nil {
				z.tape.gemm(false, true, g, z.rows, z.cols, dy, y.rows, y.cols, 1, x.gtan)
			}
		}
		if y.needGrad {
			z.tape.gemm(true, false, x.value, x.rows, x.cols, dg, z.rows, z.cols, 1, y.gtan)
			if dx != nil {
				z.tape.gemm(true, false, dx, x.rows, x.cols, g, z.rows, z.cols, 1, y.gtan)
			}
		}
	case opMatMulT:
		matMulTTangentVJP(z, dx, dy)
	case opLinear: // the product's terms, then b̄̇ += Σᵢ z̄̇ᵢ (b̄'s rule is linear)
		matMulTTangentVJP(z, dx, dy)
		if z.b.needGrad {
			z.tape.addBiasSums(z.b.gtan, dg, z.rows, z.cols, 1)
		}
	case opTranspose:
		transpose(x.gtan, dg, z.rows, z.cols, true)
	case opAdd, opSub, opMul:
		binaryPush(z, dg, gtanIf(x), gtanIf(y), x.value, y.value)
		if z.op == opMul {
			binaryPush(z, g, gtanIf(x), gtanIf(y), dx, dy)
		}
	case opScale:
		gx := x.gtan[:len(dg)]
		for i, v := range dg {
			gx[i] += z.s * v
		}
	case opSigmoid, opTanh, opReLU, opExp, opLog, opSquare, opSin, opCos:
		unaryTangentVJP(z, dx)
	case opSum:
		s := dg[0]
		for i := range x.gtan {
			x.gtan[i] += s
		}
	case opSlice:
		gx := x.gtan[z.off : z.off+len(dg)]
		for i, v := range dg {
			gx[i] += v
		}
	case opSquaredDistance:
		squaredDistanceTangentVJP(z, dx, dy)
	case opLogSumExp:
		logSumExpTangentVJP(z, dx)
	case opConv2D:
		conv2DTangentVJP(z)
	case opChannelBias:
		linearTangentVJP(z, channelBiasVJP)
	case opMaxPool, opAvgPool:
		linearTangentVJP(z, poolVJP)
	default:
		panic("autodiff: vjpTangent of " + z.op.String())
	}
}

// matMulTTangentVJP is the tangent of MatMulT's rule (ā += z̄·b, b̄ += z̄ᵀ·a):
// ā̇ += z̄̇·b + z̄·ḃ, b̄̇ += z̄̇ᵀ·a + z̄ᵀ·ȧ.
func matMulTTangentVJP(z *Tensor, dx, dy []float64) {
	x, y, g, dg := z.x, z.y, z.grad, z.gtan
	if x.needGrad {
		z.tape.gemm(false, false, dg, z.rows, z.cols, y.value, y.rows, y.cols, 1, x.gtan)
		if dy != nil {
			z.tape.gemm(false, false, g, z.rows, z.cols, dy, y.rows, y.cols, 1, x.gtan)
		}
	}
	if y.needGrad {
		z.tape.gemm(true, false, dg, z.rows, z.cols, x.value, x.rows, x.cols, 1, y.gtan)
		if dx != nil {
			z.tape.gemm(true, false, g, z.rows, z.cols, dx, x.rows, x.cols, 1, y.gtan)
		}
	}
}

// squaredDistanceTangentVJP is the tangent of SquaredDistance's rule (x̄ += 2z̄·d, ȳ −= 2z̄·d,
// d = x − y): x̄̇ += 2z̄̇·d + 2z̄·(ẋ − ẏ), ȳ̇ −= the same.
func squaredDistanceTangentVJP(z *Tensor, dx, dy []float64) {
	x, y := z.x, z.y
	xv, yv := x.value, y.value[:len(x.value)]
	g2, dg2 := 2*z.grad[0], 2*z.gtan[0]
	gx, gy := gtanIf(x), gtanIf(y)
	for i, a := range xv {
		v := dg2 * (a - yv[i])
		if dx != nil {
			v += g2 * dx[i]
		}
		if dy != nil {
			v -= g2 * dy[i]
		}
		if gx != nil {
			gx[i] += v
		}
		if gy != nil {
			gy[i] -= v
		}
	}
}

// logSumExpTangentVJP is the tangent of LogSumExp's rule x̄ᵢⱼ += z̄ᵢ pᵢⱼ, pᵢⱼ = exp(xᵢⱼ − zᵢ):
// since ṗᵢⱼ = pᵢⱼ (ẋᵢⱼ − żᵢ), x̄̇ᵢⱼ += z̄̇ᵢ pᵢⱼ + z̄ᵢ pᵢⱼ (ẋᵢⱼ − żᵢ).
func logSumExpTangentVJP(z *Tensor, dx []float64) {
	x, g, dg := z.x, z.grad, z.gtan
	for i := range z.value {
		gx := x.gtan[i*x.cols : (i+1)*x.cols]
		for j, p := range softmaxRow(z, i) {
			gx[j] += dg[i] * p
			if dx != nil {
				gx[j] += g[i] * p * (dx[i*x.cols+j] - z.tangent[i])
			}
		}
	}
}

// unaryTangentVJP is x̄̇ += z̄̇ · f'(x) + z̄ · f”(x) · ẋ for an elementwise z = f(x).
func unaryTangentVJP(z *Tensor, dx []float64) {
	x, g, dg := z.x, z.grad, z.gtan
	xv, zv, gx := x.value[:len(g)], z.value[:len(g)], x.gtan[:len(g)]
	for i, v := range dg {
		gx[i] += v * deriv(z.op, xv[i], zv[i])
	}
	if dx == nil {
		return
	}
	dx = dx[:len(g)]
	for i, v := range g {
		gx[i] += v * deriv2(z.op, xv[i], zv[i]) * dx[i]
	}
}

// deriv2 returns the second derivative f”(x) of an elementwise unary operation at input x
// with output z = f(x): σ'(1 − 2σ) for the sigmoid, −2 tanh · (1 − tanh²), 0 for ReLU (away from
// 0), eˣ, −1/x², 2, −sin and −cos.
func deriv2(op opKind, x, z float64) float64 {
	switch op {
	case opSigmoid:
		return z * (1 - z) * (1 - 2*z)
	case opTanh:
		return -2 * z * (1 - z*z)
	case opReLU:
		return 0
	case opExp:
		return z
	case opLog:
		return -1 / (x * x)
	case opSquare:
		return 2
	case opSin:
		return -math.Sin(x)
	case opCos:
		return -math.Cos(x)
	}
	panic("autodiff: deriv2 of " + op.String())
}

// Hv writes the Hessian-vector product H(A)·v on the batch into dst (allocated when nil) and
// returns it with K, by forward-over-reverse: K is recorded with v seeded as the tangent of
// the parameters, and one BackwardTangents sweep leaves ∇²K·v in the adjoint tangents of W and
// b, which are dst's blocks. After the first call on a batch size Hv allocates nothing.
func (e *Reverse) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	net := e.cost.net
	dst = gradients.CheckDst("autodiff", dst, net.NumParams())
	if err := net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("autodiff-reverse: %w", err)
	}
	if err := gradients.CheckDirection("autodiff-reverse", net, v); err != nil {
		return nil, 0, err
	}
	k := e.cost.record(A, b, v)
	for i, blk := range net.Blocks() {
		e.cost.params[i].SetGradTangentBuffer(dst[blk.Offset : blk.Offset+blk.Len()])
	}
	e.cost.tape.BackwardTangents(k)
	return dst, k.Scalar(), nil
}
