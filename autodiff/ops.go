package autodiff

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/gemm"
	"nabla/internal/vmath"
	"nabla/nn"
)

// This file holds the operations. Each records one tensor and states three rules next to each
// other: its value, its tangent (forward mode, in jvp: ż = Σ ∂z/∂x · ẋ) and how it pushes its
// adjoint back to its inputs (reverse mode, in vjp: x̄ += ∂z/∂xᵀ · z̄, always accumulating).

// MatMul records the matrix product a·b of an m×k and a k×n tensor.
func (t *Tape) MatMul(a, b *Tensor) *Tensor {
	t.owns(a)
	t.owns(b)
	if a.cols != b.rows {
		panic(fmt.Sprintf("autodiff: MatMul of %d×%d and %d×%d", a.rows, a.cols, b.rows, b.cols))
	}
	z := t.node(opMatMul, a.rows, b.cols)
	z.x, z.y = a, b
	z.value = grow(&z.vbuf, z.Len())
	t.gemm(false, false, a.value, a.rows, a.cols, b.value, b.rows, b.cols, 0, z.value)
	return t.record(z)
}

// MatMulT records a·bᵀ of an m×k and an n×k tensor: MatMul(a, Transpose(b)) without forming
// the transpose. A dense layer's pre-activations X·Wᵀ (one example per row of X, W stored
// Out × In) are MatMulT(X, W).
func (t *Tape) MatMulT(a, b *Tensor) *Tensor {
	t.owns(a)
	t.owns(b)
	if a.cols != b.cols {
		panic(fmt.Sprintf("autodiff: MatMulT of %d×%d and (%d×%d)ᵀ", a.rows, a.cols, b.rows, b.cols))
	}
	z := t.node(opMatMulT, a.rows, b.rows)
	z.x, z.y = a, b
	z.value = grow(&z.vbuf, z.Len())
	t.gemm(false, true, a.value, a.rows, a.cols, b.value, b.rows, b.cols, 0, z.value)
	return t.record(z)
}

// Linear records x·wᵀ + 1·bᵀ for an n×k tensor x, an m×k tensor w and an m-entry bias b (a
// 1×m row or an m×1 column): b is added to every row of the n×m product. A dense layer's
// pre-activations with one example per row of x (w stored Out × In, as in A) are
// Linear(x, w, b), PyTorch's torch.nn.functional.linear. It is Add(MatMulT(x, w), b) as one
// operation: the bias is written first and the product added to it, and in reverse mode z̄
// goes straight to the product's rule and, summed over the rows, to b̄.
//
// Tangent: ż = ẋ·wᵀ + x·ẇᵀ + 1·ḃᵀ. Adjoint: x̄ += z̄·w, w̄ += z̄ᵀ·x, b̄ += Σᵢ z̄ᵢ (column sums).
func (t *Tape) Linear(x, w, b *Tensor) *Tensor {
	t.owns(x)
	t.owns(w)
	t.owns(b)
	if x.cols != w.cols || b.Len() != w.rows || (b.rows != 1 && b.cols != 1) {
		panic(fmt.Sprintf("autodiff: Linear of %d×%d, (%d×%d)ᵀ and a %d×%d bias", x.rows, x.cols, w.rows, w.cols, b.rows, b.cols))
	}
	z := t.node(opLinear, x.rows, w.rows)
	z.x, z.y, z.b = x, w, b
	z.value = grow(&z.vbuf, z.Len())
	if x.rows*w.rows*x.cols <= maxSmall { // the bias added to each product as small adds c
		linearSmall(z.value, x.value, w.value, b.value, x.rows, w.rows, x.cols)
		return t.record(z)
	}
	t.fillBias(z.value, b.value, z.rows, z.cols)
	t.gemm(false, true, x.value, x.rows, x.cols, w.value, w.rows, w.cols, 1, z.value)
	return t.record(z)
}

// Transpose records xᵀ.
func (t *Tape) Transpose(x *Tensor) *Tensor {
	t.owns(x)
	z := t.node(opTranspose, x.cols, x.rows)
	z.x = x
	z.value = grow(&z.vbuf, z.Len())
	transpose(z.value, x.value, x.rows, x.cols, false)
	return t.record(z)
}

// transpose sets (or, with add, adds to) dst (c×r) the transpose of src (r×c).
func transpose(dst, src []float64, r, c int, add bool) {
	for i := 0; i < r; i++ {
		row := src[i*c : i*c+c]
		for j, v := range row {
			if add {
				dst[j*r+i] += v
			} else {
				dst[j*r+i] = v
			}
		}
	}
}

// Add records x + y. The shapes must be equal, or one operand may be broadcast: a 1×c row
// (a bias added to every row), an r×1 column, or a 1×1 scalar.
func (t *Tape) Add(x, y *Tensor) *Tensor { return t.binary(opAdd, x, y) }

// Sub records x − y, broadcasting like Add.
func (t *Tape) Sub(x, y *Tensor) *Tensor { return t.binary(opSub, x, y) }

// Mul records the elementwise (Hadamard) product x ⊙ y, broadcasting like Add.
func (t *Tape) Mul(x, y *Tensor) *Tensor { return t.binary(opMul, x, y) }

// broadcastDim returns the common size of two dimensions, or -1 when they do not broadcast.
func broadcastDim(a, b int) int {
	switch {
	case a == b, b == 1:
		return a
	case a == 1:
		return b
	}
	return -1
}

// strides returns the steps through x's data per row and per column of a broadcast result.
func strides(x *Tensor) (rs, cs int) {
	rs, cs = x.cols, 1
	if x.rows == 1 {
		rs = 0
	}
	if x.cols == 1 {
		cs = 0
	}
	return rs, cs
}

func (t *Tape) binary(op opKind, x, y *Tensor) *Tensor {
	t.owns(x)
	t.owns(y)
	r, c := broadcastDim(x.rows, y.rows), broadcastDim(x.cols, y.cols)
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("autodiff: %s of %d×%d and %d×%d: shapes do not broadcast", op, x.rows, x.cols, y.rows, y.cols))
	}
	z := t.node(op, r, c)
	z.x, z.y = x, y
	z.value = grow(&z.vbuf, r*c)
	xv, yv, zv := x.value, y.value, z.value
	if x.rows == y.rows && x.cols == y.cols {
		yv = yv[:len(xv)]
		zv = zv[:len(xv)]
		switch op {
		case opAdd:
			for i, a := range xv {
				zv[i] = a + yv[i]
			}
		case opSub:
			for i, a := range xv {
				zv[i] = a - yv[i]
			}
		case opMul:
			for i, a := range xv {
				zv[i] = a * yv[i]
			}
		}
		return t.record(z)
	}
	xrs, xcs := strides(x)
	yrs, ycs := strides(y)
	for i := 0; i < r; i++ {
		zr := zv[i*c : i*c+c]
		xo, yo := i*xrs, i*yrs
		switch op {
		case opAdd:
			for j := range zr {
				zr[j] = xv[xo+j*xcs] + yv[yo+j*ycs]
			}
		case opSub:
			for j := range zr {
				zr[j] = xv[xo+j*xcs] - yv[yo+j*ycs]
			}
		case opMul:
			for j := range zr {
				zr[j] = xv[xo+j*xcs] * yv[yo+j*ycs]
			}
		}
	}
	return t.record(z)
}

// Scale records s·x.
func (t *Tape) Scale(s float64, x *Tensor) *Tensor {
	t.owns(x)
	z := t.node(opScale, x.rows, x.cols)
	z.x, z.s = x, s
	z.value = grow(&z.vbuf, z.Len())
	for i, v := range x.value {
		z.value[i] = s * v
	}
	return t.record(z)
}

// Sigmoid records the logistic function 1/(1+e⁻ˣ) elementwise.
func (t *Tape) Sigmoid(x *Tensor) *Tensor { return t.unary(opSigmoid, x) }

// Tanh records tanh elementwise.
func (t *Tape) Tanh(x *Tensor) *Tensor { return t.unary(opTanh, x) }

// ReLU records max(x, 0) elementwise; its derivative at 0 is taken as 0.
func (t *Tape) ReLU(x *Tensor) *Tensor { return t.unary(opReLU, x) }

// Exp records eˣ elementwise.
func (t *Tape) Exp(x *Tensor) *Tensor { return t.unary(opExp, x) }

// Log records the natural logarithm elementwise (NaN for negative entries, −Inf at 0).
func (t *Tape) Log(x *Tensor) *Tensor { return t.unary(opLog, x) }

// Square records x² elementwise.
func (t *Tape) Square(x *Tensor) *Tensor { return t.unary(opSquare, x) }

// Sin records sin elementwise.
func (t *Tape) Sin(x *Tensor) *Tensor { return t.unary(opSin, x) }

// Cos records cos elementwise.
func (t *Tape) Cos(x *Tensor) *Tensor { return t.unary(opCos, x) }

func (t *Tape) unary(op opKind, x *Tensor) *Tensor {
	t.owns(x)
	z := t.node(op, x.rows, x.cols)
	z.x = x
	z.value = grow(&z.vbuf, z.Len())
	t.unaryValues(op, z.value, x.value)
	return t.record(z)
}

// activationInPlace records the activation op (Sigmoid, Tanh or ReLU) of x, computed over x's
// own value, which then holds f(x): for the network adapter, whose pre-activations are read by
// nothing but their activation once recorded, so that a layer's output takes one buffer, not
// two. It is sound because these three ops' rules read only their output: σ' = σ(1 − σ),
// tanh' = 1 − tanh², and x > 0 exactly when max(x, 0) > 0; and no rule of the ops that make
// pre-activations (Linear, Conv2DBias) reads its own value.
func (t *Tape) activationInPlace(op opKind, x *Tensor) *Tensor {
	t.owns(x)
	if op != opSigmoid && op != opTanh && op != opReLU {
		panic("autodiff: activationInPlace of " + op.String())
	}
	z := t.node(op, x.rows, x.cols)
	z.x, z.value = x, x.value
	t.unaryValues(op, z.value, x.value)
	return t.record(z)
}

// Sum records the sum of all entries, a 1×1 tensor.
func (t *Tape) Sum(x *Tensor) *Tensor {
	t.owns(x)
	z := t.node(opSum, 1, 1)
	z.x = x
	z.value = grow(&z.vbuf, 1)
	var s float64
	for _, v := range x.value {
		s += v
	}
	z.value[0] = s
	return t.record(z)
}

// SquaredDistance records ‖x − y‖² = Σᵢⱼ (xᵢⱼ − yᵢⱼ)², a 1×1 tensor, for x and y of the same
// shape: Sum(Square(Sub(x, y))) as one operation (the quadratic cost; PyTorch's mse_loss with
// reduction "sum"), with the same value, one tape entry instead of three and no intermediate
// tensors. With d = x − y:
//
// Tangent: ż = Σ 2d ⊙ (ẋ − ẏ). Adjoint: x̄ += 2z̄·d, ȳ −= 2z̄·d.
func (t *Tape) SquaredDistance(x, y *Tensor) *Tensor {
	t.owns(x)
	t.owns(y)
	if x.rows != y.rows || x.cols != y.cols {
		panic(fmt.Sprintf("autodiff: SquaredDistance of %d×%d and %d×%d", x.rows, x.cols, y.rows, y.cols))
	}
	z := t.node(opSquaredDistance, 1, 1)
	z.x, z.y = x, y
	z.value = grow(&z.vbuf, 1)
	yv := y.value[:len(x.value)]
	var s float64
	for i, a := range x.value {
		d := a - yv[i]
		s += d * d
	}
	z.value[0] = s
	return t.record(z)
}

// squaredDistanceJVP sets ż = Σ 2dᵢ(ẋᵢ − ẏᵢ), an absent tangent counting as 0.
func squaredDistanceJVP(z *Tensor) {
	x, y := z.x, z.y
	dx, dy := tangentIf(x), tangentIf(y)
	yv := y.value[:len(x.value)]
	var s float64
	for i, a := range x.value {
		var dd float64
		if dx != nil {
			dd += dx[i]
		}
		if dy != nil {
			dd -= dy[i]
		}
		s += 2 * (a - yv[i]) * dd
	}
	z.tangent[0] = s
}

// squaredDistanceVJP pushes z̄ to x̄ += 2z̄·d and ȳ −= 2z̄·d, d = x − y, writing an adjoint
// that nothing has pushed to yet.
func squaredDistanceVJP(z *Tensor) {
	x, y := z.x, z.y
	xv, yv := x.value, y.value[:len(x.value)]
	g2 := 2 * z.grad[0]
	if x.needGrad {
		gx, fresh := x.adjointOrFresh()
		gx = gx[:len(xv)]
		for i, a := range xv {
			if v := g2 * (a - yv[i]); fresh {
				gx[i] = v
			} else {
				gx[i] += v
			}
		}
	}
	if y.needGrad {
		gy, fresh := y.adjointOrFresh()
		gy = gy[:len(xv)]
		for i, a := range xv {
			if v := g2 * (a - yv[i]); fresh {
				gy[i] = -v
			} else {
				gy[i] -= v
			}
		}
	}
}

// LogSumExp records the log-sum-exp of each row of x, an r×1 column:
// zᵢ = log Σⱼ exp(xᵢⱼ) = mᵢ + log Σⱼ exp(xᵢⱼ − mᵢ) with mᵢ = maxⱼ xᵢⱼ, so that no exponential
// overflows and the largest term is never lost (the value is nn.LogSumExp, a function value
// shared with the reference, not a derivative). Its local derivative is the softmax of the
// row, ∂zᵢ/∂xᵢⱼ = exp(xᵢⱼ − zᵢ) ∈ (0, 1], which the tangent and adjoint rules evaluate from the
// recorded value.
func (t *Tape) LogSumExp(x *Tensor) *Tensor {
	t.owns(x)
	z := t.node(opLogSumExp, x.rows, 1)
	z.x = x
	z.value = grow(&z.vbuf, x.rows)
	for i := range x.rows {
		z.value[i] = nn.LogSumExp(x.value[i*x.cols : (i+1)*x.cols])
	}
	return t.record(z)
}

// softmaxRow returns the softmax of row i of LogSumExp's input, exp(xᵢⱼ − zᵢ) for every j,
// in the tensor's scratch storage (valid until the next call): the exponentials several at a
// time by vmath.Exp, a value and not a derivative.
func softmaxRow(z *Tensor, i int) []float64 {
	x := z.x
	p := grow(&z.aux, x.cols)
	for j, v := range x.value[i*x.cols : (i+1)*x.cols] {
		p[j] = v - z.value[i]
	}
	return vmath.Exp(p, p)
}

// Slice records rows i to j−1 of x, a (j−i) × Cols tensor. For a column vector these are its
// entries i to j−1.
func (t *Tape) Slice(x *Tensor, i, j int) *Tensor {
	t.owns(x)
	if i < 0 || j > x.rows || i >= j {
		panic(fmt.Sprintf("autodiff: Slice(%d, %d) of %d rows", i, j, x.rows))
	}
	return t.slice(x, i*x.cols, j-i, x.cols)
}

// At records entry (i, j) of x as a 1×1 tensor.
func (t *Tape) At(x *Tensor, i, j int) *Tensor {
	t.owns(x)
	if i < 0 || i >= x.rows || j < 0 || j >= x.cols {
		panic(fmt.Sprintf("autodiff: At(%d, %d) of a %d×%d tensor", i, j, x.rows, x.cols))
	}
	return t.slice(x, i*x.cols+j, 1, 1)
}

// slice records the rows × cols tensor whose data are x's data from offset off on: a view of
// x's value, not a copy (values do not change once recorded).
func (t *Tape) slice(x *Tensor, off, rows, cols int) *Tensor {
	z := t.node(opSlice, rows, cols)
	z.x, z.off = x, off
	n := z.Len()
	z.value = x.value[off : off+n : off+n]
	return t.record(z)
}

// deriv returns the local derivative dz/dx of an elementwise unary operation at input x with
// output z.
func deriv(op opKind, x, z float64) float64 {
	switch op {
	case opSigmoid:
		return z * (1 - z)
	case opTanh:
		return 1 - z*z
	case opReLU:
		if x > 0 {
			return 1
		}
		return 0
	case opExp:
		return z
	case opLog:
		return 1 / x
	case opSquare:
		return 2 * x
	case opSin:
		return math.Cos(x)
	case opCos:
		return -math.Sin(x)
	}
	panic("autodiff: deriv of " + op.String())
}

// jvp computes z's tangent from its inputs' tangents (inputs without a tangent count as 0).
func jvp(z *Tensor) {
	x, dz := z.x, z.tangent
	switch z.op {
	case opMatMul, opMatMulT:
		matMulJVP(z, 0)
	case opLinear:
		// ż = 1·ḃᵀ + (ẋ·wᵀ + x·ẇᵀ).
		beta := 0.0
		if z.b.hasTangent {
			channelBias(dz, nil, z.b.tangent, z.rows, z.cols, 1)
			beta = 1
		}
		matMulJVP(z, beta)
	case opTranspose:
		transpose(dz, x.tangent, x.rows, x.cols, false)
	case opAdd, opSub, opMul:
		clear(dz)
		binaryJVP(z)
	case opScale:
		for i, v := range x.tangent {
			dz[i] = z.s * v
		}
	case opSigmoid, opTanh, opReLU, opExp, opLog, opSquare, opSin, opCos:
		xv, zv, dx := x.value, z.value[:len(x.value)], x.tangent[:len(x.value)]
		dz = dz[:len(x.value)]
		for i, v := range xv {
			dz[i] = deriv(z.op, v, zv[i]) * dx[i]
		}
	case opSum:
		var s float64
		for _, v := range x.tangent {
			s += v
		}
		dz[0] = s
	case opSlice:
		copy(dz, x.tangent[z.off:])
	case opSquaredDistance:
		squaredDistanceJVP(z)
	case opLogSumExp:
		// żᵢ = Σⱼ softmax(xᵢ)ⱼ ẋᵢⱼ with softmax(xᵢ)ⱼ = exp(xᵢⱼ − zᵢ).
		for i := range z.value {
			var s float64
			for j, p := range softmaxRow(z, i) {
				s += p * x.tangent[i*x.cols+j]
			}
			dz[i] = s
		}
	case opConv2D:
		conv2DJVP(z)
	case opChannelBias:
		channelBiasJVP(z)
	case opMaxPool, opAvgPool:
		poolJVP(z)
	default:
		panic("autodiff: jvp of " + z.op.String())
	}
}

// matMulJVP sets z's tangent to ẋ·y + x·ẏ for MatMul (d(a·b) = da·b + a·db), to ẋ·yᵀ + x·ẏᵀ
// for MatMulT and Linear, plus beta times what it held.
func matMulJVP(z *Tensor, beta float64) {
	x, y, dz := z.x, z.y, z.tangent
	trans := z.op != opMatMul
	if x.hasTangent {
		z.tape.gemm(false, trans, x.tangent, x.rows, x.cols, y.value, y.rows, y.cols, beta, dz)
		beta = 1
	}
	if y.hasTangent {
		z.tape.gemm(false, trans, x.value, x.rows, x.cols, y.tangent, y.rows, y.cols, beta, dz)
	}
}

// binaryJVP adds to z's tangent the contributions of Add, Sub and Mul's inputs, undoing
// broadcasts by striding.
func binaryJVP(z *Tensor) {
	x, y, dz := z.x, z.y, z.tangent
	xrs, xcs := strides(x)
	yrs, ycs := strides(y)
	for i := 0; i < z.rows; i++ {
		row := dz[i*z.cols : (i+1)*z.cols]
		xo, yo := i*xrs, i*yrs
		if x.hasTangent {
			dx := x.tangent
			switch z.op {
			case opAdd, opSub:
				for j := range row {
					row[j] += dx[xo+j*xcs]
				}
			case opMul:
				yv := y.value
				for j := range row {
					row[j] += dx[xo+j*xcs] * yv[yo+j*ycs]
				}
			}
		}
		if y.hasTangent {
			dy := y.tangent
			switch z.op {
			case opAdd:
				for j := range row {
					row[j] += dy[yo+j*ycs]
				}
			case opSub:
				for j := range row {
					row[j] -= dy[yo+j*ycs]
				}
			case opMul:
				xv := x.value
				for j := range row {
					row[j] += xv[xo+j*xcs] * dy[yo+j*ycs]
				}
			}
		}
	}
}

// vjp pushes z's adjoint to the adjoints of those of its inputs that need one.
func vjp(z *Tensor) {
	x, y, g := z.x, z.y, z.grad
	switch z.op {
	case opMatMul:
		// z = a·b: ā += z̄·bᵀ, b̄ += aᵀ·z̄.
		if x.needGrad {
			gx, beta := adjointBeta(x)
			z.tape.gemm(false, true, g, z.rows, z.cols, y.value, y.rows, y.cols, beta, gx)
		}
		if y.needGrad {
			gy, beta := adjointBeta(y)
			z.tape.gemm(true, false, x.value, x.rows, x.cols, g, z.rows, z.cols, beta, gy)
		}
	case opMatMulT:
		matMulTVJP(z)
	case opLinear:
		matMulTVJP(z)
		if z.b.needGrad {
			z.tape.addBiasSums(z.b.adjoint(), g, z.rows, z.cols, 1)
		}
	case opTranspose:
		gx, fresh := x.adjointOrFresh()
		transpose(gx, g, z.rows, z.cols, !fresh)
	case opAdd, opSub, opMul:
		binaryVJP(z)
	case opScale:
		gx, fresh := x.adjointOrFresh()
		gx = gx[:len(g)]
		if fresh {
			for i, v := range g {
				gx[i] = z.s * v
			}
			break
		}
		for i, v := range g {
			gx[i] += z.s * v
		}
	case opSigmoid, opTanh, opReLU, opExp, opLog, opSquare, opSin, opCos:
		gx, fresh := x.adjointOrFresh()
		z.tape.unaryAdjoint(z.op, fresh, gx, x.value, z.value, g)
	case opSum:
		gx, fresh := x.adjointOrFresh()
		s := g[0]
		if fresh {
			for i := range gx {
				gx[i] = s
			}
			break
		}
		for i := range gx {
			gx[i] += s
		}
	case opSlice:
		gx := x.adjoint()[z.off : z.off+len(g)]
		for i, v := range g {
			gx[i] += v
		}
	case opSquaredDistance:
		squaredDistanceVJP(z)
	case opLogSumExp:
		// x̄ᵢⱼ += z̄ᵢ · softmax(xᵢ)ⱼ.
		gall := x.adjoint()
		for i := range z.value {
			gx := gall[i*x.cols : (i+1)*x.cols]
			for j, p := range softmaxRow(z, i) {
				gx[j] += g[i] * p
			}
		}
	case opConv2D:
		conv2DVJP(z)
	case opChannelBias:
		channelBiasVJP(z)
	case opMaxPool, opAvgPool:
		poolVJP(z)
	default:
		panic("autodiff: vjp of " + z.op.String())
	}
}

// binaryVJP pushes the adjoint of Add, Sub or Mul to its inputs; a broadcast input receives
// the sum over the rows or columns it was repeated along.
func binaryVJP(z *Tensor) {
	x, y := z.x, z.y
	binaryPush(z, z.grad, gradIf(x), gradIf(y), x.value, y.value)
}

// gradIf returns x's adjoint for adding to when it needs one, else nil.
func gradIf(x *Tensor) []float64 {
	if x.needGrad {
		return x.adjoint()
	}
	return nil
}

// adjointBeta returns x's adjoint and the β for a product that adds to it: 0 when no rule has
// pushed to it yet (the product overwrites it), else 1.
func adjointBeta(x *Tensor) ([]float64, float64) {
	g, fresh := x.adjointOrFresh()
	if fresh {
		return g, 0
	}
	return g, 1
}

// matMulTVJP is MatMulT's adjoint rule: z = a·bᵀ, ā += z̄·b, b̄ += z̄ᵀ·a.
func matMulTVJP(z *Tensor) {
	x, y, g := z.x, z.y, z.grad
	if x.needGrad && y.needGrad && x != y && z.Len()*x.cols > maxSmall {
		// two independent products of the same size (z.rows·z.cols·x.cols multiply-adds
		// each), neither small: on two threads one each when gemm finds that faster
		gx, bx := adjointBeta(x)
		gy, by := adjointBeta(y)
		z.tape.mul.Both(product(false, false, g, z.rows, z.cols, y.value, y.rows, y.cols, bx, gx),
			product(true, false, g, z.rows, z.cols, x.value, x.rows, x.cols, by, gy))
		return
	}
	if x.needGrad {
		gx, beta := adjointBeta(x)
		z.tape.gemm(false, false, g, z.rows, z.cols, y.value, y.rows, y.cols, beta, gx)
	}
	if y.needGrad {
		gy, beta := adjointBeta(y)
		z.tape.gemm(true, false, g, z.rows, z.cols, x.value, x.rows, x.cols, beta, gy)
	}
}

// binaryPush adds an adjoint g of Add, Sub or Mul to gx and gy (either nil to skip it),
// undoing broadcasts: gx += g and gy += ±g, or, for Mul, gx += g ⊙ yv and gy += g ⊙ xv (a nil
// xv or yv skips the term that needs it).
func binaryPush(z *Tensor, g, gx, gy, xv, yv []float64) {
	x, y := z.x, z.y
	xrs, xcs := strides(x)
	yrs, ycs := strides(y)
	if z.op == opMul {
		if yv == nil {
			gx = nil
		}
		if xv == nil {
			gy = nil
		}
	}
	for i := 0; i < z.rows; i++ {
		row := g[i*z.cols : (i+1)*z.cols]
		xo, yo := i*xrs, i*yrs
		if gx != nil {
			switch z.op {
			case opAdd, opSub:
				for j, v := range row {
					gx[xo+j*xcs] += v
				}
			case opMul:
				for j, v := range row {
					gx[xo+j*xcs] += v * yv[yo+j*ycs]
				}
			}
		}
		if gy != nil {
			switch z.op {
			case opAdd:
				for j, v := range row {
					gy[yo+j*ycs] += v
				}
			case opSub:
				for j, v := range row {
					gy[yo+j*ycs] -= v
				}
			case opMul:
				for j, v := range row {
					gy[yo+j*ycs] += v * xv[xo+j*xcs]
				}
			}
		}
	}
}

// gemm sets c = op(a)·op(b) + beta·c for row-major a (ar×ac) and b (br×bc) as stored, where op
// transposes when ta or tb is set, on the tape's threads.
func (t *Tape) gemm(ta, tb bool, a []float64, ar, ac int, b []float64, br, bc int, beta float64, c []float64) {
	mulOn(t.mul, ta, tb, a, ar, ac, b, br, bc, beta, c)
}

// mulOn is Tape.gemm on the Multiplier mul (nil: the caller's goroutine).
func mulOn(mul *gemm.Multiplier, ta, tb bool, a []float64, ar, ac int, b []float64, br, bc int, beta float64, c []float64) {
	m, n, k := ar, bc, ac
	if ta {
		m, k = ac, ar
	}
	if tb {
		n = br
	}
	if m*n*k <= maxSmall && (beta == 0 || beta == 1) { // tiny networks: the definition
		small(ta, tb, m, n, k, a, b, beta == 1, c)
		return
	}
	p := product(ta, tb, a, ar, ac, b, br, bc, beta, c)
	mul.Gemm(p.TA, p.TB, p.Alpha, p.A, p.B, p.Beta, p.C)
}

// product returns the product mulOn computes as gemm takes it, for one that is not small.
func product(ta, tb bool, a []float64, ar, ac int, b []float64, br, bc int, beta float64, c []float64) gemm.Product {
	m, n := ar, bc
	if ta {
		m = ac
	}
	if tb {
		n = br
	}
	A := blas64.General{Rows: ar, Cols: ac, Stride: max(1, ac), Data: a}
	B := blas64.General{Rows: br, Cols: bc, Stride: max(1, bc), Data: b}
	C := blas64.General{Rows: m, Cols: n, Stride: max(1, n), Data: c}
	return gemm.Product{TA: trans(ta), TB: trans(tb), Alpha: 1, A: A, B: B, Beta: beta, C: C}
}

// maxSmall is the number of multiply-adds up to which gemm computes a product by small.
const maxSmall = 64

// small sets c (m×n) = op(a)·op(b), or with add adds the product to c, for row-major a and b
// of the shapes mulOn takes: the definition, as gemm.Small computes it with α = 1 and β = 0 or
// 1 (each entry's products summed in order of l from 0, then added to c's entry), with a loop
// nest per case so that the inner loops run over rows the compiler checks once. On the
// products of tiny networks (a 3×2 matrix and a vector) the set-up and the branches of a
// general loop nest are most of the cost.
func small(ta, tb bool, m, n, k int, a, b []float64, add bool, c []float64) {
	switch {
	case k == 1 && !tb: // an outer product: a holds m entries, b n
		outer(a[:m], b[:n], add, c)
	case !ta && tb: // a m×k, b n×k: dot products of rows
		for i := range m {
			row, ar := c[i*n:i*n+n], a[i*k:i*k+k]
			for j := range row {
				br := b[j*k : j*k+k]
				br = br[:len(ar)]
				var s float64
				for l, v := range ar {
					s += v * br[l]
				}
				row[j] = plus(s, row, j, add)
			}
		}
	case !ta: // a m×k, b k×n
		for i := range m {
			row, ar := c[i*n:i*n+n], a[i*k:i*k+k]
			for j := range row {
				var s float64
				for l, v := range ar {
					s += v * b[l*n+j]
				}
				row[j] = plus(s, row, j, add)
			}
		}
	default: // a k×m
		for i := range m {
			row := c[i*n : i*n+n]
			for j := range row {
				var s float64
				for l := range k {
					if tb { // b n×k
						s += a[l*m+i] * b[j*k+l]
					} else { // b k×n
						s += a[l*m+i] * b[l*n+j]
					}
				}
				row[j] = plus(s, row, j, add)
			}
		}
	}
}

// linearSmall sets z (n×m) = x·wᵀ + 1·bᵀ for x n×k and w m×k, with the bits of the bias
// written into z and small adding the product to it: each entry's sum, then plus the bias.
func linearSmall(z, x, w, b []float64, n, m, k int) {
	b = b[:m]
	for i := range n {
		row, xr := z[i*m:i*m+m], x[i*k:i*k+k]
		row = row[:len(b)]
		for j, bj := range b {
			wr := w[j*k : j*k+k]
			wr = wr[:len(xr)]
			var s float64
			for l, v := range xr {
				s += v * wr[l]
			}
			row[j] = s + bj
		}
	}
}

// outer sets c (len(a)×len(b)) = a·bᵀ, or with add adds it to c, as small computes it.
func outer(a, b []float64, add bool, c []float64) {
	n := len(b)
	for i, v := range a {
		row := c[i*n : i*n+n]
		row = row[:len(b)]
		for j, w := range b {
			var s float64
			s += v * w
			row[j] = plus(s, row, j, add)
		}
	}
}

// plus returns s + row[j] with add, else s: a sum's last step in small.
func plus(s float64, row []float64, j int, add bool) float64 {
	if add {
		s += row[j]
	}
	return s
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
