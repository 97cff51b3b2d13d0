package gradients

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

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
// An engine without one is an error wrapping ErrUnsupported.
func NewHv(name string, net *nn.Network) (HessianVector, error) {
	e, err := New(name, net)
	if err != nil {
		return nil, err
	}
	h, ok := e.(HessianVector)
	if !ok {
		return nil, fmt.Errorf("engine %s: %w: no Hessian-vector products", name, ErrUnsupported)
	}
	return h, nil
}

// HvNames returns the registered engines that compute H·v on the network, in the order of
// Names. Engines that cannot be prepared for the network are left out.
func HvNames(net *nn.Network) []string {
	var names []string
	for _, info := range All() {
		e, err := info.New(net)
		if err != nil {
			continue
		}
		if _, ok := e.(HessianVector); ok {
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
