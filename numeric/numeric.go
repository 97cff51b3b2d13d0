package numeric

import (
	"cmp"
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"

	"nabla/gradients"
	"nabla/internal/par"
	"nabla/nn"
)

// Precision is the floating-point type in which an Engine evaluates K.
type Precision int

const (
	// Float64 evaluates K with the reference forward pass of package nn.
	Float64 Precision = iota
	// Float32 evaluates K with numeric's own single-precision forward pass (parameters,
	// data, products and the cost sum in float32), as on a GPU.
	Float32
)

// String returns "float64" or "float32".
func (p Precision) String() string {
	switch p {
	case Float64:
		return "float64"
	case Float32:
		return "float32"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// Epsilon returns the precision's machine epsilon, the gap between 1 and the next number:
// 2⁻⁵² for Float64, 2⁻²³ for Float32.
func (p Precision) Epsilon() float64 {
	if p == Float32 {
		return 0x1p-23
	}
	return 0x1p-52
}

// DefaultRichardsonStep is the first step of Richardson extrapolation when Settings.Step is
// zero: large, because the extrapolation removes the truncation error that a large step
// makes, and a large step keeps the rounding error small.
const DefaultRichardsonStep = 0.1

// Settings configure an Engine. The zero value is central differences with their default
// step in float64, without extrapolation.
type Settings struct {
	// Formula is the difference formula for a first derivative (Forward, Backward, Central,
	// Central5, or any fd.Formula with Derivative 1). The zero value means Central.
	Formula fd.Formula
	// Step is the step h: the formula's stencil points lie at Aⱼ + Loc·h. With Richardson
	// extrapolation it is the first and largest of the steps. Zero means the formula's
	// default Step, scaled for Float32 by (ε₃₂/ε₆₄)^(1/(p+1)) where p is the formula's order
	// (the optimal step of a formula of order p grows like ε^(1/(p+1))), or
	// DefaultRichardsonStep with Richardson extrapolation.
	Step float64
	// Precision is the floating-point type in which K is evaluated. Zero means Float64.
	Precision Precision
	// Richardson is the number of steps h, h/2, …, h/2^(R−1) at which the formula is applied
	// and whose quotients are combined by Richardson extrapolation, each level removing the
	// next power of h from the error (h², h⁴, h⁶ for Central); the engine then also reports
	// an error estimate per parameter (ErrorEstimates). Zero or 1 means no extrapolation.
	Richardson int
	// Threads is the number of workers among which Gradient splits the parameters, each with
	// its own evaluator of K; the result is bit-identical for any number. Zero means the
	// default of package internal/par: all cores, or nabla's --threads.
	Threads int
	// NoErrorBounds turns off the error bounds (ErrorBounds returns nil) and the measurement
	// of the noise of K behind them; false (the zero value) means Gradient computes them.
	// It exists to measure what the bounds cost.
	NoErrorBounds bool
	// KeepStep turns off the retries with smaller steps where a stencil point crosses a ReLU
	// kink (see Engine.Gradient): every quotient uses exactly Step, kink or not, as a
	// step-size sweep needs. False (the zero value) means retry.
	KeepStep bool
}

// MaxRichardson bounds Settings.Richardson.
const MaxRichardson = 12

// Engine computes ∇K by finite differences: it perturbs one parameter at a time in a private
// copy of A and evaluates K with the reference forward pass (nn.Evaluator). It never modifies
// A or the batch, allocates nothing after its first call on a batch size, and is not safe for
// concurrent use. Gradient splits the parameters into contiguous ranges, one per thread
// (Settings.Threads), each worked by its own evaluator; every partial derivative is computed
// by the same operations whichever worker computes it, so the result does not depend on the
// number of threads.
type Engine struct {
	name    string
	net     *nn.Network
	formula fd.Formula
	step    float64
	points  int // stencil points away from the origin
	origin  bool
	prec    Precision
	levels  int       // Richardson levels (1: none)
	retries int       // most kink retries per quotient
	pows    []int     // powers of h removed at each Richardson level
	errs    []float64 // Richardson error estimates per parameter
	bound   []float64 // expected absolute error per parameter of the last Gradient call
	crossed []bool    // whether each parameter's stencil crossed a kink at the steps used
	steps   []float64 // the smallest step of each parameter's stencil in the last Gradient call
	// roundC is the rounding error of a quotient at step 1 per unit of noise of K:
	// RoundingSafety·Σ|Coeff| times the amplification of Richardson's extrapolation.
	roundC float64
	// truncC is the leading truncation error of a single-step quotient at step 1 per unit of
	// max(1, |K|): |Σ Coeff·Loc^(p+1)|/(p+1)! for a formula of order p; 0 with Richardson
	// extrapolation, whose tableau estimates its truncation itself.
	truncC float64
	order  int
	// companion: the stencil has points at ±h and is of order above 2, so the central
	// difference on those two points is a free, less accurate second estimate whose distance
	// bounds the truncation error (Central5).
	companion bool
	noiseV    []float64 // the direction along which Gradient measures the noise of K
	noise     float64   // the noise of K measured by the last Gradient call
	dir       []float64 // the direction of a Directional call
	workers   []*worker // workers[0] also serves Partial and Directional
	pool      *par.Pool
	hv        *centralHv // Hv's buffers (hessian.go), allocated on its first call

	// The arguments of the Gradient call in progress, read by the workers.
	gradDst, gradA []float64
	gradB          nn.Batch
	k0             float64
	// The A and batch of the last Gradient call, for RefineBound; ready says that worker 0
	// still holds them (a Partial or Directional call since then loaded others).
	lastA []float64
	lastB nn.Batch
	ready bool
}

// worker is one thread's share of the engine: its own evaluator, Richardson tableau and kink
// count. Workers write only their own fields and their own range of the gradient.
type worker struct {
	e     *Engine
	eval  coster
	tab   []float64 // Richardson tableau, levels × levels
	low   float64   // the companion central difference of the last quotient (Engine.companion)
	kinks int       // quotients retried for a ReLU kink in the last call
}

var (
	_ gradients.Engine       = (*Engine)(nil)
	_ gradients.CostCounter  = (*Engine)(nil)
	_ gradients.Directional  = (*Engine)(nil)
	_ gradients.ErrorBounder = (*Engine)(nil)
	_ gradients.BoundRefiner = (*Engine)(nil)
)

// New prepares a finite-difference engine for the network. s may be nil, meaning the zero
// Settings. It returns an error wrapping ErrFormula for a formula that does not approximate a
// first derivative, a step that is negative or not finite, an unknown precision or a
// Richardson count outside [0, MaxRichardson], and one wrapping gradients.ErrUnsupported for
// an unknown cost kind or, in Float32 (which has its own forward pass, for dense layers only),
// a layer kind that pass does not handle.
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
	var layers []dense // numeric's own view of the layers, for its float32 pass
	if set.Precision == Float32 {
		var err error
		if layers, err = layersOf(net); err != nil {
			return nil, err
		}
		for l, d := range layers {
			if d.cpass != nil {
				return nil, fmt.Errorf("layer %d: %w", l+1, gradients.Unsupported("numeric (float32)", net.Layer(l)))
			}
		}
	}
	costs, err := costsFor(net.CostKind())
	if err != nil {
		return nil, err
	}
	if set.Precision != Float64 && set.Precision != Float32 {
		return nil, fmt.Errorf("%w: unknown precision %v", ErrFormula, set.Precision)
	}
	if set.Richardson < 0 || set.Richardson > MaxRichardson {
		return nil, fmt.Errorf("%w: Richardson = %d, want 0 to %d", ErrFormula, set.Richardson, MaxRichardson)
	}
	e := &Engine{net: net, formula: set.Formula, step: set.Step, prec: set.Precision, levels: max(1, set.Richardson), retries: MaxKinkRetries}
	if set.KeepStep {
		e.retries = 0
	}
	if e.levels > 1 {
		e.pows = errorPowers(set.Formula, e.levels-1)
		if len(e.pows) < e.levels-1 {
			return nil, fmt.Errorf("%w: no error expansion for Richardson extrapolation", ErrFormula)
		}
		e.errs = make([]float64, net.NumParams())
	}
	switch {
	case e.step != 0:
	case e.levels > 1:
		e.step = DefaultRichardsonStep
	case e.prec == Float32:
		e.step = set.Formula.Step * math.Pow(Float32.Epsilon()/Float64.Epsilon(), 1/float64(Order(set.Formula)+1))
	default:
		e.step = set.Formula.Step
	}
	for _, p := range set.Formula.Stencil {
		if p.Loc == 0 {
			e.origin = true
		} else {
			e.points++
		}
	}
	e.roundC = roundingPerK(set.Formula, e.pows)
	if e.levels == 1 {
		e.order, e.truncC = Order(set.Formula), truncationPerK(set.Formula)
		e.companion = e.order > 2 && hasLoc(set.Formula, 1) && hasLoc(set.Formula, -1)
	}
	if !set.NoErrorBounds {
		e.bound = make([]float64, net.NumParams())
		e.crossed = make([]bool, net.NumParams())
		e.steps = make([]float64, net.NumParams())
		if maxNoiseShare*NoiseEvaluations <= e.points*e.levels*net.NumParams() {
			rng := nn.NewRand(uint64(net.NumParams()))
			e.noiseV = make([]float64, net.NumParams())
			for i := range e.noiseV {
				e.noiseV[i] = 2*rng.Float64() - 1
			}
		}
	}
	e.name = "numeric"
	if fn := FormulaName(set.Formula); fn != "" {
		e.name += "-" + fn
	}
	if e.levels > 1 {
		e.name = "numeric-richardson"
		if fn := FormulaName(set.Formula); fn != "central" {
			e.name += "-" + cmp.Or(fn, "custom")
		}
	}
	if e.prec == Float32 {
		e.name += "-float32"
	}
	threads := min(par.Resolve(set.Threads), max(1, net.NumParams()))
	e.pool = par.NewPool(threads)
	e.workers = make([]*worker, threads)
	for i := range e.workers {
		w := &worker{e: e, tab: make([]float64, e.levels*e.levels)}
		if e.prec == Float32 {
			w.eval = newEval32(net, layers, costs)
		} else {
			w.eval = newEval64(net)
		}
		e.workers[i] = w
	}
	return e, nil
}

// Name returns "numeric-" followed by the formula's name ("numeric-central"), or "numeric"
// for a formula FormulaName does not know; "numeric-richardson" for extrapolated central
// differences ("numeric-richardson-forward" for other formulas); with "-float32" appended in
// single precision.
func (e *Engine) Name() string { return e.name }

// Precision returns the precision in which the engine evaluates K.
func (e *Engine) Precision() Precision { return e.prec }

// Richardson returns the number of extrapolation levels (1: none).
func (e *Engine) Richardson() int { return e.levels }

// ErrorEstimates returns the estimated absolute error of every partial derivative of the last
// Gradient call (or of the one Partial computed): the larger of the last two corrections of
// the Richardson tableau. It returns nil without Richardson extrapolation. The slice is owned
// by the engine and overwritten by its next call.
func (e *Engine) ErrorEstimates() []float64 { return e.errs }

// RoundingSafety is the multiple of the noise σ of K (the standard deviation of its rounding
// error) that the rounding estimate allows each evaluation of K in a quotient: the quotient
// Σ Coeff·K/h then errs by at most RoundingSafety·σ·Σ|Coeff|/h. See ErrorBounds.
const RoundingSafety = 3

// NoiseEvaluations is the number of extra evaluations of K with which Gradient measures the
// noise of K (ECnoise, Moré and Wild 2011): K at A + i·δ·v for i = 1 … 8 along a fixed
// pseudo-random direction v, δ = NoiseStep.
const NoiseEvaluations = 8

// NoiseStep is the spacing δ of the noise measurement: small enough that the smooth part of
// K contributes nothing to the 4th to 6th differences, large enough to change the rounding.
const NoiseStep = 1e-6

// maxNoiseShare bounds the noise measurement to a quarter of a Gradient call's evaluations
// (1/maxNoiseShare): on smaller networks the noise of K is not measured but bounded by
// ε|K|·(L + 2√M) for L layers and M = batch × outputs terms of K, the rounding of the
// forward pass and of a sum of M terms.
const maxNoiseShare = 4

// noise measures the noise σ of K near A from the differences of order 4 to 6 of nine values
// along e.noiseV (ECnoise's estimate √(γₖ·mean(Δᵏ)²), γₖ = (k!)²/(2k)!, the largest of the
// three), never below ε|K|; without noiseV, or when a point of the measurement crosses a
// kink, it returns the bound ε|K|·(L + 2√M) (see maxNoiseShare).
func (w *worker) noise(k0 float64, b nn.Batch) float64 {
	e := w.e
	floor := e.prec.Epsilon() * math.Abs(k0)
	bound := floor * (float64(e.net.NumLayers()) + 2*math.Sqrt(float64(b.Len()*e.net.Outputs())))
	if e.noiseV == nil {
		return bound
	}
	var f [NoiseEvaluations + 1]float64
	f[0] = k0
	crossed := false
	for i := 1; i <= NoiseEvaluations; i++ {
		w.eval.along(float64(i)*NoiseStep, e.noiseV)
		f[i] = w.eval.cost()
		crossed = crossed || w.eval.crossed()
	}
	w.eval.restoreAll()
	if crossed {
		return bound
	}
	sigma := floor
	d := f[:]
	for k := 1; k <= 6; k++ {
		for i := 0; i < len(d)-k; i++ {
			d[i] = d[i+1] - d[i]
		}
		if k < 4 {
			continue
		}
		var ms float64
		for _, x := range d[:len(d)-k] {
			ms += x * x
		}
		ms /= float64(len(d) - k)
		gamma := math.Pow(math.Gamma(float64(k+1)), 2) / math.Gamma(float64(2*k+1))
		sigma = max(sigma, math.Sqrt(gamma*ms))
	}
	return sigma
}

// roundingPerK returns the rounding error of a quotient at step 1 per unit of noise of K:
// RoundingSafety·Σ|Coeff|, times Π (2^p + 1)/(2^p − 1) over the powers p that Richardson's
// levels remove (each level combines two quotients with those weights).
func roundingPerK(f fd.Formula, pows []int) float64 {
	var c float64
	for _, p := range f.Stencil {
		c += math.Abs(p.Coeff)
	}
	for _, p := range pows {
		q := math.Exp2(float64(p))
		c *= (q + 1) / (q - 1)
	}
	return RoundingSafety * c
}

// hasLoc reports whether the formula's stencil has a point at loc.
func hasLoc(f fd.Formula, loc float64) bool {
	for _, p := range f.Stencil {
		if p.Loc == loc {
			return true
		}
	}
	return false
}

// truncationPerK is the leading coefficient of a first-derivative formula's truncation
// error, |Σ Coeff·Loc^(p+1)|/(p+1)! for order p: the error is about that times h^p times the
// (p+1)-th derivative of K along the parameter.
func truncationPerK(f fd.Formula) float64 {
	p := Order(f)
	var mu float64
	for _, pt := range f.Stencil {
		mu += pt.Coeff * math.Pow(pt.Loc, float64(p+1))
	}
	return math.Abs(mu) / math.Gamma(float64(p+2))
}

// ErrorBounds returns, for the last Gradient call, the expected absolute error of every
// partial derivative and whether its stencil crossed a non-smooth point of K at the steps it
// really used (after the kink retries; see Gradient), where the quotient is no derivative.
// The expected error is the rounding error RoundingSafety·σ·Σ|Coeff|/h at the smallest step
// h of the stencil used (so a retried quotient owns up to its larger rounding), σ the noise of
// K that Gradient measures with NoiseEvaluations extra evaluations (about ε·Σ|terms of K|,
// the rounding of the forward pass and of the sum over the batch included), plus the
// truncation error: with Richardson extrapolation the tableau's own estimate
// (ErrorEstimates); for a formula of order above 2 with points at ±h (Central5) at least its
// distance from the central difference on those two points, which it evaluates anyway; for a
// single-step formula of order p otherwise the leading term
// |Σ Coeff·Loc^(p+1)|/(p+1)!·h^p·max(1, |K|), which takes the (p+1)-th derivative of K along
// a parameter to be of the size of K (a sum over the batch, as K is). That is a guess, not a
// measurement (measuring it costs another evaluation per parameter, as much as the gradient
// again for Forward): it is too small where the derivatives of K outgrow K (a small K, layers
// without activation), so the cross-check replaces it by RefineBound's measurement for every
// element it would otherwise call a disagreement. The slices are owned by the engine and
// overwritten by its next Gradient call. It implements gradients.ErrorBounder.
func (e *Engine) ErrorBounds() (bound []float64, crossed []bool) { return e.bound, e.crossed }

// Step returns the step h the engine uses (the first step with Richardson extrapolation).
func (e *Engine) Step() float64 { return e.step }

// Formula returns the engine's difference formula.
func (e *Engine) Formula() fd.Formula { return e.formula }

// CostEvaluations returns the number of evaluations of K one Gradient call makes: one at A,
// which Gradient returns and stencil points at the origin reuse, plus one per stencil point
// away from the origin for each of the n parameters and each Richardson level: n+1 for
// Forward and Backward, 2n+1 for Central (the 2n of the textbook count plus K(A) itself),
// 4n+1 for Central5, 2Rn+1 for Central with R Richardson levels; plus NoiseEvaluations
// where Gradient measures the noise of K for its error bounds (see ErrorBounds).
func (e *Engine) CostEvaluations() int {
	n := 1 + e.levels*e.points*e.net.NumParams()
	if e.noiseV != nil {
		n += NoiseEvaluations
	}
	return n
}

// Gradient writes the finite-difference approximation of ∇K(A) on the batch into dst (allocated
// if nil; otherwise it must have length NumParams, or Gradient panics) and returns it with
// K(A). A and the batch are validated with nn.Network.Check first.
//
// On a network with ReLU layers a stencil point may lie across a kink, where K is not
// differentiable and the quotient is no derivative; the engine sees it from the
// pre-activations (a sign differs from A's) and retries that parameter with a four times
// smaller step, up to MaxKinkRetries times (KinkRetries counts the retries). This matters for
// the wide stencils (Central5, Richardson), rarely for the default steps of Forward and
// Central.
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("numeric", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	w0 := e.workers[0]
	w0.eval.begin(A, b)
	e.gradDst, e.gradA, e.gradB, e.k0 = dst, A, b, w0.eval.cost()
	e.noise = w0.noise(e.k0, b)
	e.pool.Run(len(e.workers), e)
	e.gradDst, e.gradA, e.gradB = nil, nil, nn.Batch{}
	e.lastA, e.lastB, e.ready = A, b, true
	return dst, e.k0, nil
}

// Run computes the partial derivatives of worker i's range of parameters (par.Task).
func (e *Engine) Run(i int) {
	w := e.workers[i]
	if i > 0 {
		w.eval.begin(e.gradA, e.gradB)
	}
	w.kinks = 0
	lo, hi := par.Span(len(e.gradDst), len(e.workers), i)
	rk, tk := e.roundC*e.noise, e.truncC*max(1, math.Abs(e.k0))
	for j := lo; j < hi; j++ {
		d, h, crossed := w.partial(j, e.k0, e.step)
		e.gradDst[j] = d
		if e.bound == nil {
			continue
		}
		e.bound[j] = rk/h + tk*math.Pow(h, float64(e.order))
		if e.companion {
			e.bound[j] = max(e.bound[j], rk/h+math.Abs(d-w.low))
		}
		if e.errs != nil {
			e.bound[j] += e.errs[j]
		}
		e.crossed[j] = crossed
		e.steps[j] = h
	}
}

// Partial returns the finite-difference approximation of the single partial derivative
// ∂K/∂Aⱼ at A on the batch, with 1 + (stencil points away from the origin) evaluations of K.
// It returns an error for invalid A or batch and for j out of range.
func (e *Engine) Partial(A []float64, b nn.Batch, j int) (float64, error) {
	if err := e.net.Check(A, b); err != nil {
		return 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	if j < 0 || j >= len(A) {
		return 0, fmt.Errorf("numeric: %w: parameter index %d out of range [0,%d)", nn.ErrShape, j, len(A))
	}
	w := e.begin(A, b)
	k0 := math.NaN()
	if e.origin {
		k0 = w.eval.cost()
	}
	d, _, _ := w.partial(j, k0, e.step)
	return d, nil
}

// MaxKinkRetries bounds how often a difference quotient whose stencil crossed a ReLU kink is
// retried with a four times smaller step (see Engine.Gradient): from Richardson's 0.1 down to
// 1.5e-6.
const MaxKinkRetries = 8

// begin loads A and the batch into worker 0, for a call that uses it alone, and clears the
// other workers' kink counts.
func (e *Engine) begin(A []float64, b nn.Batch) *worker {
	e.ready = false
	for _, w := range e.workers {
		w.kinks = 0
	}
	w := e.workers[0]
	w.eval.begin(A, b)
	return w
}

// partial returns ∂K/∂Aⱼ (j ≥ 0) or ∇K·v along the direction set in e.dir (j < 0) with the
// first step h, retrying with h/4 while a stencil point crossed a ReLU kink. It also returns
// the smallest step of the stencil it used in the end and whether that stencil still crossed
// a kink.
func (w *worker) partial(j int, k0, h float64) (float64, float64, bool) {
	for try := 0; ; try++ {
		d, crossed := w.extrapolate(j, k0, h)
		if !crossed || try >= w.e.retries {
			return d, h / math.Exp2(float64(w.e.levels-1)), crossed
		}
		w.kinks++
		h /= 4
	}
}

// extrapolate applies the stencil at step h, with Richardson extrapolation if configured,
// and reports whether some stencil point crossed a ReLU kink.
func (w *worker) extrapolate(j int, k0, h float64) (float64, bool) {
	e := w.e
	if e.levels == 1 {
		return w.quotient(j, k0, h)
	}
	// Neville-style tableau: T[i][0] = D(h/2^i), T[i][m] removes the error term h^pows[m-1].
	L, T := e.levels, w.tab
	var crossed bool
	for i := range L {
		d, c := w.quotient(j, k0, h)
		crossed = crossed || c
		T[i*L] = d
		for m := 1; m <= i; m++ {
			f := math.Exp2(float64(e.pows[m-1])) - 1
			T[i*L+m] = T[i*L+m-1] + (T[i*L+m-1]-T[(i-1)*L+m-1])/f
		}
		h /= 2
	}
	best := T[(L-1)*L+L-1]
	if j >= 0 {
		e.errs[j] = max(math.Abs(best-T[(L-1)*L+L-2]), math.Abs(best-T[(L-2)*L+L-2]))
	}
	return best, crossed
}

// quotient applies the stencil with step h to parameter j, or along e.dir when j < 0, and
// reports whether some stencil point changed the sign of a ReLU pre-activation.
func (w *worker) quotient(j int, k0, h float64) (float64, bool) {
	var s, low float64
	var crossed bool
	for _, p := range w.e.formula.Stencil {
		if p.Loc == 0 {
			s += p.Coeff * k0
			continue
		}
		if j >= 0 {
			w.eval.shift(j, p.Loc*h)
		} else {
			w.eval.along(p.Loc*h, w.e.dir)
		}
		k := w.eval.cost()
		s += p.Coeff * k
		switch p.Loc {
		case 1:
			low += k / 2
		case -1:
			low -= k / 2
		}
		crossed = crossed || w.eval.crossed()
	}
	w.low = low / h
	if j >= 0 {
		w.eval.restore(j)
	} else {
		w.eval.restoreAll()
	}
	return s / h, crossed
}

// KinkRetries returns how many difference quotients of the engine's last call were retried
// with a smaller step because a stencil point crossed a ReLU kink.
func (e *Engine) KinkRetries() int {
	n := 0
	for _, w := range e.workers {
		n += w.kinks
	}
	return n
}

// Threads returns the number of workers among which Gradient splits the parameters.
func (e *Engine) Threads() int { return len(e.workers) }

// Directional returns K(A) and the finite-difference approximation of the directional
// derivative ∇K(A)·v: the engine's formula (and Richardson extrapolation) applied along v,
// with t = h/max|vᵢ| so that no parameter moves by more than h:
// ∇K·v ≈ (1/t) Σᵢ Coeffᵢ K(A + Locᵢ·t·v). It costs as many evaluations of K as one partial
// derivative: 2 for Forward, 3 for Central, whatever the number of parameters. v must have
// length NumParams and be finite.
func (e *Engine) Directional(A, v []float64, b nn.Batch) (k, dk float64, err error) {
	if err := e.net.Check(A, b); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	vmax, err := checkDirection(v, len(A))
	if err != nil {
		return 0, 0, err
	}
	w := e.begin(A, b)
	k0 := w.eval.cost()
	if vmax == 0 {
		return k0, 0, nil
	}
	e.dir = v
	dk, _, _ = w.partial(-1, k0, e.step/vmax)
	e.dir = nil
	return k0, dk, nil
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
