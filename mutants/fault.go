package mutants

import (
	"errors"
	"fmt"
)

// ErrUnknownFault reports a fault name that is not in the catalogue.
var ErrUnknownFault = errors.New("mutants: unknown fault")

// kind selects the one fault a mutant carries.
type kind int

const (
	none kind = iota
	missingOutputDeriv
	missingHiddenDeriv
	derivAtActivation
	derivTwice
	derivTypo
	functionAsDeriv
	wrongLayerActivation
	wNotTransposed
	dwTransposed
	offByOneLayer
	zeroOutputBias
	biasNotSummed
	halfGradient
	signFlip
	notesRule
	preactivationInput
	meanNotSum
	staleDst
	biasLoopShort
	firstPairSkipped
)

// Fault is one mistake in the hand-coded gradient.
type Fault struct {
	// Name is the fault's short name, e.g. "missing-output-deriv".
	Name string `json:"name"`
	// Mistake says what the faulty code does, as the student wrote it.
	Mistake string `json:"mistake"`
	// Needs names what a network must have for the fault to change the gradient; empty
	// when every network shows it.
	Needs string `json:"needs,omitempty"`
	kind  kind
}

// Control is the clean variant: the same code with no fault. Every engine must agree with it.
var Control = Fault{Name: "none", Mistake: "no fault: the control", kind: none}

var catalogue = []Fault{
	{Name: "missing-output-deriv", kind: missingOutputDeriv,
		Mistake: "δ = ∂K/∂z: the factor σ'(ẑ) of rule [1] left out at the output layer",
		Needs:   "a non-identity output activation"},
	{Name: "missing-hidden-deriv", kind: missingHiddenDeriv,
		Mistake: "γ = Wᵀδ: the factor σ'(ŷ) of rule [2] left out in the hidden layers",
		Needs:   "a hidden layer with a non-identity activation"},
	{Name: "deriv-at-activation", kind: derivAtActivation,
		Mistake: "σ' evaluated at the activation y = σ(ŷ) instead of the pre-activation ŷ",
		Needs:   "a sigmoid or tanh layer"},
	{Name: "deriv-twice", kind: derivTwice,
		Mistake: "σ'(ẑ) multiplied in twice at the output (in the cost's derivative and in the layer)",
		Needs:   "a sigmoid or tanh output layer"},
	{Name: "deriv-typo", kind: derivTypo,
		Mistake: "σ'(x) typed as σ(x)(1 − x) for the sigmoid and 1 − x² for tanh",
		Needs:   "a sigmoid or tanh layer"},
	{Name: "function-as-deriv", kind: functionAsDeriv,
		Mistake: "σ(ŷ) used where σ'(ŷ) belongs",
		Needs:   "a non-identity layer"},
	{Name: "wrong-layer-activation", kind: wrongLayerActivation,
		Mistake: "a hidden layer's σ' taken from the layer above (Layers[l] instead of Layers[l−1])",
		Needs:   "adjacent layers with different activations"},
	{Name: "w-not-transposed", kind: wNotTransposed,
		Mistake: "W used in place of Wᵀ when δ is propagated back (W's memory read as Wᵀ; exactly W on a square layer)",
		Needs:   "two or more layers"},
	{Name: "dw-transposed", kind: dwTransposed,
		Mistake: "∂K/∂W stored column-major: δ·yᵀ written as if W were In × Out",
		Needs:   "a weight matrix with two or more rows and columns"},
	{Name: "off-by-one-layer", kind: offByOneLayer,
		Mistake: "the backward loop stops one layer early (l > 1 instead of l ≥ 1): layer 1 gets no gradient"},
	{Name: "zero-output-bias", kind: zeroOutputBias,
		Mistake: "∂K/∂c = δ of rule [3] never written: the output bias block stays 0"},
	{Name: "bias-not-summed", kind: biasNotSummed,
		Mistake: "bias gradient assigned per training pair instead of summed: only the last pair's δ remains",
		Needs:   "a batch of two or more pairs"},
	{Name: "half-gradient", kind: halfGradient,
		Mistake: "∂K/∂z = z − z̄: the factor 2 of the square dropped, the gradient scaled by ½"},
	{Name: "sign-flip", kind: signFlip,
		Mistake: "∂K/∂z = 2(z̄ − z): residual taken the wrong way round, every sign flipped"},
	{Name: "notes-rule", kind: notesRule,
		Mistake: "the notes' transcribed rule ∂K/∂wₖⱼ = γⱼδₖ in place of δₖyⱼ",
		Needs:   "two or more layers"},
	{Name: "preactivation-input", kind: preactivationInput,
		Mistake: "weight gradient δ·ŷᵀ with the previous layer's pre-activation ŷ instead of y = σ(ŷ)",
		Needs:   "a hidden layer with a non-identity activation"},
	{Name: "mean-not-sum", kind: meanNotSum,
		Mistake: "gradient of the mean cost K/N while K is the sum over the batch",
		Needs:   "a batch of two or more pairs"},
	{Name: "stale-dst", kind: staleDst,
		Mistake: "dst not cleared before accumulating: a reused dst returns old + ∇K (2∇K on the second call)"},
	{Name: "bias-loop-short", kind: biasLoopShort,
		Mistake: "bias loop bound off by one (k < Out−1): the last unit's bias gradient stays 0 in every layer"},
	{Name: "first-pair-skipped", kind: firstPairSkipped,
		Mistake: "batch loop of the backward pass starts at i = 1: the first training pair's contribution is lost",
		Needs:   "a batch of two or more pairs"},
}

// Catalogue returns the faults, in a fixed order. The slice is a copy.
func Catalogue() []Fault { return append([]Fault(nil), catalogue...) }

// Lookup returns the fault with the given name; "none" is the Control.
func Lookup(name string) (Fault, error) {
	if name == Control.Name {
		return Control, nil
	}
	for _, f := range catalogue {
		if f.Name == name {
			return f, nil
		}
	}
	return Fault{}, fmt.Errorf("%w %q", ErrUnknownFault, name)
}
