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
	return kinks(net, A, b, idx, step, -1)
}

// MaxNonKinks is how many disagreeing elements that lie at no kink ComparePairAt examines
// before it stops looking: the pair disagrees whatever the rest are, and each look costs two
// forward passes. The elements not examined count as disagreeing.
const MaxNonKinks = 4

// kinks is Kinks that stops after maxMisses indices without a kink (no limit when negative).
func kinks(net *nn.Network, A []float64, b nn.Batch, idx []int, step float64, maxMisses int) []int {
	if net.Smooth() || len(idx) == 0 {
		return nil
	}
	if step <= 0 {
		step = ExactKinkStep
	}
	probe := nn.NewKinkProbe(net).Reset(A, b)
	var found []int
	misses := 0
	for n, i := range idx {
		if n == MaxKinkChecks || misses == maxMisses {
			break
		}
		h := step * max(1, math.Abs(A[i]))
		if probe.Crosses(i, h, -h) {
			found = append(found, i)
		} else {
			misses++
		}
	}
	return found
}

// ComparePairAt is ComparePair for results computed at parameters A on batch b. Of the
// elements ComparePair finds disagreeing, those of two exact engines at a ReLU
// pre-activation within ExactKinkStep of 0 become convention differences (Pair.Convention),
// and those of an approximate engine that does not report its own crossings
// (Result.Crossed) become not comparable when a ReLU kink lies within the pair's step (the
// larger of the two results' Step; see Kinks). Neither counts against Agree or FirstBad. It
// stops looking after MaxNonKinks disagreeing elements at no kink.
func ComparePairAt(net *nn.Network, A []float64, b nn.Batch, ra, rb Result) Pair {
	return comparePairAt(net, A, b, ra, rb, Criteria{})
}

func comparePairAt(net *nn.Network, A []float64, b nn.Batch, ra, rb Result, c Criteria) Pair {
	p, bad := comparePair(net, ra, rb, c)
	if len(bad) == 0 {
		return p
	}
	var step float64
	switch {
	case ra.Exact && rb.Exact:
		step = ExactKinkStep
	case (ra.Exact || ra.Crossed != nil) && (rb.Exact || rb.Crossed != nil):
		return p // both engines said where their stencils crossed
	default:
		step = max(ra.Step, rb.Step)
	}
	found := kinks(net, A, b, bad, step, MaxNonKinks)
	if len(found) == 0 {
		return p
	}
	isKink := make(map[int]bool, len(found))
	cat := NotComparable
	if ra.Exact && rb.Exact {
		cat = Convention
	}
	for _, i := range found {
		isKink[i] = true
		if cat == Convention {
			p.Convention = append(p.Convention, net.ParamName(i))
		} else {
			p.NonDifferentiable = append(p.NonDifferentiable, net.ParamName(i))
		}
	}
	for k := range p.Detail {
		if isKink[p.Detail[k].Index] {
			p.Detail[k].Category = cat
		}
	}
	p.FirstBad = ""
	p.Disagreeing = 0
	for _, i := range bad {
		if isKink[i] {
			continue
		}
		p.Disagreeing++
		if p.FirstBad == "" {
			blk, _ := net.BlockOf(i)
			p.FirstBad = blk.Name
		}
	}
	costExp := SafetyFactor * (costExpected(ra) + costExpected(rb))
	p.Agree = p.Disagreeing == 0 && (p.CostErr <= p.Tolerance || absErr(ra.K, rb.K) <= costExp)
	return p
}

// CompareAt is Compare for results computed at parameters A on batch b, with every pair
// judged by ComparePairAt.
func CompareAt(net *nn.Network, A []float64, b nn.Batch, results []Result) Report {
	return CompareAtWith(net, A, b, results, Criteria{})
}

// CompareAtWith is CompareAt with the judgement and the detail set by c.
func CompareAtWith(net *nn.Network, A []float64, b nn.Batch, results []Result, c Criteria) Report {
	r := Report{Net: net.String(), Cost: net.CostKind(), Agree: true, ExactAgree: true}
	for i := range results {
		for j := i + 1; j < len(results); j++ {
			r.add(comparePairAt(net, A, b, results[i], results[j], c), results[i].Exact && results[j].Exact)
		}
	}
	return r
}
