package verify

import (
	"errors"
	"fmt"
	"math"
	"nabla/internal/rng"
	"slices"
	"sort"

	"nabla/gradients"
	"nabla/mutants"
	"nabla/nn"
)

// Defaults of Gradient.
const (
	// DefaultTol is the relative error (gradients.RelErr) per element within which a given
	// gradient counts as right: float64 code summing in another order stays far below it;
	// a gradient computed in float32 needs about 1e-4.
	DefaultTol = 1e-7
	// DefaultFaultTol is the relative error per element within which a given gradient
	// matches a catalogued fault's gradient.
	DefaultFaultTol = 1e-9
	// DefaultWorst is the number of worst elements a report names.
	DefaultWorst = 5
	// DefaultWitness is the finite-difference engine that serves as the independent witness.
	DefaultWitness = "numeric-richardson"
)

// Settings of Gradient. The zero value holds the gradient against every registered exact
// engine, with DefaultTol, DefaultFaultTol, DefaultWorst and DefaultWitness.
type Settings struct {
	Engines  []string // exact engines; nil means every registered exact engine
	Tol      float64  // per-element relative error accepted; zero means DefaultTol
	FaultTol float64  // per-element relative error of a fault match; zero means DefaultFaultTol
	Worst    int      // worst elements named; zero means DefaultWorst
	Witness  string   // finite-difference engine with a directional derivative; "" means DefaultWitness
	Seed     uint64   // seed of the witness's random direction when the gradient is right
}

func (s Settings) defaults() Settings {
	if s.Tol == 0 {
		s.Tol = DefaultTol
	}
	if s.FaultTol == 0 {
		s.FaultTol = DefaultFaultTol
	}
	if s.Worst == 0 {
		s.Worst = DefaultWorst
	}
	if s.Witness == "" {
		s.Witness = DefaultWitness
	}
	return s
}

// Element is one parameter's entry in the given gradient and in the exact engines'.
type Element struct {
	Name   string  `json:"name"` // "W2[3,1]"
	Index  int     `json:"index"`
	Given  float64 `json:"given"`
	Want   float64 `json:"want"` // the exact engines' value
	RelErr float64 `json:"rel_err"`
}

// BlockVerdict is the verdict on one block of the given gradient.
type BlockVerdict struct {
	Block     string  `json:"block"`
	Len       int     `json:"len"`
	Wrong     int     `json:"wrong"` // elements beyond the tolerance
	MaxRelErr float64 `json:"max_rel_err"`
	// Pattern names how the block departs from the right one when a simple rule fits:
	// "zero", "sign flipped", "transposed", "scaled by 2", "scaled by ½", "scaled by 1/N"
	// (N the batch size), … ; empty when the block is right or no rule fits.
	Pattern string `json:"pattern,omitempty"`
}

// Diagnosis is a catalogued fault whose gradient matches the given one.
type Diagnosis struct {
	Fault   string  `json:"fault"`   // its name in the mutants catalogue
	Mistake string  `json:"mistake"` // what the faulty code does
	RelErr  float64 `json:"rel_err"` // the largest per-element relative error of the match
}

// Witness is the finite-difference engine's directional derivative along one direction d,
// next to the exact engines' ∇K·d and the given G·d. When the gradient is wrong, d is the
// direction in which it departs from the exact engines (G − ∇K), so the witness decides
// which of the two is right without trusting either.
type Witness struct {
	Engine     string  `json:"engine"`
	Direction  string  `json:"direction"` // "G − ∇K" or "random"
	Difference float64 `json:"difference"`
	Exact      float64 `json:"exact"`
	Given      float64 `json:"given"`
	// Sides is "exact" when the difference is closer to the exact engines, "given" when
	// closer to the given gradient.
	Sides string `json:"sides_with"`
}

// Report is the verdict on a given gradient.
type Report struct {
	Net    string      `json:"net"`
	Cost   nn.CostKind `json:"cost"` // "quadratic" or "xent"
	Batch  int         `json:"batch"`
	Params int         `json:"params"`
	// K is the cost the exact engines computed.
	K       float64  `json:"K"`
	Tol     float64  `json:"tol"`
	Engines []string `json:"engines"` // the exact engines; the first is the reference
	// ExactAgree reports whether the exact engines agree among themselves (within the sum
	// of their tolerances, ReLU kinks aside); ExactMaxRelErr is their largest disagreement.
	ExactAgree     bool    `json:"exact_agree"`
	ExactMaxRelErr float64 `json:"exact_max_rel_err"`
	OK             bool    `json:"ok"`    // every element within Tol of the reference
	Wrong          int     `json:"wrong"` // elements beyond Tol
	MaxRelErr      float64 `json:"max_rel_err"`
	// Worst are the elements with the largest relative errors, worst first (only those
	// beyond Tol).
	Worst  []Element      `json:"worst,omitempty"`
	Blocks []BlockVerdict `json:"blocks"`
	// Pattern describes the whole gradient when one rule fits every wrong block, or a
	// layer's σ' left out: "scaled by ½", "σ' of layer 2 left out", … .
	Pattern string `json:"pattern,omitempty"`
	// Faults are the catalogued faults whose gradient matches the given one, closest first.
	Faults  []Diagnosis `json:"faults,omitempty"`
	Witness *Witness    `json:"witness,omitempty"`
}

// Gradient holds G, a gradient of the network's K at A on the batch computed anywhere (the
// layout of A: nn.Network.Blocks), against the exact engines, localises where it is wrong,
// names the pattern, matches it against the mutants catalogue, and asks a
// finite-difference engine as the independent witness. A, the batch and G must be valid
// and finite; bad input and engines that cannot run are errors.
func Gradient(net *nn.Network, A []float64, b nn.Batch, G []float64, s Settings) (Report, error) {
	s = s.defaults()
	if err := net.Check(A, b); err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	if len(G) != net.NumParams() {
		return Report{}, fmt.Errorf("verify: the gradient has %d entries; %s has %d parameters", len(G), net, net.NumParams())
	}
	if i := slices.IndexFunc(G, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }); i >= 0 {
		return Report{}, fmt.Errorf("verify: the gradient's entry %s is %v", net.ParamName(i), G[i])
	}
	if !(s.Tol > 0) || !(s.FaultTol > 0) {
		return Report{}, fmt.Errorf("verify: tolerances %v and %v: want positive numbers", s.Tol, s.FaultTol)
	}
	names := s.Engines
	if names == nil {
		for _, info := range gradients.All() {
			if info.Exact {
				names = append(names, info.Name)
			}
		}
	}
	if len(names) == 0 {
		return Report{}, errors.New("verify: no exact engine to hold the gradient against")
	}
	results, err := gradients.Run(names, net, A, b)
	if err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	ref := results[0].Grad
	r := Report{Net: net.String(), Cost: net.CostKind(), Batch: b.Len(), Params: net.NumParams(), K: results[0].K, Tol: s.Tol, Engines: names, ExactAgree: true}
	exact := gradients.CompareAt(net, A, b, results)
	for _, p := range exact.Pairs {
		r.ExactAgree = r.ExactAgree && p.Agree
		r.ExactMaxRelErr = max(r.ExactMaxRelErr, p.MaxRelErr)
	}
	r.localise(net, ref, G, s)
	r.OK = r.Wrong == 0
	if !r.OK {
		r.Pattern = wholePattern(r.Blocks)
		if err := r.diagnose(net, A, b, ref, G, s); err != nil {
			return Report{}, err
		}
	}
	w, err := witness(net, A, b, ref, G, r.OK, s)
	if err != nil {
		return Report{}, err
	}
	r.Witness = w
	return r, nil
}

// localise fills the per-block verdicts and the worst elements.
func (r *Report) localise(net *nn.Network, ref, G []float64, s Settings) {
	var worst []Element
	for _, blk := range net.Blocks() {
		bv := BlockVerdict{Block: blk.Name, Len: blk.Len()}
		for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
			e := gradients.RelErr(G[i], ref[i])
			bv.MaxRelErr = max(bv.MaxRelErr, e)
			if e > s.Tol {
				bv.Wrong++
				worst = append(worst, Element{Name: net.ParamName(i), Index: i, Given: G[i], Want: ref[i], RelErr: e})
			}
		}
		if bv.Wrong > 0 {
			bv.Pattern = blockPattern(blk, ref[blk.Offset:blk.Offset+blk.Len()], G[blk.Offset:blk.Offset+blk.Len()], r.Batch, s.Tol)
		}
		r.Wrong += bv.Wrong
		r.MaxRelErr = max(r.MaxRelErr, bv.MaxRelErr)
		r.Blocks = append(r.Blocks, bv)
	}
	sort.SliceStable(worst, func(i, j int) bool { return worst[i].RelErr > worst[j].RelErr })
	r.Worst = worst[:min(len(worst), s.Worst)]
}

// within reports whether every g[i] is within tol of want(i).
func within(g []float64, want func(i int) float64, tol float64) bool {
	for i, v := range g {
		if gradients.RelErr(v, want(i)) > tol {
			return false
		}
	}
	return true
}

// blockPattern names how g departs from the right block ref, or "".
func blockPattern(blk nn.Block, ref, g []float64, batch int, tol float64) string {
	if !slices.ContainsFunc(g, func(v float64) bool { return v != 0 }) {
		return "zero"
	}
	if within(g, func(i int) float64 { return -ref[i] }, tol) {
		return "sign flipped"
	}
	if len(blk.Dims) == 2 && blk.Dims[0] > 1 && blk.Dims[1] > 1 {
		// g holds ∂K/∂W column-major: entry (k, j) at j·rows + k.
		rows, cols := blk.Dims[0], blk.Dims[1]
		if within(g, func(i int) float64 { j, k := i/rows, i%rows; return ref[k*cols+j] }, tol) {
			return "transposed (written column-major)"
		}
	}
	var gr, rr float64
	for i := range g {
		gr += g[i] * ref[i]
		rr += ref[i] * ref[i]
	}
	if rr == 0 {
		return ""
	}
	c := gr / rr
	if !within(g, func(i int) float64 { return c * ref[i] }, 10*tol) {
		return ""
	}
	return "scaled by " + scaleName(c, batch)
}

// scaleName names a scale factor: 2, ½, N, 1/N (N the batch size) or its value.
func scaleName(c float64, batch int) string {
	n := float64(batch)
	for _, k := range []struct {
		v    float64
		name string
	}{{2, "2"}, {0.5, "½"}, {n, fmt.Sprintf("the batch size N = %d", batch)}, {1 / n, fmt.Sprintf("1/N (N = %d, the batch size)", batch)}} {
		if math.Abs(c-k.v) <= 1e-6*math.Abs(k.v) {
			return k.name
		}
	}
	return fmt.Sprintf("%.6g", c)
}

// wholePattern is the pattern shared by every block when each is wrong the same way.
func wholePattern(blocks []BlockVerdict) string {
	p := ""
	for _, b := range blocks {
		if b.Wrong == 0 || b.Pattern == "" || (p != "" && b.Pattern != p) {
			return ""
		}
		p = b.Pattern
	}
	if p == "" {
		return ""
	}
	return "every block " + p
}

// diagnose matches G against the catalogue's faults and against each layer's σ' left out.
func (r *Report) diagnose(net *nn.Network, A []float64, b nn.Batch, ref, G []float64, s Settings) error {
	match := func(f mutants.Fault) (float64, bool, error) {
		m, _, err := mutants.Gradient(net, f, A, b)
		if errors.Is(err, gradients.ErrUnsupported) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("verify: fault %s: %w", f.Name, err)
		}
		if within(m, func(i int) float64 { return ref[i] }, s.Tol) {
			return 0, false, nil // the fault does not change the gradient here
		}
		var worst float64
		for i := range m {
			worst = max(worst, gradients.RelErr(G[i], m[i]))
		}
		return worst, worst <= s.FaultTol, nil
	}
	for _, f := range mutants.Catalogue() {
		e, ok, err := match(f)
		if err != nil {
			return err
		}
		if ok {
			r.Faults = append(r.Faults, Diagnosis{Fault: f.Name, Mistake: f.Mistake, RelErr: e})
		}
	}
	sort.SliceStable(r.Faults, func(i, j int) bool { return r.Faults[i].RelErr < r.Faults[j].RelErr })
	for l := 1; l <= net.NumLayers() && r.Pattern == ""; l++ {
		_, ok, err := match(mutants.MissingLayerDeriv(l))
		if err != nil {
			return err
		}
		if ok {
			r.Pattern = fmt.Sprintf("σ' of layer %d left out", l)
		}
	}
	return nil
}

// witness asks the finite-difference engine for ∇K·d along the direction in which G
// departs from ref, or along a random one when G is right.
func witness(net *nn.Network, A []float64, b nn.Batch, ref, G []float64, right bool, s Settings) (*Witness, error) {
	e, err := gradients.New(s.Witness, net)
	if err != nil {
		return nil, fmt.Errorf("verify: witness: %w", err)
	}
	dir, ok := e.(gradients.Directional)
	if !ok {
		return nil, fmt.Errorf("verify: witness %s has no directional derivative", s.Witness)
	}
	w := &Witness{Engine: s.Witness, Direction: "G − ∇K"}
	d := make([]float64, len(G))
	var norm float64
	for i := range d {
		d[i] = G[i] - ref[i]
		norm = max(norm, math.Abs(d[i]))
	}
	if right || norm == 0 {
		w.Direction = "random"
		rng := rng.New(s.Seed)
		for i := range d {
			d[i] = 2*rng.Float64() - 1
		}
		norm = 1
	}
	for i := range d {
		d[i] /= norm
	}
	_, w.Difference, err = dir.Directional(A, d, b)
	if err != nil {
		return nil, fmt.Errorf("verify: witness %s: %w", s.Witness, err)
	}
	for i := range d {
		w.Exact += ref[i] * d[i]
		w.Given += G[i] * d[i]
	}
	w.Sides = "exact"
	if math.Abs(w.Difference-w.Given) < math.Abs(w.Difference-w.Exact) {
		w.Sides = "given"
	}
	return w, nil
}
