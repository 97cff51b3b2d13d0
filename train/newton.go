package train

import (
	"context"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/floats"

	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
)

// DefaultCGIterations is NewtonConfig.CGIterations when zero.
const DefaultCGIterations = 50

// NewtonConfig describes a truncated-Newton (Newton–CG) run: full-batch steps A += α·p with p
// an approximate solution of (H + λI) p = −∇K by conjugate gradients, each CG iteration one
// Hessian-vector product. Its zero value is runnable.
type NewtonConfig struct {
	// Engine is the registry name of an engine with gradients.HessianVector; "" means
	// DefaultEngine.
	Engine string
	// Iterations is the number of Newton steps; 0 means 1.
	Iterations int
	// CGIterations bounds the conjugate-gradient iterations (H·v products) per step; 0 means
	// DefaultCGIterations.
	CGIterations int
	// Damping is the initial λ of the Levenberg–Marquardt term λI; it is then adapted from
	// how well the quadratic model predicted the decrease of K (×3/2 below ¼, ×2/3 above ¾).
	// 0 means 1.
	Damping float64
	// Cost is the convention costs are reported in (the step does not depend on it).
	Cost Cost
	// Seed seeds the initial parameters unless Init is given.
	Seed uint64
	// Init holds the initial parameters; nil means net.Init(nil, Seed). It is not modified.
	Init []float64
	// OnEpoch, if not nil, is called after the initial evaluation and after every step.
	OnEpoch func(Epoch)
}

// NewtonResult is a finished Newton–CG run: the Result (one Epoch per Newton step, BatchSize
// the training set, Eta 0) and what each step did.
type NewtonResult struct {
	*Result
	// Products counts the Hessian-vector products of each step; Damping is λ after it and
	// StepLength the line search's α.
	Products   []int     `json:"hv_products"`
	Damping    []float64 `json:"damping"`
	StepLength []float64 `json:"step_length"`
}

// newton is the state of a Newton–CG run.
type newton struct {
	net        *nn.Network
	eng        gradients.Engine
	hv         gradients.HessianVector
	ev         *nn.Evaluator
	b          nn.Batch
	A, g, p, r []float64
	d, hd, try []float64
	lambda     float64
	maxCG      int
}

// Newton trains net on trainSet by truncated Newton with the configured engine's
// Hessian-vector products, evaluating on testSet after every step. Each step solves
// (H + λI) p = −∇K by conjugate gradients (stopping at CGIterations, a relative residual of
// min(½, √‖∇K‖), or a direction of non-positive curvature), then halves α from 1 until
// K(A + α p) ≤ K(A) + 10⁻⁴ α ∇Kᵀp (Armijo), and adapts λ. It returns an error for a bad
// configuration, an engine without HessianVector (wrapping gradients.ErrUnsupported) or an
// engine error.
func Newton(ctx context.Context, net *nn.Network, trainSet, testSet data.Set, cfg NewtonConfig) (*NewtonResult, error) {
	if cfg.Engine == "" {
		cfg.Engine = DefaultEngine
	}
	if cfg.Iterations == 0 {
		cfg.Iterations = 1
	}
	if cfg.CGIterations == 0 {
		cfg.CGIterations = DefaultCGIterations
	}
	if cfg.Damping == 0 {
		cfg.Damping = 1
	}
	switch {
	case cfg.Iterations < 0 || cfg.CGIterations < 0:
		return nil, fmt.Errorf("train: Newton–CG with %d iterations of %d CG steps", cfg.Iterations, cfg.CGIterations)
	case !(cfg.Damping > 0) || math.IsInf(cfg.Damping, 0):
		return nil, fmt.Errorf("train: Newton–CG damping λ = %v; want a finite λ > 0", cfg.Damping)
	}
	for _, s := range []data.Set{trainSet, testSet} {
		if err := s.Fits(net); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		if err := net.CheckBatch(s.Batch); err != nil {
			return nil, fmt.Errorf("train: set %s: %w", s.Name, err)
		}
	}
	eng, err := gradients.New(cfg.Engine, net)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := gradients.HvCapable(eng); err != nil {
		return nil, fmt.Errorf("train: Newton–CG: engine %s: %w", cfg.Engine, err)
	}
	hv := eng.(gradients.HessianVector)
	n := net.NumParams()
	t := &newton{net: net, eng: eng, hv: hv, ev: nn.NewEvaluator(net), b: trainSet.Batch, lambda: cfg.Damping, maxCG: cfg.CGIterations}
	for _, s := range []*[]float64{&t.A, &t.g, &t.p, &t.r, &t.d, &t.hd, &t.try} {
		*s = make([]float64, n)
	}
	if cfg.Init != nil {
		if err := net.CheckParams(cfg.Init); err != nil {
			return nil, fmt.Errorf("train: initial parameters: %w", err)
		}
		copy(t.A, cfg.Init)
	} else {
		net.Init(t.A, cfg.Seed)
	}
	res := &NewtonResult{Result: &Result{Net: net.String(), Engine: "newton-cg:" + cfg.Engine, TrainSet: trainSet.Name,
		TestSet: testSet.Name, TrainSize: trainSet.Len(), TestSize: testSet.Len(), BatchSize: trainSet.Len(),
		Cost: cfg.Cost.String(), Seed: cfg.Seed, Params: t.A}}
	sgd := &SGD{net: net, cfg: Config{Cost: cfg.Cost}, A: t.A, trainSet: trainSet} // for evaluate
	res.Initial = sgd.evaluate(t.ev, testSet, 0)
	if cfg.OnEpoch != nil {
		cfg.OnEpoch(res.Initial)
	}
	for it := 1; it <= cfg.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		start := time.Now()
		products, alpha, err := t.step()
		if err != nil {
			return res, fmt.Errorf("train: Newton step %d: %w", it, err)
		}
		e := sgd.evaluate(t.ev, testSet, it)
		e.Seconds, e.CPUSeconds = time.Since(start).Seconds(), -1
		res.Epochs = append(res.Epochs, e)
		res.Products = append(res.Products, products)
		res.Damping = append(res.Damping, t.lambda)
		res.StepLength = append(res.StepLength, alpha)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(e)
		}
	}
	return res, nil
}

// step takes one Newton–CG step and returns the H·v products it used and the step length.
func (t *newton) step() (int, float64, error) {
	_, k, err := t.eng.Gradient(t.g, t.A, t.b)
	if err != nil {
		return 0, 0, err
	}
	products, model, err := t.cg()
	if err != nil {
		return products, 0, err
	}
	slope := floats.Dot(t.g, t.p)
	if !(slope < 0) { // no descent direction from CG: fall back to steepest descent
		for i, x := range t.g {
			t.p[i] = -x
		}
		slope, model = -floats.Dot(t.g, t.g), math.NaN()
	}
	alpha := 1.0
	for range 40 {
		floats.AddScaledTo(t.try, t.A, alpha, t.p)
		kt := t.ev.Cost(t.try, t.b)
		if alpha == 1 && model < 0 { // Levenberg–Marquardt: actual over predicted decrease
			switch rho := (kt - k) / model; {
			case rho < 0.25:
				t.lambda *= 1.5
			case rho > 0.75:
				t.lambda *= 2.0 / 3
			}
		}
		if kt <= k+1e-4*alpha*slope {
			copy(t.A, t.try)
			return products, alpha, nil
		}
		alpha /= 2
	}
	return products, 0, nil // no decrease found: A unchanged
}

// cg solves (H + λI) p = −g approximately by conjugate gradients from p = 0 and returns the
// number of H·v products and the quadratic model's value gᵀp + ½ pᵀ(H + λI)p at p.
func (t *newton) cg() (int, float64, error) {
	clear(t.p)
	for i, x := range t.g {
		t.r[i] = -x // residual −g − (H + λI)p
	}
	copy(t.d, t.r)
	rr := floats.Dot(t.r, t.r)
	gnorm := math.Sqrt(rr)
	tol := min(0.5, math.Sqrt(gnorm)) * gnorm
	k := 0
	for ; k < t.maxCG && math.Sqrt(rr) > tol; k++ {
		if _, _, err := t.hv.Hv(t.hd, t.A, t.d, t.b); err != nil {
			return k, 0, err
		}
		floats.AddScaled(t.hd, t.lambda, t.d)
		dHd := floats.Dot(t.d, t.hd)
		if !(dHd > 0) { // non-positive curvature: stop with what we have
			break
		}
		a := rr / dHd
		floats.AddScaled(t.p, a, t.d)
		floats.AddScaled(t.r, -a, t.hd)
		next := floats.Dot(t.r, t.r)
		floats.AddScaledTo(t.d, t.r, next/rr, t.d)
		rr = next
	}
	// With (H + λI)p = −g − r: q(p) = gᵀp + ½pᵀ(H + λI)p = ½(gᵀp − rᵀp).
	return k, 0.5 * (floats.Dot(t.g, t.p) - floats.Dot(t.r, t.p)), nil
}
