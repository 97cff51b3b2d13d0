package numeric

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"

	"nabla/gradients"
	"nabla/nn"
)

// Settings configure an Engine. The zero value is central differences with their default
// step in float64.
type Settings struct {
	// Formula is the difference formula for a first derivative (Forward, Backward, Central,
	// Central5, or any fd.Formula with Derivative 1). The zero value means Central.
	Formula fd.Formula
	// Step is the step h: the formula's stencil points lie at Aⱼ + Loc·h. Zero means the
	// formula's default Step.
	Step float64
}

// Engine computes ∇K by finite differences: it perturbs one parameter at a time in a private
// copy of A and evaluates K with the reference forward pass (nn.Evaluator). It never modifies
// A or the batch, allocates nothing after its first call on a batch size, and is not safe for
// concurrent use.
type Engine struct {
	name    string
	net     *nn.Network
	formula fd.Formula
	step    float64
	points  int // stencil points away from the origin
	origin  bool
	eval    coster
}

var (
	_ gradients.Engine      = (*Engine)(nil)
	_ gradients.CostCounter = (*Engine)(nil)
	_ gradients.Directional = (*Engine)(nil)
)

// New prepares a finite-difference engine for the network. s may be nil, meaning the zero
// Settings. It returns an error wrapping ErrFormula for a formula that does not approximate a
// first derivative or a step that is negative or not finite, and one wrapping
// gradients.ErrUnsupported for layers other than nn.Dense.
func New(net *nn.Network, s *Settings) (*Engine, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	if set.Formula.Stencil == nil && set.Formula.Derivative == 0 && set.Formula.Step == 0 {
		set.Formula = Central
	}
	if err := checkFormula(set.Formula, set.Step); err != nil {
		return nil, err
	}
	for l, layer := range net.Layers {
		if _, ok := layer.(*nn.Dense); !ok {
			return nil, fmt.Errorf("%w: numeric: layer %d is %T", gradients.ErrUnsupported, l+1, layer)
		}
	}
	e := &Engine{net: net, formula: set.Formula, step: set.Step}
	if e.step == 0 {
		e.step = set.Formula.Step
	}
	for _, p := range set.Formula.Stencil {
		if p.Loc == 0 {
			e.origin = true
		} else {
			e.points++
		}
	}
	e.name = "numeric"
	if fn := FormulaName(set.Formula); fn != "" {
		e.name += "-" + fn
	}
	e.eval = newEval64(net)
	return e, nil
}

// Name returns "numeric-" followed by the formula's name ("numeric-central"), or "numeric"
// for a formula FormulaName does not know.
func (e *Engine) Name() string { return e.name }

// Step returns the step h the engine uses.
func (e *Engine) Step() float64 { return e.step }

// Formula returns the engine's difference formula.
func (e *Engine) Formula() fd.Formula { return e.formula }

// CostEvaluations returns the number of evaluations of K one Gradient call makes: one at A,
// which Gradient returns and stencil points at the origin reuse, plus one per stencil point
// away from the origin for each of the n parameters: n+1 for Forward and Backward, 2n+1 for
// Central (the 2n of the textbook count plus K(A) itself), 4n+1 for Central5.
func (e *Engine) CostEvaluations() int { return 1 + e.points*e.net.NumParams() }

// Gradient writes the finite-difference approximation of ∇K(A) on the batch into dst (allocated
// if nil; otherwise it must have length NumParams, or Gradient panics) and returns it with
// K(A). A and the batch are validated with nn.Network.Check first.
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("numeric", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("numeric: %w", err)
	}
	e.eval.begin(A, b)
	k0 := e.eval.cost()
	for j := range dst {
		dst[j] = e.partial(j, k0)
	}
	return dst, k0, nil
}

// Partial returns the finite-difference approximation of the single partial derivative
// ∂K/∂Aⱼ at A on the batch, with 1 + (stencil points away from the origin) evaluations of K.
// It returns an error for invalid A or batch and for j out of range.
func (e *Engine) Partial(A []float64, b nn.Batch, j int) (float64, error) {
	if err := e.net.Check(A, b); err != nil {
		return 0, fmt.Errorf("numeric: %w", err)
	}
	if j < 0 || j >= len(A) {
		return 0, fmt.Errorf("numeric: %w: parameter index %d out of range [0,%d)", nn.ErrShape, j, len(A))
	}
	e.eval.begin(A, b)
	k0 := math.NaN()
	if e.origin {
		k0 = e.eval.cost()
	}
	return e.partial(j, k0), nil
}

// partial applies the stencil to parameter j; k0 is K at the unperturbed copy.
func (e *Engine) partial(j int, k0 float64) float64 {
	h := e.step
	var s float64
	for _, p := range e.formula.Stencil {
		if p.Loc == 0 {
			s += p.Coeff * k0
			continue
		}
		e.eval.shift(j, p.Loc*h)
		s += p.Coeff * e.eval.cost()
	}
	e.eval.restore(j)
	return s / h
}

// Directional returns K(A) and the finite-difference approximation of the directional
// derivative ∇K(A)·v, applying the formula along v: with t = h/max|vᵢ|, so that no parameter
// moves by more than h, ∇K·v ≈ (1/t) Σᵢ Coeffᵢ K(A + Locᵢ·t·v). It costs 1 + (stencil points
// away from the origin) evaluations of K: 2 for Forward, 3 for Central, whatever the number
// of parameters. v must have length NumParams and be finite.
func (e *Engine) Directional(A, v []float64, b nn.Batch) (k, dk float64, err error) {
	if err := e.net.Check(A, b); err != nil {
		return 0, 0, fmt.Errorf("numeric: %w", err)
	}
	vmax, err := checkDirection(v, len(A))
	if err != nil {
		return 0, 0, err
	}
	e.eval.begin(A, b)
	k0 := e.eval.cost()
	if vmax == 0 {
		return k0, 0, nil
	}
	t := e.step / vmax
	var s float64
	for _, p := range e.formula.Stencil {
		if p.Loc == 0 {
			s += p.Coeff * k0
			continue
		}
		e.eval.along(p.Loc*t, v)
		s += p.Coeff * e.eval.cost()
	}
	e.eval.restoreAll()
	return k0, s / t, nil
}

// checkDirection validates a direction and returns max|vᵢ|.
func checkDirection(v []float64, n int) (float64, error) {
	if len(v) != n {
		return 0, fmt.Errorf("numeric: %w: direction v has length %d, want %d", nn.ErrShape, len(v), n)
	}
	var vmax float64
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("numeric: %w: direction v[%d] = %v", nn.ErrNonFinite, i, x)
		}
		vmax = max(vmax, math.Abs(x))
	}
	return vmax, nil
}
