package mutants

import (
	"errors"
	"fmt"

	"nabla/nn"
)

// ErrUnknownFault reports a fault name that is not in the catalogue.
var ErrUnknownFault = errors.New("mutants: unknown fault")

// Fault is one mistake in the hand-coded gradient: its name, its explanation, and the hooks
// that put the mistake into the mutant's backward pass.
type Fault struct {
	// Name is the fault's short name, e.g. "missing-output-deriv".
	Name string `json:"name"`
	// Mistake says what the faulty code does, as the student wrote it.
	Mistake string `json:"mistake"`
	// Needs names what a network must have for the fault to change the gradient; empty
	// when every network shows it.
	Needs string `json:"needs,omitempty"`
	// hooks replace the correct code at the points where the student went wrong; nil is the
	// clean code everywhere.
	hooks *hooks
}

// hooks are the points of the batched backward pass (see Engine.Gradient) where a student
// implementing the notes' rules goes wrong. Each nil or zero field is the correct code; a
// fault sets the one or two fields its mistake changes. Adding a fault is one catalogue
// entry; a new point of failure is one field here and one call in mutant.go.
type hooks struct {
	// costDeriv is ∂K/∂z for one output, given the correct value dz (2(z − z̄) for the
	// quadratic cost; correct: dz).
	costDeriv func(dz float64) float64
	// deriv is σ'(ŷ) for an activation at pre-activation p with activation y = σ(p), wherever
	// the pass needs it (correct: act.Deriv(p)).
	deriv func(act nn.Activation, p, y float64) float64
	// outputDelta is δ of the output layer from ∂K/∂z and s = σ'(ẑ) (rule [1]; correct: dz·s).
	outputDelta func(dz, s float64) float64
	// hiddenDeriv is the factor σ'(ŷ) of rule [2] for layer l−1 with activation own, while δ
	// comes from layer l with activation above (correct: deriv(own, p, y)).
	hiddenDeriv func(own, above nn.Activation, p, y float64) float64
	// weightAt reads wₖⱼ of an Out × In row-major W when δ is propagated back
	// (correct: w[k·In + j]).
	weightAt func(w []float64, k, j, in, out int) float64
	// dwAt is the index in the block ∂K/∂W at which δₖ·xⱼ accumulates (correct: k·In + j).
	dwAt func(k, j, in, out int) int
	// weightInput is the row x of rule [4] ∂K/∂W = Σᵢ δ xᵀ for a layer above the first, given
	// the layer below's activation y, pre-activation ŷ and γ = ∂K/∂ŷ (correct: y).
	weightInput func(y, pre, gamma []float64) []float64
	// biasAdd accumulates δₖ into ∂K/∂bₖ of a layer with out units (rule [3]); output tells the
	// output layer (correct: db[k] += dk).
	biasAdd func(db []float64, k, out int, output bool, dk float64)
	// keepDst leaves dst as given instead of clearing it before accumulating.
	keepDst bool
	// stopLayer is the index of the last layer the backward loop reaches (correct: 0).
	stopLayer int
	// firstPair is the index of the first training pair the backward loop visits (correct: 0).
	firstPair int
	// finish post-processes the whole gradient of a batch of n pairs.
	finish func(dst []float64, n int)
	// noDerivLayer is the layer (1-based) whose factor σ'(ŷ) is left out of its δ (correct: 0,
	// none). Only MissingLayerDeriv sets it.
	noDerivLayer int
	// The convolutional layers' backward pass (cnn.go), each false or zero when correct:
	// tapFlip reads the kernel tap (K−1−i, K−1−j) instead of (i, j) when δ goes down;
	// strideOne and padShift replace the stride by 1 and the padding P by P + padShift in
	// both ∂K/∂kernel and the δ going down; poolSpread spreads a max-pooling window's δ over
	// the window instead of routing it to the arg-max; convBiasLast takes ∂K/∂c[f] from the
	// last output position only; channelsSwapped writes ∂K/∂K[f,c,i,j] where K[c,f,i,j] of a
	// C×F×K×K array would be.
	tapFlip, strideOne, poolSpread, convBiasLast, channelsSwapped bool
	padShift                                                      int
}

// none is the clean code at every hook.
var none = &hooks{}

// Control is the clean variant: the same code with no fault. Every engine must agree with it.
var Control = Fault{Name: "none", Mistake: "no fault: the control", hooks: none}

var catalogue = []Fault{
	{Name: "missing-output-deriv",
		Mistake: "δ = ∂K/∂z: the factor σ'(ẑ) of rule [1] left out at the output layer",
		Needs:   "a non-identity output activation",
		hooks:   &hooks{outputDelta: func(dz, _ float64) float64 { return dz }}},
	{Name: "missing-hidden-deriv",
		Mistake: "γ = Wᵀδ: the factor σ'(ŷ) of rule [2] left out in the hidden layers",
		Needs:   "a hidden layer with a non-identity activation",
		hooks:   &hooks{hiddenDeriv: func(_, _ nn.Activation, _, _ float64) float64 { return 1 }}},
	{Name: "deriv-at-activation",
		Mistake: "σ' evaluated at the activation y = σ(ŷ) instead of the pre-activation ŷ",
		Needs:   "a sigmoid or tanh layer",
		hooks:   &hooks{deriv: func(act nn.Activation, _, y float64) float64 { return act.Deriv(y) }}},
	{Name: "deriv-twice",
		Mistake: "σ'(ẑ) multiplied in twice at the output (in the cost's derivative and in the layer)",
		Needs:   "a sigmoid or tanh output layer",
		hooks:   &hooks{outputDelta: func(dz, s float64) float64 { return dz * s * s }}},
	{Name: "deriv-typo",
		Mistake: "σ'(x) typed as σ(x)(1 − x) for the sigmoid and 1 − x² for tanh",
		Needs:   "a sigmoid or tanh layer",
		hooks:   &hooks{deriv: derivTypo}},
	{Name: "function-as-deriv",
		Mistake: "σ(ŷ) used where σ'(ŷ) belongs",
		Needs:   "a non-identity layer",
		hooks:   &hooks{deriv: func(_ nn.Activation, _, y float64) float64 { return y }}},
	{Name: "wrong-layer-activation",
		Mistake: "a hidden layer's σ' taken from the layer above (Layers[l] instead of Layers[l−1])",
		Needs:   "adjacent layers with different activations",
		hooks:   &hooks{hiddenDeriv: func(_, above nn.Activation, p, _ float64) float64 { return above.Deriv(p) }}},
	{Name: "w-not-transposed",
		Mistake: "W used in place of Wᵀ when δ is propagated back (W's memory read as Wᵀ; exactly W on a square layer)",
		Needs:   "two or more layers",
		hooks:   &hooks{weightAt: func(w []float64, k, j, _, out int) float64 { return w[j*out+k] }}},
	{Name: "dw-transposed",
		Mistake: "∂K/∂W stored column-major: δ·yᵀ written as if W were In × Out",
		Needs:   "a weight matrix with two or more rows and columns",
		hooks:   &hooks{dwAt: func(k, j, _, out int) int { return j*out + k }}},
	{Name: "off-by-one-layer",
		Mistake: "the backward loop stops one layer early (l > 1 instead of l ≥ 1): layer 1 gets no gradient",
		hooks:   &hooks{stopLayer: 1}},
	{Name: "zero-output-bias",
		Mistake: "∂K/∂c = δ of rule [3] never written: the output bias block stays 0",
		hooks: &hooks{biasAdd: func(db []float64, k, _ int, output bool, dk float64) {
			if !output {
				db[k] += dk
			}
		}}},
	{Name: "bias-not-summed",
		Mistake: "bias gradient assigned per training pair instead of summed: only the last pair's δ remains",
		Needs:   "a batch of two or more pairs",
		hooks:   &hooks{biasAdd: func(db []float64, k, _ int, _ bool, dk float64) { db[k] = dk }}},
	{Name: "half-gradient",
		Mistake: "∂K/∂z = z − z̄: the factor 2 of the square dropped, the gradient scaled by ½",
		hooks:   &hooks{costDeriv: func(dz float64) float64 { return dz / 2 }}},
	{Name: "sign-flip",
		Mistake: "∂K/∂z = 2(z̄ − z): residual taken the wrong way round, every sign flipped",
		hooks:   &hooks{costDeriv: func(dz float64) float64 { return -dz }}},
	{Name: "notes-rule",
		Mistake: "the notes' transcribed rule ∂K/∂wₖⱼ = γⱼδₖ in place of δₖyⱼ",
		Needs:   "two or more layers",
		hooks:   &hooks{weightInput: func(_, _, gamma []float64) []float64 { return gamma }}},
	{Name: "preactivation-input",
		Mistake: "weight gradient δ·ŷᵀ with the previous layer's pre-activation ŷ instead of y = σ(ŷ)",
		Needs:   "a hidden layer with a non-identity activation",
		hooks:   &hooks{weightInput: func(_, pre, _ []float64) []float64 { return pre }}},
	{Name: "mean-not-sum",
		Mistake: "gradient of the mean cost K/N while K is the sum over the batch",
		Needs:   "a batch of two or more pairs",
		hooks: &hooks{finish: func(dst []float64, n int) {
			for i := range dst {
				dst[i] /= float64(n)
			}
		}}},
	{Name: "stale-dst",
		Mistake: "dst not cleared before accumulating: a reused dst returns old + ∇K (2∇K on the second call)",
		hooks:   &hooks{keepDst: true}},
	{Name: "bias-loop-short",
		Mistake: "bias loop bound off by one (k < Out−1): the last unit's bias gradient stays 0 in every layer",
		hooks: &hooks{biasAdd: func(db []float64, k, out int, _ bool, dk float64) {
			if k < out-1 {
				db[k] += dk
			}
		}}},
	{Name: "first-pair-skipped",
		Mistake: "batch loop of the backward pass starts at i = 1: the first training pair's contribution is lost",
		Needs:   "a batch of two or more pairs",
		hooks:   &hooks{firstPair: 1}},
}

// cnnCatalogue holds the faults of a convolutional network's backward pass (cnn.go). They
// need convolution or pooling layers, so they run on CNNs (DefaultCNN) only.
var cnnCatalogue = []Fault{
	{Name: "kernel-not-flipped",
		Mistake: "δ propagated through a convolution by correlation with the kernel, not by the full convolution with the flipped kernel",
		Needs:   "a convolution above another layer, kernel 2×2 or larger",
		hooks:   &hooks{tapFlip: true}},
	{Name: "stride-ignored",
		Mistake: "stride 1 assumed in a convolution's backward pass (∂K/∂kernel and δ going down) whatever its stride",
		Needs:   "a convolution with stride 2 or more",
		hooks:   &hooks{strideOne: true}},
	{Name: "padding-off-by-one",
		Mistake: "padding P + 1 instead of P in a convolution's backward pass: every tap meets the pixel one row and column off",
		Needs:   "a convolution",
		hooks:   &hooks{padShift: 1}},
	{Name: "pool-spread",
		Mistake: "max pooling's δ spread over the window (as for average pooling) instead of routed to the arg-max",
		Needs:   "a max-pooling layer above another layer",
		hooks:   &hooks{poolSpread: true}},
	{Name: "conv-bias-not-summed",
		Mistake: "a convolution's bias gradient taken from one output position (the last) instead of summed over all of them",
		Needs:   "a convolution with more than one output pixel",
		hooks:   &hooks{convBiasLast: true}},
	{Name: "channels-swapped",
		Mistake: "∂K/∂kernel stored as C×F×K×K: input and output channels swapped",
		Needs:   "a convolution with two or more input and output channels",
		hooks:   &hooks{channelsSwapped: true}},
}

// derivTypo is σ'(x) mistyped: σ(x)(1 − x) for the sigmoid, 1 − x² for tanh, right otherwise.
func derivTypo(act nn.Activation, p, y float64) float64 {
	switch act {
	case nn.Sigmoid:
		return y * (1 - p)
	case nn.Tanh:
		return 1 - p*p
	}
	return act.Deriv(p)
}

// MissingLayerDeriv is the fault "σ' of layer l (1-based) left out": δ of that layer is
// ∂K/∂z (the output layer) or γ = Wᵀδ (a hidden one) without the factor σ'(ŷ), every other
// layer right. It is not in the catalogue; nabla verify uses it to name that pattern.
func MissingLayerDeriv(l int) Fault {
	return Fault{Name: fmt.Sprintf("missing-deriv-layer-%d", l),
		Mistake: fmt.Sprintf("the factor σ'(ŷ) of layer %d left out of its δ, every other layer right", l),
		Needs:   fmt.Sprintf("a non-identity activation in layer %d", l),
		hooks:   &hooks{noDerivLayer: l}}
}

// Catalogue returns the faults of dense networks, in a fixed order. The slice is a copy.
func Catalogue() []Fault { return append([]Fault(nil), catalogue...) }

// CNNCatalogue returns the faults of convolution and pooling layers, in a fixed order. The
// slice is a copy.
func CNNCatalogue() []Fault { return append([]Fault(nil), cnnCatalogue...) }

// Lookup returns the fault with the given name; "none" is the Control.
func Lookup(name string) (Fault, error) {
	if name == Control.Name {
		return Control, nil
	}
	for _, f := range append(Catalogue(), cnnCatalogue...) {
		if f.Name == name {
			return f, nil
		}
	}
	return Fault{}, fmt.Errorf("%w %q", ErrUnknownFault, name)
}
