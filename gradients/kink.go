package gradients

import (
	"math"

	"nabla/nn"
)

// Steps the cross-check assumes when an engine's Info gives none (see Info.Step).
const (
	// DefaultStep is the step assumed for an approximate engine whose Info.Step is zero. It
	// is deliberately generous: a larger step only makes more of the parameters that already
	// disagree eligible as non-differentiable points, and Kinks confirms each one.
	DefaultStep = 1e-3
	// ExactKinkStep is the step assumed for a pair of exact engines: they can only disagree at
	// a pre-activation that is exactly 0, where conventions for ReLU'(0) may differ.
	ExactKinkStep = 1e-8
	// MaxKinkChecks bounds the number of disagreeing parameters Kinks examines (two forward
	// passes each); a pair with more disagreeing parameters is a failure beyond doubt, and the
	// parameters beyond the bound are not examined (they count as failures).
	MaxKinkChecks = 2000
)

// Kinks returns the parameters among idx (indices into A, in the order given) at which K is
// not differentiable within reach of a difference step: moving aᵢ to aᵢ ± step·max(1, |aᵢ|)
// moves K onto another smooth piece for some training pair (a ReLU pre-activation changes
// sign; see nn.KinkProbe). Such a parameter has one-sided derivatives that differ, so a
// difference quotient across the kink is no reference for the derivative. It returns nil for
// a network that is smooth everywhere, and examines at most MaxKinkChecks indices. A and b
// must be valid for the network (see nn.Network.Check); Kinks does not modify them.
func Kinks(net *nn.Network, A []float64, b nn.Batch, idx []int, step float64) []int {
	if net.Smooth() || len(idx) == 0 {
		return nil
	}
	if step <= 0 {
		step = ExactKinkStep
	}
	probe := nn.NewKinkProbe(net).Reset(A, b)
	var kinks []int
	for n, i := range idx {
		if n == MaxKinkChecks {
			break
		}
		h := step * max(1, math.Abs(A[i]))
		if probe.Crosses(i, h, -h) {
			kinks = append(kinks, i)
		}
	}
	return kinks
}

// ComparePairAt is ComparePair for results computed at parameters A on batch b: parameters
// whose disagreement beyond the tolerance is explained by a ReLU kink within the pair's step
// (the larger of the two results' Step; see Kinks) are named in NonDifferentiable and do not
// count against Agree or FirstBad.
func ComparePairAt(net *nn.Network, A []float64, b nn.Batch, ra, rb Result) Pair {
	p := ComparePair(net, ra, rb)
	if p.Agree && p.MaxRelErr <= p.Tolerance {
		return p
	}
	var bad []int
	for i := range ra.Grad {
		if RelErr(ra.Grad[i], rb.Grad[i]) > p.Tolerance {
			bad = append(bad, i)
		}
	}
	kinks := Kinks(net, A, b, bad, max(ra.Step, rb.Step))
	if len(kinks) == 0 {
		return p
	}
	isKink := make(map[int]bool, len(kinks))
	for _, i := range kinks {
		isKink[i] = true
		p.NonDifferentiable = append(p.NonDifferentiable, net.ParamName(i))
	}
	p.FirstBad = ""
	rest := 0.0
	for _, i := range bad {
		if isKink[i] {
			continue
		}
		rest = max(rest, RelErr(ra.Grad[i], rb.Grad[i]))
		if p.FirstBad == "" {
			blk, _ := net.BlockOf(i)
			p.FirstBad = blk.Name
		}
	}
	p.Agree = rest <= p.Tolerance && p.CostErr <= p.Tolerance
	return p
}

// CompareAt is Compare for results computed at parameters A on batch b, with every pair
// judged by ComparePairAt.
func CompareAt(net *nn.Network, A []float64, b nn.Batch, results []Result) Report {
	r := Report{Net: net.String(), Cost: net.CostKind(), Agree: true}
	for i := range results {
		for j := i + 1; j < len(results); j++ {
			p := ComparePairAt(net, A, b, results[i], results[j])
			r.Agree = r.Agree && p.Agree
			r.Pairs = append(r.Pairs, p)
		}
	}
	return r
}
