package gradients

import (
	"fmt"
	"math"

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
}

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
	// NonDifferentiable names the parameters, in layout order, whose disagreement lies at a
	// non-differentiable point: moving the parameter by the pair's step moves a ReLU
	// pre-activation across 0 (see Kinks), so that difference quotients there are not a valid
	// reference. They count against neither Agree nor FirstBad (MaxRelErr, Worst and Blocks
	// still include them). Only ComparePairAt, CompareAt and CrossCheck fill it.
	NonDifferentiable []string `json:"non_differentiable,omitempty"`
}

// Report is the cross-check of several engines: every unordered pair, in the order the
// results were given.
type Report struct {
	Net   string `json:"net"`
	Pairs []Pair `json:"pairs"`
	Agree bool   `json:"agree"` // every pair agrees
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

// ComparePair holds two results against each other. Both gradients must have the network's
// NumParams entries (it panics otherwise).
func ComparePair(net *nn.Network, a, b Result) Pair {
	n := net.NumParams()
	if len(a.Grad) != n || len(b.Grad) != n {
		panic(fmt.Sprintf("gradients: ComparePair: gradients of length %d and %d, want %d", len(a.Grad), len(b.Grad), n))
	}
	p := Pair{A: a.Engine, B: b.Engine, Tolerance: pairTolerance(a.Tolerance, b.Tolerance), WorstAt: -1}
	for _, blk := range net.Blocks() {
		be := BlockErr{Block: blk.Name}
		for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
			ae, re := absErr(a.Grad[i], b.Grad[i]), RelErr(a.Grad[i], b.Grad[i])
			be.MaxAbsErr = max(be.MaxAbsErr, ae)
			be.MaxRelErr = max(be.MaxRelErr, re)
			if re > p.MaxRelErr || p.WorstAt < 0 {
				p.MaxRelErr, p.WorstAt = re, i
			}
		}
		p.MaxAbsErr = max(p.MaxAbsErr, be.MaxAbsErr)
		if be.MaxRelErr > p.Tolerance && p.FirstBad == "" {
			p.FirstBad = blk.Name
		}
		p.Blocks = append(p.Blocks, be)
	}
	p.Worst = net.ParamName(p.WorstAt)
	p.WorstA, p.WorstB = a.Grad[p.WorstAt], b.Grad[p.WorstAt]
	p.CostErr = RelErr(a.K, b.K)
	p.Agree = p.MaxRelErr <= p.Tolerance && p.CostErr <= p.Tolerance
	return p
}

// Compare holds every pair of results against each other.
func Compare(net *nn.Network, results []Result) Report {
	r := Report{Net: net.String(), Agree: true}
	for i := range results {
		for j := i + 1; j < len(results); j++ {
			p := ComparePair(net, results[i], results[j])
			r.Agree = r.Agree && p.Agree
			r.Pairs = append(r.Pairs, p)
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
