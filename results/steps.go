package results

import "nabla/nn"

// Step range of the sweep for the difference formulas: h from MaxStep down to MinStep.
const (
	MaxStep = 1e-1
	MinStep = 1e-16
)

// StepPoint is one step of one curve.
type StepPoint struct {
	H      float64 `json:"h"`
	Value  float64 `json:"value"`   // the estimate of ∂K/∂Aⱼ at the chosen parameter
	RelErr float64 `json:"rel_err"` // |Value − exact|/|exact|
	// Median and Max are the median and largest relative error over the sample; SignFlips
	// counts the sampled parameters whose estimate does not have the exact derivative's sign
	// (an estimate of exactly 0 counts).
	Median    float64 `json:"median_rel_err"`
	Max       float64 `json:"max_rel_err"`
	SignFlips int     `json:"sign_flips"`
}

// StepCurve is the sweep of one method in one precision.
type StepCurve struct {
	Method    string `json:"method"`    // "forward", "backward", "central", "central5", "richardson", "complex"
	Precision string `json:"precision"` // "float64" or "float32"
	// Order is the power of h of the truncation error (1 forward, 2 central, 4 five-point, 8
	// Richardson with 4 levels, 2 complex step).
	Order int `json:"order"`
	// Theory is the step that balances truncation and rounding for a formula of order p,
	// ε^(1/(p+1)) (√ε for forward differences, ε^(1/3) for central ones); 0 where the
	// balance does not apply (Richardson, whose steps are h…h/8; the complex step, which has
	// no rounding term).
	Theory float64 `json:"theory_step"`
	// Scaled is the same balance with the network's own scales instead of 1: per sampled
	// parameter, h* = 2√(ε|K|/|K''|) for forward and backward differences, (3ε|K|/|K'''|)^(1/3)
	// for central ones and (11.25·ε|K|/|K⁽⁵⁾|)^(1/5) for the five-point formula (truncation
	// and a rounding error of ε|K| per evaluation of K balanced), with the derivatives of K
	// along the parameter from differences of complex-step derivatives; the median over the
	// sample, clamped to [MinStep, 1]. 0 where Theory is 0. ScaledRatio is Best/Scaled.
	Scaled      float64 `json:"scaled_theory_step"`
	ScaledRatio float64 `json:"best_over_scaled"`
	// Best is the measured optimal step: the h of the smallest median relative error over the
	// sample; BestErr that error. Ratio is Best/Theory (0 without Theory).
	Best    float64 `json:"best_step"`
	BestErr float64 `json:"best_median_rel_err"`
	Ratio   float64 `json:"best_over_theory"`
	// Flat is the largest h whose median error is within a factor 2 of BestErr: every step
	// from Flat down is as good (for the complex step, down to MinComplexStep); for the
	// difference formulas the error grows again below Best.
	Flat float64 `json:"flat_step"`
	// Recommended is the step to use, measured: Best for the difference formulas, for the
	// complex step Flat/1e4 (deep inside the flat region).
	Recommended float64 `json:"recommended_step"`
	// FirstFlip is the largest h at which some sampled parameter's estimate has the wrong
	// sign (0 if none does): where the values start to look random.
	FirstFlip float64     `json:"first_sign_flip_step"`
	Points    []StepPoint `json:"points"`
}

// StepSweep is the result of Steps.
type StepSweep struct {
	Net string `json:"net"`
	// Cost is the cost kind K was measured with (absent in sweeps recorded before it was
	// recorded: the quadratic cost).
	Cost   nn.CostKind `json:"cost"`
	Params int         `json:"params"`
	Batch  int         `json:"batch"`
	Seed   uint64      `json:"seed"`
	K      float64     `json:"K"`
	// Param and Index name the chosen parameter; Exact is ∂K/∂Aⱼ there from ExactEngine.
	Param       string  `json:"param"`
	Index       int     `json:"index"`
	Exact       float64 `json:"exact"`
	ExactEngine string  `json:"exact_engine"`
	// ComplexCheck is the largest relative difference over the sample between ExactEngine
	// and the complex step at h = 1e-20: an independent check of the exact values.
	ComplexCheck float64     `json:"complex_check"`
	Sample       []string    `json:"sample"` // the sampled parameters' names
	Curves       []StepCurve `json:"curves"`
}

// Curve returns the curve of a method and precision, or nil.
func (s *StepSweep) Curve(method, precision string) *StepCurve {
	for i := range s.Curves {
		if s.Curves[i].Method == method && s.Curves[i].Precision == precision {
			return &s.Curves[i]
		}
	}
	return nil
}
