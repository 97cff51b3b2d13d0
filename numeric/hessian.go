package numeric

import (
	"fmt"

	"nabla/gradients"
	"nabla/nn"
)

// DefaultHvStep is the real step h of Complex.Hv's central difference along the direction
// (scaled to max |vᵢ| = 1): its truncation error h²·|∇³K[u,u]|/6 and its rounding error
// ε·|∇K|/h, with the complex-step gradient accurate to rounding, balance near
// h = (3ε)^(1/3) ≈ 1e-5 for costs and third derivatives of order one.
const DefaultHvStep = 1e-5

// HvComplexTolerance is numeric-complex's H·v tolerance (gradients.Info.HvTolerance): the
// central difference along v of the complex-step gradient has truncation ≈ 1e-10·|∇³K[u,u]|
// and rounding ≈ 1e-11·|∇K|; against the exact engines it stayed within 1.7e-8 relative on
// the 40 random sigmoid/tanh networks of verify's TestHvEnginesAgree, and the margin of about
// 6 covers larger third derivatives.
const HvComplexTolerance = 1e-7

var _ gradients.HessianVector = (*Complex)(nil)

// Hv writes an approximation of the Hessian-vector product H(A)·v on the batch into dst
// (allocated if nil; otherwise it must have length NumParams, or Hv panics) and returns it
// with K(A). It is a central difference along v of Complex's own gradient:
//
//	H·v ≈ m · (∇K(A + h·u) − ∇K(A − h·u)) / 2h,   u = v/m, m = max |vᵢ|, h = DefaultHvStep,
//
// with each ∇K by the complex step (Gradient): 2n + 1 complex evaluations of K, no other
// engine's derivative. The complex-step gradients carry no cancellation, so the error is the
// central difference's alone: about h²·|∇³K[u,u]|/6 + ε·|∇K|/h (see HvComplexTolerance).
// After the first call on a batch size Hv allocates nothing.
func (c *Complex) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	n := c.net.NumParams()
	dst = gradients.CheckDst("numeric", dst, n)
	if err := c.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	if err := gradients.CheckDirection("numeric", c.net, v); err != nil {
		return nil, 0, err
	}
	var m float64
	for _, x := range v {
		m = max(m, x, -x)
	}
	if len(c.hv.at) != n {
		c.hv.at, c.hv.minus = make([]float64, n), make([]float64, n)
	}
	k := c.begin(A, b)
	if m == 0 {
		clear(dst)
		return dst, k, nil
	}
	h := DefaultHvStep
	for i, x := range A {
		c.hv.at[i] = x + h*v[i]/m
	}
	c.gradientAt(dst, c.hv.at, b)
	for i, x := range A {
		c.hv.at[i] = x - h*v[i]/m
	}
	c.gradientAt(c.hv.minus, c.hv.at, b)
	for i, g := range c.hv.minus {
		dst[i] = m * (dst[i] - g) / (2 * h)
	}
	return dst, k, nil
}

// hvBufs holds Hv's shifted parameters and second gradient.
type hvBufs struct{ at, minus []float64 }

// gradientAt is Gradient on checked input.
func (c *Complex) gradientAt(dst, A []float64, b nn.Batch) {
	c.begin(A, b)
	c.dst = dst
	c.pool.Run(len(c.workers), c)
	c.dst = nil
}
