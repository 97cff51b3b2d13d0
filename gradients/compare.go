package gradients

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"nabla/nn"
)

// RelErr is the safe relative error |x−y| / max(1, |x|+|y|) used by ADBench: relative for
// large values, absolute for small ones, and never a division by zero. NaN or ±Inf in either
// argument gives +Inf (even +Inf against +Inf: an overflow is no agreement), so that it can
// never pass a tolerance.
func RelErr(x, y float64) float64 {
	if !finite(x) || !finite(y) {
		return math.Inf(1)
	}
	return math.Abs(x-y) / max(1, math.Abs(x)+math.Abs(y))
}

// absErr is |x−y|, +Inf when either is NaN or ±Inf.
func absErr(x, y float64) float64 {
	if !finite(x) || !finite(y) {
		return math.Inf(1)
	}
	return math.Abs(x - y)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Result is one engine's answer on a network, parameters and batch.
type Result struct {
	Engine    string    // registry name
	Tolerance float64   // the engine's Info.Tol()
	K         float64   // the cost it returned
	Grad      []float64 // ∇K
	// Step is the engine's Info.KinkStep(): how far from A it looked along one parameter. Zero
	// means ExactKinkStep.
	Step float64
	// Exact is the engine's Info.Exact: its expected error is the rounding bound ExactBound.
	Exact bool
	// Bound is the expected absolute error of each element as an approximate engine
	// estimates it (ErrorBounder); nil when the engine gives none.
	Bound []float64
	// Crossed marks the elements whose difference stencil crossed a non-smooth point of K at
	// the steps the engine really used (ErrorBounder); nil when the engine gives none.
	Crossed []bool
	// refine measures the expected error of one element (BoundRefiner), nil when the
	// engine cannot; refined caches what it returned (NaN: not asked yet), shared by the
	// copies of the Result.
	refine  func(i int, g float64) float64
	refined []float64
}

// ErrorBounder is implemented by approximate engines that estimate the error of each
// element of their last Gradient call and see where their stencils crossed a non-smooth
// point of K.
type ErrorBounder interface {
	// ErrorBounds returns the expected absolute error of every element of the last
	// Gradient call (truncation plus rounding at the steps really used) and whether each
	// element's stencil crossed a non-smooth point there. The slices belong to the engine.
	ErrorBounds() (bound []float64, crossed []bool)
}

// BoundRefiner is implemented by approximate engines whose ErrorBounds rest on a guess (say,
// of the size of a second derivative) that they can replace by a measurement, one element at
// a time, at the cost of a few more evaluations of K. The cross-check asks only for the
// elements that its first judgement finds beyond their allowance.
type BoundRefiner interface {
	// RefineBound returns the measured expected absolute error of element i of the last
	// Gradient call, whose value was g (NaN when it cannot say). The engine must not have
	// been called since, and the A and batch of that call must not have changed.
	RefineBound(i int, g float64) float64
}

// NewResult is an engine's answer as the cross-check needs it: the Info's tolerance, kink
// step and exactness, copies of the engine's error bounds when it is an ErrorBounder, and
// the engine itself when it is a BoundRefiner, to be asked for measured bounds where the
// cross-check needs them (call it right after the Gradient call that computed g, and call
// the engine no more before the results are compared).
func NewResult(info Info, e Engine, k float64, g []float64) Result {
	r := Result{Engine: info.Name, Tolerance: info.Tol(), K: k, Grad: g, Step: info.KinkStep(), Exact: info.Exact}
	if eb, ok := e.(ErrorBounder); ok {
		bound, crossed := eb.ErrorBounds()
		if len(bound) == len(g) && len(crossed) == len(g) {
			r.Bound, r.Crossed = slices.Clone(bound), slices.Clone(crossed)
			if br, ok := e.(BoundRefiner); ok {
				r.refine = br.RefineBound
				r.refined = make([]float64, len(g))
				for i := range r.refined {
					r.refined[i] = math.NaN()
				}
			}
		}
	}
	return r
}

// canRefine reports whether r's engine measures its bounds where they do not suffice.
func (r Result) canRefine() bool { return r.refine != nil && r.Bound != nil }

// refineAt replaces the expected error of element i by the engine's measurement
// (BoundRefiner), once; it reports whether the result can refine at all.
func (r Result) refineAt(i int) bool {
	if !r.canRefine() {
		return false
	}
	if math.IsNaN(r.refined[i]) {
		r.refined[i] = r.refine(i, r.Grad[i])
		if math.IsNaN(r.refined[i]) {
			r.refined[i] = r.Bound[i]
		}
	}
	return true
}

// ExactRoundingFactor is the multiple of ε·(|gᵢ| + |K|) that ExactBound states.
const ExactRoundingFactor = 64

// SafetyFactor multiplies the sum of two engines' expected errors before an element's
// observed difference is held against it.
const SafetyFactor = 4

// ExactBound is the rounding error an exact engine states for an element g of its
// gradient of a cost K: ExactRoundingFactor·ε·(|g| + |K|). It scales with K, the sum over
// the batch whose terms the engine's sums accumulate.
func ExactBound(k, g float64) float64 {
	return ExactRoundingFactor * 0x1p-52 * (math.Abs(g) + math.Abs(k))
}

// measured reports whether r's expected error at element i is a measured bound (refineAt).
func (r Result) measured(i int) bool {
	return r.Bound != nil && r.refined != nil && !math.IsNaN(r.refined[i])
}

// expected is r's expected absolute error at element i: its measured bound when the
// cross-check asked for one (refineAt), its own bound, ExactBound for an exact engine, 0
// otherwise (the tolerance floor alone judges it).
func (r Result) expected(i int) float64 {
	switch {
	case r.measured(i):
		return r.refined[i]
	case r.Bound != nil:
		return r.Bound[i]
	case r.Exact:
		return ExactBound(r.K, r.Grad[i])
	}
	return 0
}

// crossed reports whether r's stencil at element i crossed a non-smooth point.
func (r Result) crossed(i int) bool { return r.Crossed != nil && r.Crossed[i] }

// BlockErr is the largest disagreement of a pair of engines within one block of A.
type BlockErr struct {
	Block     string  `json:"block"` // "W1", "b1", …
	MaxAbsErr float64 `json:"max_abs_err"`
	MaxRelErr float64 `json:"max_rel_err"`
}

// Pair is the cross-check of two engines' gradients.
type Pair struct {
	A         string     `json:"a"`
	B         string     `json:"b"`
	MaxAbsErr float64    `json:"max_abs_err"`
	MaxRelErr float64    `json:"max_rel_err"`
	Worst     string     `json:"worst"`       // name of the parameter with the largest relative error
	WorstAt   int        `json:"worst_index"` // its index in A
	WorstA    float64    `json:"worst_a"`     // engine A's value there
	WorstB    float64    `json:"worst_b"`     // engine B's value there
	CostErr   float64    `json:"cost_rel_err"`
	Tolerance float64    `json:"tolerance"` // the sum of the two engines' tolerances
	Agree     bool       `json:"agree"`     // MaxRelErr and CostErr within Tolerance
	Blocks    []BlockErr `json:"blocks"`
	// FirstBad names the first block in layout order whose relative error exceeds the
	// tolerance; empty when the pair agrees.
	FirstBad string `json:"first_bad_block,omitempty"`
	// NonDifferentiable names the parameters, in layout order, that are not comparable: an
	// engine's stencil crossed a non-smooth point of K at the steps it used (Result.Crossed),
	// or, for an engine that does not say, moving the parameter by the pair's step moves a
	// ReLU pre-activation across 0 (see Kinks; only ComparePairAt, CompareAt and CrossCheck
	// look). Difference quotients there are no derivative. They count against neither Agree
	// nor FirstBad (MaxRelErr, Worst and Blocks still include them).
	NonDifferentiable []string `json:"non_differentiable,omitempty"`
	// Convention names the parameters where two exact engines disagree at a ReLU
	// pre-activation (practically) at 0, where the value taken for ReLU'(0) is a convention
	// (ComparePairAt only). They do not count against Agree.
	Convention []string `json:"convention,omitempty"`
	// Agreeing and Disagreeing count the elements in each category (the other two are
	// NonDifferentiable and Convention). An element agrees when its absolute difference is
	// within SafetyFactor times the sum of the two engines' expected errors, measured ones
	// where an engine's estimate did not suffice (BoundRefiner). When neither engine can
	// measure its error where its estimate fails (two exact engines, whose rounding bound is
	// a size, not a measurement; results made without NewResult), a relative error within
	// Tolerance also agrees: the fixed tolerances are a floor only there.
	Agreeing    int `json:"agreeing"`
	Disagreeing int `json:"disagreeing"`
	// WorstRatio is the largest observed difference over SafetyFactor·(sum of the expected
	// errors, measured where measured) among the comparable elements, at WorstRatioAt (0 and
	// "" when neither engine states an expected error). Below 1 the expected errors alone
	// explain every difference.
	WorstRatio   float64 `json:"worst_ratio"`
	WorstRatioAt string  `json:"worst_ratio_at,omitempty"`
	// Measured counts the elements judged with a bound an engine measured for them
	// (BoundRefiner) because its estimate did not explain the observed difference.
	Measured int     `json:"measured,omitempty"`
	Safety   float64 `json:"safety_factor"`
	// Detail lists elements by name as Criteria.Detail asks (CompareAtWith only).
	Detail []Element `json:"detail,omitempty"`
}

// Report is the cross-check of several engines: every unordered pair, in the order the
// results were given.
type Report struct {
	Net   string      `json:"net"`
	Cost  nn.CostKind `json:"cost"` // the network's cost kind, "quadratic" or "xent" in JSON
	Pairs []Pair      `json:"pairs"`
	Agree bool        `json:"agree"` // every pair agrees
	// ExactAgree reports whether the pairs of two exact engines all agree (true when there
	// are none); ExactPairs counts them. A summary says this first.
	ExactAgree bool `json:"exact_agree"`
	ExactPairs int  `json:"exact_pairs"`
}

// add appends a pair to the report, with the pair's exactness.
func (r *Report) add(p Pair, exact bool) {
	r.Agree = r.Agree && p.Agree
	if exact {
		r.ExactPairs++
		r.ExactAgree = r.ExactAgree && p.Agree
	}
	r.Pairs = append(r.Pairs, p)
}

// Disagreeing returns the pairs that do not agree.
func (r Report) Disagreeing() []Pair {
	var bad []Pair
	for _, p := range r.Pairs {
		if !p.Agree {
			bad = append(bad, p)
		}
	}
	return bad
}

// pairTolerance is the tolerance of a pair of engines: each is expected within its own
// tolerance of the true gradient, so by the triangle inequality the two are within the sum of
// the two of each other. Zero stands for the default 1e-12.
func pairTolerance(a, b float64) float64 {
	if a == 0 {
		a = 1e-12
	}
	if b == 0 {
		b = 1e-12
	}
	return a + b
}

// ComparePair holds two results against each other, element by element (see Pair for the
// categories). Both gradients must have the network's NumParams entries (it panics
// otherwise).
func ComparePair(net *nn.Network, a, b Result) Pair {
	p, _ := comparePair(net, a, b, Criteria{})
	return p
}

// comparePair is ComparePair that also returns the disagreeing elements.
func comparePair(net *nn.Network, a, b Result, c Criteria) (Pair, []int) {
	n := net.NumParams()
	if len(a.Grad) != n || len(b.Grad) != n {
		panic(fmt.Sprintf("gradients: ComparePair: gradients of length %d and %d, want %d", len(a.Grad), len(b.Grad), n))
	}
	p := Pair{A: a.Engine, B: b.Engine, Tolerance: pairTolerance(a.Tolerance, b.Tolerance), WorstAt: -1, Safety: SafetyFactor}
	j := judge{a: a, b: b, c: c}
	if !a.canRefine() && !b.canRefine() {
		j.floor = p.Tolerance
	}
	worstRatio := -1
	var bad []int
	var elems []Element
	for _, blk := range net.Blocks() {
		be := BlockErr{Block: blk.Name}
		blockBad := false
		for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
			ae, re := absErr(a.Grad[i], b.Grad[i]), RelErr(a.Grad[i], b.Grad[i])
			be.MaxAbsErr = max(be.MaxAbsErr, ae)
			be.MaxRelErr = max(be.MaxRelErr, re)
			if re > p.MaxRelErr || p.WorstAt < 0 {
				p.MaxRelErr, p.WorstAt = re, i
			}
			crossed := a.crossed(i) || b.crossed(i)
			allowed, exp := j.allowance(i, ae, !crossed)
			el := Element{Name: net.ParamName(i), Index: i, A: a.Grad[i], B: b.Grad[i], AbsErr: ae, Allowed: allowed, Ratio: ae / allowed}
			switch {
			case crossed:
				p.NonDifferentiable = append(p.NonDifferentiable, el.Name)
				el.Category = NotComparable
			case ae <= allowed:
				p.Agreeing++
				el.Category = Agreeing
			default:
				p.Disagreeing++
				bad = append(bad, i)
				blockBad = true
				el.Category = Disagreeing
			}
			if el.Category != NotComparable && exp > 0 && (ae/exp > p.WorstRatio || worstRatio < 0) {
				p.WorstRatio, worstRatio = ae/exp, i
			}
			if c.Detail > 0 || (c.Detail < 0 && el.Category != Agreeing) {
				elems = append(elems, el)
			}
		}
		p.MaxAbsErr = max(p.MaxAbsErr, be.MaxAbsErr)
		if blockBad && p.FirstBad == "" {
			p.FirstBad = blk.Name
		}
		p.Blocks = append(p.Blocks, be)
	}
	if worstRatio >= 0 {
		p.WorstRatioAt = net.ParamName(worstRatio)
	}
	p.Worst = net.ParamName(p.WorstAt)
	p.WorstA, p.WorstB = a.Grad[p.WorstAt], b.Grad[p.WorstAt]
	p.CostErr = RelErr(a.K, b.K)
	costExp := SafetyFactor * (costExpected(a) + costExpected(b))
	p.Agree = p.Disagreeing == 0 && (p.CostErr <= p.Tolerance || absErr(a.K, b.K) <= costExp)
	p.Detail = detail(elems, c.Detail)
	p.Measured = j.measured
	return p, bad
}

// MaxConfirmed is how many elements of a pair the cross-check confirms as disagreeing with
// measured bounds (BoundRefiner) before it stops asking for them: the pair disagrees whatever
// the rest are, and each measurement costs evaluations of K. The elements beyond it keep
// their first judgement.
const MaxConfirmed = 4

// judge holds what the judgement of a pair's elements needs: the two results, the criteria,
// the tolerance floor (zero when an engine measures its error where its estimate fails:
// the estimates and measurements judge alone), how many elements were judged with measured bounds, and how many of those
// the measurement confirmed as disagreeing.
type judge struct {
	a, b                Result
	c                   Criteria
	floor               float64
	measured, confirmed int
}

// allowance returns the difference allowed at element i, whose observed difference is ae,
// and the expected part of it, SafetyFactor times the sum of the two engines' expected
// errors. When refine is set and the expected errors alone do not explain ae (ae above their
// sum, before the safety factor), it first asks the engines that can for measured bounds
// (BoundRefiner) and judges with those, until MaxConfirmed elements have been confirmed as
// disagreeing: so an estimate that was a guess never decides an element, nor the worst
// ratio a pair reports.
func (j *judge) allowance(i int, ae float64, refine bool) (allowed, exp float64) {
	allowed, exp = j.allowed(i)
	if ae > exp/SafetyFactor && refine && !j.c.override() && j.confirmed < MaxConfirmed {
		ra, rb := j.a.refineAt(i), j.b.refineAt(i)
		if ra || rb {
			allowed, exp = j.allowed(i)
			if ae > allowed {
				j.confirmed++
			}
		}
	}
	if j.a.measured(i) || j.b.measured(i) {
		j.measured++
	}
	return allowed, exp
}

// allowed is allowance without measured bounds.
func (j *judge) allowed(i int) (allowed, exp float64) {
	a, b := j.a.Grad[i], j.b.Grad[i]
	exp = SafetyFactor * (j.a.expected(i) + j.b.expected(i))
	if j.c.override() {
		return j.c.Atol + j.c.Rtol*math.Abs(b), exp
	}
	return max(exp, j.floor*max(1, math.Abs(a)+math.Abs(b))), exp
}

// detail returns the k elements with the largest ratio (all of them, in that order, when k
// is negative).
func detail(elems []Element, k int) []Element {
	slices.SortStableFunc(elems, func(x, y Element) int { return cmp.Compare(y.Ratio, x.Ratio) })
	if k > 0 && len(elems) > k {
		elems = elems[:k]
	}
	return elems
}

// Categories of an element of a pair (Element.Category).
const (
	Agreeing      = "agreeing"
	NotComparable = "not comparable"
	Convention    = "convention"
	Disagreeing   = "disagreeing"
)

// Criteria override how CompareAtWith judges each element and what it reports. The zero
// value is the default judgement: within SafetyFactor times the sum of the two engines'
// expected errors, or within the tolerance floor where neither can measure its error (see
// Pair.Agreeing).
type Criteria struct {
	// Atol and Rtol, when either is positive, replace the default judgement by gradcheck's
	// rule: an element agrees when |a − b| ≤ Atol + Rtol·|b| (b the second engine's value).
	Atol, Rtol float64
	// Detail fills Pair.Detail: 0 nothing, k > 0 the k elements with the largest ratio of
	// observed to allowed difference, negative every element beyond its allowance.
	Detail int
}

func (c Criteria) override() bool { return c.Atol > 0 || c.Rtol > 0 }

// Element is one parameter of a pair in detail.
type Element struct {
	Name     string  `json:"name"`
	Index    int     `json:"index"`
	A        float64 `json:"a"`
	B        float64 `json:"b"`
	AbsErr   float64 `json:"abs_err"`
	Allowed  float64 `json:"allowed"` // the difference the judgement allows
	Ratio    float64 `json:"ratio"`   // AbsErr / Allowed
	Category string  `json:"category"`
}

// costExpected is the rounding error expected of r's K: ExactBound's for a K alone.
func costExpected(r Result) float64 { return ExactBound(r.K, 0) }

// Compare holds every pair of results against each other.
func Compare(net *nn.Network, results []Result) Report {
	r := Report{Net: net.String(), Cost: net.CostKind(), Agree: true, ExactAgree: true}
	for i := range results {
		for j := i + 1; j < len(results); j++ {
			r.add(ComparePair(net, results[i], results[j]), results[i].Exact && results[j].Exact)
		}
	}
	return r
}

// Run prepares each named engine for the network, computes its gradient at A on the batch,
// and returns the results in the order of names: a Runner with no budget that insists on every
// engine. The first error stops it.
func Run(names []string, net *nn.Network, A []float64, b nn.Batch) ([]Result, error) {
	infos, err := Infos(names)
	if err != nil {
		return nil, err
	}
	out, err := (&Runner{Insist: true}).Run(infos, net, A, b)
	return out.Results, err
}

// CrossCheck runs the named engines (Run) and compares every pair at A and the batch
// (CompareAt), so that disagreements at ReLU kinks are reported as non-differentiable points.
func CrossCheck(names []string, net *nn.Network, A []float64, b nn.Batch) (Report, error) {
	results, err := Run(names, net, A, b)
	if err != nil {
		return Report{}, err
	}
	return CompareAt(net, A, b, results), nil
}
