package numeric

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/cblas128"

	"nabla/gradients"
	"nabla/nn"
)

// numeric computes H·v two ways, each from a gradient of its own that is exact to rounding
// (the complex step; numeric imports no other engine):
//
//   - numeric-central (Engine.Hv): central differences along v of the complex-step gradient,
//     (∇K(A + h·u) − ∇K(A − h·u))/2h · m with u = v/m, m = max |vᵢ|, h = DefaultHvStep;
//   - numeric-complex (Complex.Hv): the complex step along v through the complex-step
//     gradient, in bicomplex arithmetic (hessian_bicomplex.go).
//
// Each states the expected error of every element of its last product (HvErrorBounds), the
// way the first-order difference engines do, so that the cross-check judges each element by
// it.

// DefaultHvStep is the step h of numeric-central's difference along the direction (scaled
// to max |vᵢ| = 1): its truncation error h²·|∇³K[u,u]|/6 and its rounding error
// ε·|∇K|/h, with a gradient accurate to rounding, balance near h = (3ε)^(1/3) ≈ 1e-5 for
// costs and third derivatives of order one.
const DefaultHvStep = 1e-5

var (
	_ gradients.HessianVector  = (*Engine)(nil)
	_ gradients.HvChecker      = (*Engine)(nil)
	_ gradients.HvErrorBounder = (*Engine)(nil)
	_ gradients.HessianVector  = (*Complex)(nil)
	_ gradients.HvErrorBounder = (*Complex)(nil)
)

// centralHv holds numeric-central's H·v buffers: numeric's own complex-step engine, whose
// gradients it differences, the shifted parameters, the gradients at A ± h·u and A ± 2h·u,
// and the error estimates.
type centralHv struct {
	c       *Complex
	at      []float64
	g       [4][]float64
	bound   []float64
	crossed []bool
}

// CheckHv returns an error wrapping gradients.ErrUnsupported unless the engine is
// numeric-central in float64 (central differences without Richardson extrapolation): H·v by
// differences of a gradient is that engine's, whatever the step of its first-order quotients.
func (e *Engine) CheckHv() error {
	if FormulaName(e.formula) != "central" || e.levels > 1 || e.prec != Float64 {
		return fmt.Errorf("%s: %w: H·v by differences is numeric-central's", e.name, gradients.ErrUnsupported)
	}
	return nil
}

// Hv writes an approximation of the Hessian-vector product H(A)·v on the batch into dst
// (allocated if nil; otherwise it must have length NumParams, or Hv panics) and returns it
// with K(A). It is the central difference along v of the complex-step gradient (Complex's
// Gradient, accurate to rounding):
//
//	H·v ≈ m · (∇K(A + h·u) − ∇K(A − h·u)) / 2h,   u = v/m, m = max |vᵢ|, h = DefaultHvStep,
//
// plus the same quotient at 2h for the error estimate: four complex-step gradients, 4(n + 1)
// complex evaluations of K. HvErrorBounds then states, per element, the truncation error
// |D(h) − D(2h)|/3 (D(h) − D(2h) ≈ −3h²·∇³K[u,u]/6 · m for a central difference) plus the
// rounding error m·ε_g/h, with ε_g the rounding bound of an exact gradient element
// (gradients.ExactBound); and, on networks with ReLU, whether the stencil A ± 2h·u crossed a
// kink (then every element is marked). After the first call on a batch size Hv allocates
// nothing. Only numeric-central offers it (CheckHv).
func (e *Engine) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	n := e.net.NumParams()
	dst = gradients.CheckDst("numeric", dst, n)
	if err := e.CheckHv(); err != nil {
		return nil, 0, err
	}
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	if err := gradients.CheckDirection("numeric", e.net, v); err != nil {
		return nil, 0, err
	}
	s, err := e.centralHv()
	if err != nil {
		return nil, 0, err
	}
	w := e.workers[0].eval
	w.begin(A, b)
	k := w.cost()
	m := maxAbs(v)
	clear(s.crossed)
	if m == 0 {
		clear(dst)
		clear(s.bound)
		return dst, k, nil
	}
	h := DefaultHvStep
	for q, f := range [4]float64{1, -1, 2, -2} {
		for i, x := range A {
			s.at[i] = x + f*h*v[i]/m
		}
		s.c.gradientAt(s.g[q], s.at, b)
	}
	for i := range dst {
		d1 := m * (s.g[0][i] - s.g[1][i]) / (2 * h)
		d2 := m * (s.g[2][i] - s.g[3][i]) / (4 * h)
		dst[i] = d1
		s.bound[i] = math.Abs(d1-d2)/3 + m*gradients.ExactBound(k, max(math.Abs(s.g[0][i]), math.Abs(s.g[1][i])))/h
	}
	if e.crossedAlong(w, 2*h/m, v) {
		for i := range s.crossed {
			s.crossed[i] = true
		}
	}
	return dst, k, nil
}

// crossedAlong reports whether K is on another smooth piece at A ± d·v than at A (the
// evaluator begun at A).
func (e *Engine) crossedAlong(w coster, d float64, v []float64) bool {
	crossed := false
	for _, f := range [2]float64{1, -1} {
		w.along(f*d, v)
		w.cost()
		crossed = crossed || w.crossed()
	}
	w.restoreAll()
	return crossed
}

// centralHv returns the engine's H·v buffers, allocating them on the first call.
func (e *Engine) centralHv() (*centralHv, error) {
	if e.hv != nil {
		return e.hv, nil
	}
	c, err := newComplex(e.net, 0, len(e.workers))
	if err != nil {
		return nil, err
	}
	n := e.net.NumParams()
	s := &centralHv{c: c, at: make([]float64, n), bound: make([]float64, n), crossed: make([]bool, n)}
	for q := range s.g {
		s.g[q] = make([]float64, n)
	}
	e.hv = s
	return s, nil
}

// HvErrorBounds returns the expected absolute error of every element of the last Hv call and
// whether its stencil crossed a ReLU kink (see Hv); nil before the first call.
func (e *Engine) HvErrorBounds() (bound []float64, crossed []bool) {
	if e.hv == nil {
		return nil, nil
	}
	return e.hv.bound, e.hv.crossed
}

// maxAbs returns max |vᵢ|.
func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = max(m, x, -x)
	}
	return m
}

// gradientAt is Gradient on checked input.
func (c *Complex) gradientAt(dst, A []float64, b nn.Batch) {
	c.begin(A, b)
	c.dst = dst
	c.pool.Run(len(c.workers), c)
	c.dst = nil
}

// Hv writes the Hessian-vector product H(A)·v on the batch into dst (allocated if nil;
// otherwise it must have length NumParams, or Hv panics) and returns it with K(A). It takes the
// complex step along v through the complex-step gradient: for each parameter j, the i₁i₂ part
// of K(A + i₁h·eⱼ + i₂h·u) in bicomplex arithmetic, times m/h², with u = v/m, m = max |vᵢ| and
// h the engine's step (hessian_bicomplex.go): no difference of nearly equal numbers, a
// truncation error of O(h²) relative (1e-40 at the default step), so the result is accurate
// to rounding. One bicomplex pass along v is shared by the layers below each parameter's, so
// each element costs a bicomplex pass from its layer up (four complex passes). HvErrorBounds
// states the rounding bound of an exact engine's product (gradients.HvExactBounds) per
// element; no stencil moves the real parts, so none crosses a kink. After the first call on a
// batch size Hv allocates nothing.
func (c *Complex) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("numeric", dst, c.net.NumParams())
	if err := c.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	if err := gradients.CheckDirection("numeric", c.net, v); err != nil {
		return nil, 0, err
	}
	k := c.begin(A, b)
	if c.bh == nil {
		c.bh = newBicHv(c)
	}
	s := c.bh
	m := maxAbs(v)
	if m == 0 {
		clear(dst)
		clear(s.bound)
		return dst, k, nil
	}
	s.load(v, c.step/m)
	s.size(c.n)
	s.x = cblas128.General{Rows: c.n, Cols: c.net.Inputs(), Stride: c.net.Inputs(), Data: c.x}
	in1, in2 := s.x, s.zeros
	for l := range c.net.Layers() {
		s.pass(l, in1, in2, &s.base)
		in1, in2 = s.base.one[l].act, s.base.two[l].act
	}
	s.scale = m / (c.step * c.step)
	s.dst = dst
	c.pool.Run(len(c.workers), s)
	s.dst = nil
	gradients.HvExactBounds(s.bound, dst)
	return dst, k, nil
}

// HvErrorBounds returns the expected absolute error of every element of the last Hv call
// (rounding; see Hv) and that no element crossed a kink; nil before the first call.
func (c *Complex) HvErrorBounds() (bound []float64, crossed []bool) {
	if c.bh == nil {
		return nil, nil
	}
	return c.bh.bound, c.bh.crossed
}
