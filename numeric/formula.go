package numeric

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/diff/fd"
)

// Formulas for the first derivative, as data: gonum's fd.Formula, whose Stencil points at
// locations Loc (in units of the step h) with weights Coeff give
//
//	∂K/∂Aⱼ ≈ (1/h) Σᵢ Coeffᵢ · K(A + Locᵢ·h·eⱼ),
//
// and whose Step is the default h in float64.
var (
	// Forward is (K(A+h·eⱼ) − K(A))/h, the formula of the lecture notes: first order, error
	// O(h), default step 2e-8 ≈ √ε.
	Forward = fd.Forward
	// Backward is (K(A) − K(A−h·eⱼ))/h: first order, default step 2e-8.
	Backward = fd.Backward
	// Central is (K(A+h·eⱼ) − K(A−h·eⱼ))/(2h): second order, error O(h²), default step
	// 6e-6 ≈ ε^(1/3).
	Central = fd.Central
	// Central5 is the five-point central formula
	// (K(A−2h) − 8K(A−h) + 8K(A+h) − K(A+2h))/(12h): fourth order, error O(h⁴), default step
	// 1e-3 ≈ ε^(1/5).
	Central5 = fd.Formula{
		Stencil:    []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12}, {Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12}},
		Derivative: 1,
		Step:       1e-3,
	}
)

// ErrFormula reports a difference formula that does not approximate a first derivative: no
// stencil, a derivative order other than 1, non-finite or repeated locations, weights that
// do not sum to 0 or whose first moment Σ Coeff·Loc is not 1, or a step that is not positive.
var ErrFormula = errors.New("numeric: bad formula")

// namedFormulas are the formulas known by name, for engine names and reports.
var namedFormulas = []struct {
	name string
	f    fd.Formula
}{
	{"forward", Forward},
	{"backward", Backward},
	{"central", Central},
	{"central5", Central5},
}

// FormulaName returns "forward", "backward", "central" or "central5" when the formula's
// stencil is one of those formulas' (whatever its Step), and "" otherwise.
func FormulaName(f fd.Formula) string {
	for _, nf := range namedFormulas {
		if slices.Equal(nf.f.Stencil, f.Stencil) {
			return nf.name
		}
	}
	return ""
}

// checkFormula returns an error wrapping ErrFormula if f does not approximate a first
// derivative. A zero Step is allowed when step (the explicit setting) is positive.
func checkFormula(f fd.Formula, step float64) error {
	switch {
	case len(f.Stencil) == 0:
		return fmt.Errorf("%w: empty stencil", ErrFormula)
	case f.Derivative != 1:
		return fmt.Errorf("%w: derivative order %d, want 1", ErrFormula, f.Derivative)
	case math.IsNaN(step) || math.IsInf(step, 0) || step < 0:
		return fmt.Errorf("%w: step %v is not a positive number", ErrFormula, step)
	case step == 0 && !(f.Step > 0 && !math.IsInf(f.Step, 0)):
		return fmt.Errorf("%w: default step %v is not positive and no step is set", ErrFormula, f.Step)
	}
	var m0, m1, scale float64
	for i, p := range f.Stencil {
		if math.IsNaN(p.Loc) || math.IsInf(p.Loc, 0) || math.IsNaN(p.Coeff) || math.IsInf(p.Coeff, 0) {
			return fmt.Errorf("%w: point %d (%v, %v) is not finite", ErrFormula, i+1, p.Loc, p.Coeff)
		}
		for _, q := range f.Stencil[:i] {
			if q.Loc == p.Loc {
				return fmt.Errorf("%w: location %v appears twice", ErrFormula, p.Loc)
			}
		}
		m0 += p.Coeff
		m1 += p.Coeff * p.Loc
		scale += math.Abs(p.Coeff) * max(1, math.Abs(p.Loc))
	}
	if math.Abs(m0) > 1e-12*scale || math.Abs(m1-1) > 1e-12*scale {
		return fmt.Errorf("%w: Σ Coeff = %v and Σ Coeff·Loc = %v, want 0 and 1", ErrFormula, m0, m1)
	}
	return nil
}

// errorPowers returns the first m powers p of h in the formula's error expansion
// D(h) − K' = Σ_p C_p h^p: the powers k−1 of the nonvanishing moments μ_k = Σ Coeff·Loc^k,
// k ≥ 2 (Taylor: D(h) = Σ_k μ_k h^(k−1) K^(k)/k!). Central differences give 2, 4, 6, …;
// forward differences 1, 2, 3, … .
func errorPowers(f fd.Formula, m int) []int {
	var pows []int
	var scale float64
	for _, p := range f.Stencil {
		scale = max(scale, math.Abs(p.Coeff))
	}
	for k := 2; len(pows) < m && k < 64; k++ {
		var mu, mag float64
		for _, p := range f.Stencil {
			t := p.Coeff * math.Pow(p.Loc, float64(k))
			mu += t
			mag += math.Abs(t)
		}
		if math.Abs(mu) > 1e-10*mag {
			pows = append(pows, k-1)
		}
	}
	return pows
}

// Order returns the order of accuracy of a first-derivative formula: the smallest power of h
// in its error (1 for Forward and Backward, 2 for Central, 4 for Central5).
func Order(f fd.Formula) int {
	if p := errorPowers(f, 1); len(p) > 0 {
		return p[0]
	}
	return 0
}
