package backprop

import (
	"fmt"
	"math"

	"nabla/gradients"
	"nabla/internal/vmath"
	"nabla/nn"
)

// outputFunc adds one training pair's cost term to k and writes ∂K/∂z of that pair into dz
// (the same length as z and z̄); it returns the new sum.
type outputFunc func(k float64, z, zbar, dz []float64) float64

// rOutputFunc writes R{∂K/∂z} of one training pair into dst, the R-operator applied to the
// cost's derivative given the output's Rz (see hessian.go).
type rOutputFunc func(dst, z, zbar, rz []float64)

// outputFor is backprop's one switch over cost kinds: the cost of one pair, its derivative
// with respect to the network's output z, and the R-operator of that derivative (for H·v),
// written out by hand. Unknown kinds are an error wrapping gradients.ErrUnsupported.
func outputFor(c nn.CostKind) (outputFunc, rOutputFunc, error) {
	switch c {
	case nn.Quadratic:
		return quadratic, rQuadratic, nil
	case nn.CrossEntropy:
		return crossEntropy, rCrossEntropy, nil
	default:
		return nil, nil, fmt.Errorf("backprop: %w: cost %v", gradients.ErrUnsupported, c)
	}
}

// rQuadratic is R{2(z − z̄)} = 2 Rz.
func rQuadratic(dst, _, _, rz []float64) {
	for j, x := range rz {
		dst[j] = 2 * x
	}
}

// rCrossEntropy is R{p·Σz̄ − z̄} = Σz̄ · R{p} with R{p} = p ⊙ Rz − p (pᵀRz), the softmax's
// Jacobian diag(p) − ppᵀ applied to Rz.
func rCrossEntropy(dst, z, zbar, rz []float64) {
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	var s, t float64
	for j, v := range z {
		dst[j] = math.Exp(v - m)
		s += dst[j]
		t += zbar[j]
	}
	var prz float64
	for j := range dst {
		dst[j] /= s
		prz += dst[j] * rz[j]
	}
	for j, p := range dst {
		dst[j] = t * p * (rz[j] - prz)
	}
}

// quadratic is K = ‖z − z̄‖² with ∂K/∂zₖ = 2(zₖ − z̄ₖ), the notes' [1].
func quadratic(k float64, z, zbar, dz []float64) float64 {
	for j, v := range z {
		r := v - zbar[j]
		k += r * r
		dz[j] = 2 * r
	}
	return k
}

// crossEntropy is K = −Σₖ z̄ₖ log pₖ with p = softmax(z), written as Σₖ z̄ₖ (LSE(z) − zₖ).
// Since ∂LSE/∂zₖ = pₖ,
//
//	∂K/∂zₖ = pₖ·Σⱼ z̄ⱼ − z̄ₖ,
//
// which is p − z̄ for a target that sums to one (a one-hot label). The log-sum-exp is shifted
// by m = max z, pₖ = exp(zₖ − m)/s with s = Σ exp(zⱼ − m), so nothing overflows; the
// exponentials (internal/vmath's, the row at once, as nn.LogSumExp's) are kept in dz between
// the two loops.
func crossEntropy(k float64, z, zbar, dz []float64) float64 {
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	for j, v := range z {
		dz[j] = v - m
	}
	vmath.Exp(dz, dz)
	var s, t float64
	for j, e := range dz {
		s += e
		t += zbar[j]
	}
	lse := m + math.Log(s)
	for j, v := range z {
		if zbar[j] != 0 {
			k += zbar[j] * (lse - v)
		}
		dz[j] = dz[j]/s*t - zbar[j]
	}
	return k
}
