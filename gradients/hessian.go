package gradients

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"nabla/internal/rng"
	"nabla/nn"
)

// HessianVector is implemented by engines that compute Hessian-vector products H·v, where
// H = ∇²K(A) is the Hessian of the cost with respect to the parameters, without forming H.
type HessianVector interface {
	// Hv writes H(A)·v on the batch into dst and returns dst and K(A). dst follows the rules of
	// Engine.Gradient (nil allocates; otherwise length NumParams, or a panic). v must have
	// length NumParams and be finite; otherwise the error wraps nn.ErrShape or
	// nn.ErrNonFinite. A, v and the batch are never modified.
	Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error)
}

// HvChecker is implemented by engines whose HessianVector covers only some of the networks
// their gradient does: CheckHv returns an error wrapping ErrUnsupported when Hv cannot run on
// the network the engine was prepared for. NewHv and HvNames ask it.
type HvChecker interface {
	CheckHv() error
}

// DefaultHvTolerance is the relative error (RelErr) within which an exact engine's H·v is
// expected to match the true one when Info.HvTolerance is zero.
const DefaultHvTolerance = 1e-11

// HvTol returns the engine's H·v tolerance, applying DefaultHvTolerance for zero.
func (i Info) HvTol() float64 {
	if i.HvTolerance == 0 {
		return DefaultHvTolerance
	}
	return i.HvTolerance
}

// NewHv prepares the named engine for the network and returns its HessianVector capability.
// An engine without one, or whose HvChecker refuses the network, is an error wrapping
// ErrUnsupported.
func NewHv(name string, net *nn.Network) (HessianVector, error) {
	e, err := New(name, net)
	if err != nil {
		return nil, err
	}
	if err := HvCapable(e); err != nil {
		return nil, fmt.Errorf("engine %s: %w", name, err)
	}
	return e.(HessianVector), nil
}

// HvNames returns the registered engines that compute H·v on the network, in the order of
// Names. Engines that cannot be prepared for the network are left out.
func HvNames(net *nn.Network) []string {
	var names []string
	for _, info := range All() {
		if e, err := info.New(net); err == nil && HvCapable(e) == nil {
			names = append(names, info.Name)
		}
	}
	return names
}

// CheckDirection returns an error with the engine's prefix pkg when v does not have the
// network's NumParams entries (wrapping nn.ErrShape) or holds a NaN or ±Inf (wrapping
// nn.ErrNonFinite). Engines call it in Directional and Hv after Network.Check.
func CheckDirection(pkg string, net *nn.Network, v []float64) error {
	if len(v) != net.NumParams() {
		return fmt.Errorf("%s: direction v: %w: network %s has %d parameters, v has %d", pkg, nn.ErrShape, net, net.NumParams(), len(v))
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s: direction v: %w", pkg, &nn.NonFiniteError{Where: "v", Name: " at " + net.ParamName(i), Index: i, Value: x})
		}
	}
	return nil
}

// MaxHessianParams bounds the networks whose full Hessian Hessian forms: n² float64 take
// 8·n² bytes (200 MB at the bound).
const MaxHessianParams = 5000

// Hessian forms the full Hessian H = ∇²K(A) on the batch column by column, H·eᵢ for every
// parameter i (n products), into dst (allocated when nil; otherwise it must be n × n) and
// returns it with K. The columns are stored as computed, so H is symmetric only up to the
// engine's error: SymmetryError measures it. Networks with more than MaxHessianParams
// parameters are an error wrapping ErrUnsupported.
func Hessian(dst *mat.Dense, e HessianVector, net *nn.Network, A []float64, b nn.Batch) (*mat.Dense, float64, error) {
	n := net.NumParams()
	if n > MaxHessianParams {
		return nil, 0, fmt.Errorf("%w: the full Hessian of %s has %d² entries; at most %d parameters", ErrUnsupported, net, n, MaxHessianParams)
	}
	if dst == nil {
		dst = mat.NewDense(n, n, nil)
	} else if r, c := dst.Dims(); r != n || c != n {
		panic(fmt.Sprintf("gradients: Hessian: dst is %d×%d, want %d×%d", r, c, n, n))
	}
	unit := make([]float64, n)
	col := make([]float64, n)
	var k float64
	for i := range n {
		unit[i] = 1
		var err error
		if _, k, err = e.Hv(col, A, unit, b); err != nil {
			return nil, 0, fmt.Errorf("Hessian column %d (%s): %w", i+1, net.ParamName(i), err)
		}
		unit[i] = 0
		dst.SetCol(i, col)
	}
	return dst, k, nil
}

// SymmetryError returns max |Hᵢⱼ − Hⱼᵢ| / max(1, max |Hᵢⱼ|), the relative asymmetry of a
// square matrix formed column by column (NaN gives +Inf).
func SymmetryError(h mat.Matrix) float64 {
	r, c := h.Dims()
	if r != c {
		panic(fmt.Sprintf("gradients: SymmetryError of a %d×%d matrix", r, c))
	}
	var worst, scale float64
	for i := range r {
		for j := range c {
			x := h.At(i, j)
			if math.IsNaN(x) {
				return math.Inf(1)
			}
			scale = max(scale, math.Abs(x))
			if j > i {
				worst = max(worst, math.Abs(x-h.At(j, i)))
			}
		}
	}
	return worst / max(1, scale)
}

// Symmetrize returns the symmetric part (H + Hᵀ)/2 of a square matrix as a SymDense.
func Symmetrize(h mat.Matrix) *mat.SymDense {
	n, _ := h.Dims()
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	return s
}

// HvErrorBounder is implemented by approximate engines that estimate the error of each
// element of their last Hv call, like ErrorBounder for gradients.
type HvErrorBounder interface {
	// HvErrorBounds returns the expected absolute error of every element of the last Hv call
	// (truncation plus rounding at the steps really used) and whether each element's stencil
	// crossed a non-smooth point of K. The slices belong to the engine.
	HvErrorBounds() (bound []float64, crossed []bool)
}

// HvExactBounds writes into dst (allocated when nil; otherwise of the length of hv) the
// rounding error an exact engine states for each element of its product hv = H·v:
// ExactRoundingFactor·ε·(|hvᵢ| + ‖hv‖∞). An element of H·v is a sum, over the batch and the
// parameters, of second-order terms, and its rounding error grows with their size, not with
// K or the gradient; the largest element of the product stands for that size (it is the
// largest |Σⱼ Hᵢⱼvⱼ|, so a product in which every element cancels to near zero is held to a
// tighter bound than its terms would allow: the tolerance floor, Info.HvTol, covers that).
func HvExactBounds(dst, hv []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(hv))
	} else if len(dst) != len(hv) {
		panic(fmt.Sprintf("gradients: HvExactBounds: dst has length %d, hv %d", len(dst), len(hv)))
	}
	var scale float64
	for _, x := range hv {
		scale = max(scale, math.Abs(x))
	}
	for i, x := range hv {
		dst[i] = ExactRoundingFactor * 0x1p-52 * (math.Abs(x) + scale)
	}
	return dst
}

// NewHvResult is an engine's H·v as the cross-check needs it (call it right after the Hv call
// that computed hv): Grad holds hv, Tolerance the Info's HvTol, and Bound the expected error of
// each element, the engine's own (copies of HvErrorBounds) when it is an HvErrorBounder, and
// HvExactBounds for an exact engine.
func NewHvResult(info Info, e HessianVector, k float64, hv []float64) Result {
	r := Result{Engine: info.Name, Tolerance: info.HvTol(), K: k, Grad: hv, Exact: info.Exact}
	if eb, ok := e.(HvErrorBounder); ok {
		bound, crossed := eb.HvErrorBounds()
		if len(bound) == len(hv) && len(crossed) == len(hv) {
			r.Bound, r.Crossed = slices.Clone(bound), slices.Clone(crossed)
			return r
		}
	}
	if info.Exact {
		r.Bound = HvExactBounds(nil, hv)
	}
	return r
}

// RunHv prepares each named engine for the network, computes H·v at A along v on the batch,
// and returns the products as Results (NewHvResult), in the order of names, ready for
// Compare: a Runner with no budget that insists on every engine, along v. The first error
// stops it; an engine without HessianVector is an error wrapping ErrUnsupported.
func RunHv(names []string, net *nn.Network, A, v []float64, b nn.Batch) ([]Result, error) {
	infos, err := Infos(names)
	if err != nil {
		return nil, err
	}
	out, err := (&Runner{Insist: true, Hv: v}).Run(infos, net, A, b)
	return out.Results, err
}

// Direction draws the seeded random direction number i for H·v cross-checks: n entries
// uniform in [−1, 1).
func Direction(n int, seed uint64, i int) []float64 {
	rng := rng.New(seed*7919 + uint64(i))
	v := make([]float64, n)
	for j := range v {
		v[j] = 2*rng.Float64() - 1
	}
	return v
}

// CrossCheckHv holds the named engines' Hessian-vector products against each other along
// directions random directions (Direction with the seed; at least one), pair by pair with the
// per-element verdicts of Compare and tolerances from Info.HvTolerance. The report keeps, for
// each pair, the direction on which it disagreed most; the pair agrees only if it agreed along
// every direction. The results returned are those of the last direction.
func CrossCheckHv(names []string, net *nn.Network, A []float64, b nn.Batch, directions int, seed uint64) (Report, []Result, error) {
	var rep Report
	var results []Result
	for d := range max(1, directions) {
		v := Direction(net.NumParams(), seed, d)
		var err error
		if results, err = RunHv(names, net, A, v, b); err != nil {
			return Report{}, nil, err
		}
		r := Compare(net, results)
		if d == 0 {
			rep = r
			continue
		}
		rep.Agree = rep.Agree && r.Agree
		rep.ExactAgree = rep.ExactAgree && r.ExactAgree
		for i, p := range r.Pairs {
			agree := rep.Pairs[i].Agree && p.Agree
			if p.MaxRelErr > rep.Pairs[i].MaxRelErr || (!p.Agree && rep.Pairs[i].Agree) {
				rep.Pairs[i] = p
			}
			rep.Pairs[i].Agree = agree
		}
	}
	return rep, results, nil
}

// BlockEigen is the spectrum of one diagonal block of the Hessian: the curvature of K along
// the parameters of one block of A (W1, b1, …) with the others held fixed.
type BlockEigen struct {
	Block  string    // "W1", "b1", …
	Values []float64 // eigenvalues of H restricted to the block, ascending
}

// Eigen returns the eigenvalues (ascending) of the symmetric part of a Hessian formed by
// Hessian, and those of each of its diagonal blocks, by gonum's mat.EigenSym.
func Eigen(net *nn.Network, h mat.Matrix) ([]float64, []BlockEigen, error) {
	s := Symmetrize(h)
	values, err := eigenvalues(s)
	if err != nil {
		return nil, nil, err
	}
	var blocks []BlockEigen
	for _, blk := range net.Blocks() {
		sub := mat.NewSymDense(blk.Len(), nil)
		for i := range blk.Len() {
			for j := i; j < blk.Len(); j++ {
				sub.SetSym(i, j, s.At(blk.Offset+i, blk.Offset+j))
			}
		}
		v, err := eigenvalues(sub)
		if err != nil {
			return nil, nil, fmt.Errorf("block %s: %w", blk.Name, err)
		}
		blocks = append(blocks, BlockEigen{Block: blk.Name, Values: v})
	}
	return values, blocks, nil
}

func eigenvalues(s *mat.SymDense) ([]float64, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, false) {
		return nil, fmt.Errorf("gradients: the eigen-decomposition of the %d×%d Hessian did not converge", s.SymmetricDim(), s.SymmetricDim())
	}
	return eig.Values(nil), nil
}

// Condition returns the condition number max |λ| / min |λ| of a spectrum (+Inf when an
// eigenvalue is 0, NaN for an empty one).
func Condition(values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	lo, hi := math.Inf(1), 0.0
	for _, v := range values {
		lo, hi = min(lo, math.Abs(v)), max(hi, math.Abs(v))
	}
	if lo == 0 {
		return math.Inf(1)
	}
	return hi / lo
}
