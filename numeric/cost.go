package numeric

import (
	"fmt"
	"math"
	"math/cmplx"

	"nabla/gradients"
	"nabla/nn"
)

// costFuncs are numeric's own evaluations of one cost kind in the arithmetic of its own forward
// passes (the float64 engines evaluate K with the reference nn.Evaluator, which knows every
// cost kind). Each adds one training pair's term to a running sum k and returns the sum, so
// that the quadratic cost is summed entry by entry in one running sum as it always was.
type costFuncs struct {
	f32  func(k float32, z, zbar []float32) float32
	c128 func(k complex128, z []complex128, zbar []float64) complex128
	// bic is the bicomplex evaluation of H·v (hessian_bicomplex.go): the pair z₁ + i₂z₂ and
	// the sum k₁ + i₂k₂ as their two parts.
	bic func(k1, k2 complex128, z1, z2 []complex128, zbar []float64) (complex128, complex128)
}

// costsFor is numeric's one switch over cost kinds. Unknown kinds are an error wrapping
// gradients.ErrUnsupported.
func costsFor(c nn.CostKind) (costFuncs, error) {
	switch c {
	case nn.Quadratic:
		return costFuncs{f32: quadratic32, c128: quadraticComplex, bic: quadraticBic}, nil
	case nn.CrossEntropy:
		return costFuncs{f32: crossEntropy32, c128: crossEntropyComplex, bic: crossEntropyBic}, nil
	default:
		return costFuncs{}, fmt.Errorf("%w: numeric: cost %v", gradients.ErrUnsupported, c)
	}
}

// quadratic32 adds ‖z − z̄‖² in float32.
func quadratic32(k float32, z, zbar []float32) float32 {
	for i, v := range z {
		r := v - zbar[i]
		k += r * r
	}
	return k
}

// crossEntropy32 adds Σₖ z̄ₖ (LSE(z) − zₖ) in float32, with LSE(z) = m + log Σ exp(zₖ − m),
// m = max z; exp and log are evaluated in float64 and rounded, like the activations.
func crossEntropy32(k float32, z, zbar []float32) float32 {
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	var s float32
	for _, v := range z {
		s += float32(math.Exp(float64(v - m)))
	}
	lse := m + float32(math.Log(float64(s)))
	for i, v := range z {
		k += zbar[i] * (lse - v)
	}
	return k
}

// quadraticComplex adds Σ (z − z̄)² without conjugation, so that it stays analytic.
func quadraticComplex(k complex128, z []complex128, zbar []float64) complex128 {
	for i, v := range z {
		r := v - complex(zbar[i], 0)
		k += r * r
	}
	return k
}

// crossEntropyComplex adds Σₖ z̄ₖ (LSE(z) − zₖ) with the analytic continuation of the
// log-sum-exp: LSE(z) = m + log Σₖ exp(zₖ − m), shifted by the largest real part m, with the
// principal complex exp and log. The shifted sum has real part ≥ 1 (its largest term is
// exp(i·y) with |y| tiny), so the log is evaluated far from its branch cut, and its imaginary
// part is carried without cancellation: Im LSE = arg Σ exp(zₖ − m) = Σ pₖ·Im zₖ + O(h³).
func crossEntropyComplex(k complex128, z []complex128, zbar []float64) complex128 {
	m := real(z[0])
	for _, v := range z[1:] {
		m = max(m, real(v))
	}
	var s complex128
	for _, v := range z {
		s += cmplx.Exp(v - complex(m, 0))
	}
	lse := complex(m, 0) + cmplx.Log(s)
	for i, v := range z {
		k += complex(zbar[i], 0) * (lse - v)
	}
	return k
}
