package nn

import (
	"fmt"
	"math"
	"strings"

	"nabla/internal/vmath"
)

// Activation is an elementwise activation function σ of a layer.
type Activation int

// The activations of the lecture notes, plus the identity for linear output layers.
const (
	// Sigmoid is σ(x) = eˣ/(1+eˣ), the notes' default.
	Sigmoid Activation = iota
	// Tanh is the hyperbolic tangent.
	Tanh
	// ReLU is the rectified linear unit max(0, x); its derivative at 0 is taken as 0.
	ReLU
	// Identity is σ(x) = x.
	Identity
)

var activationNames = [...]string{Sigmoid: "sigmoid", Tanh: "tanh", ReLU: "relu", Identity: "identity"}

// Activations lists every activation, in declaration order.
func Activations() []Activation { return []Activation{Sigmoid, Tanh, ReLU, Identity} }

// String returns the activation's name as used in architecture strings ("sigmoid", "tanh",
// "relu", "identity").
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation reads an activation name. It accepts the names String returns and the
// aliases "sigma", "logistic", "linear" and "none"; case is ignored.
func ParseActivation(s string) (Activation, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sigmoid", "sigma", "logistic":
		return Sigmoid, nil
	case "tanh":
		return Tanh, nil
	case "relu":
		return ReLU, nil
	case "identity", "linear", "none":
		return Identity, nil
	}
	return 0, fmt.Errorf("%w %q (want sigmoid, tanh, relu or identity)", ErrUnknownActivation, s)
}

// F returns σ(x). The sigmoid is computed without overflow for large |x|.
func (a Activation) F(x float64) float64 {
	switch a {
	case Sigmoid:
		return SigmoidF(x)
	case Tanh:
		return math.Tanh(x)
	case ReLU:
		if x > 0 {
			return x
		}
		return 0
	case Identity:
		return x
	}
	panic("nn: unknown activation " + a.String())
}

// Deriv returns σ'(x), the derivative at the pre-activation x. For ReLU, σ'(0) = 0.
func (a Activation) Deriv(x float64) float64 {
	switch a {
	case Sigmoid:
		s := SigmoidF(x)
		return s * (1 - s)
	case Tanh:
		t := math.Tanh(x)
		return 1 - t*t
	case ReLU:
		if x > 0 {
			return 1
		}
		return 0
	case Identity:
		return 1
	}
	panic("nn: unknown activation " + a.String())
}

// Apply sets dst[i] = σ(src[i]). dst and src may be the same slice; they must have the same
// length. The sigmoid and tanh are computed several entries at a time by internal/vmath (the
// forms of SigmoidF and math.Tanh on a vectorized exponential), within 2 ulp of F; an entry's
// value does not depend on its position or the slice's length.
func (a Activation) Apply(dst, src []float64) {
	if len(dst) != len(src) {
		panic("nn: Apply length mismatch")
	}
	switch a {
	case Sigmoid:
		vmath.Sigmoid(dst, src)
	case Tanh:
		vmath.Tanh(dst, src)
	case ReLU:
		for i, x := range src {
			dst[i] = max(x, 0)
		}
	case Identity:
		copy(dst, src)
	default:
		panic("nn: unknown activation " + a.String())
	}
}

// SigmoidF is the logistic function eˣ/(1+eˣ), evaluated as 1/(1+e⁻ˣ) for x ≥ 0 and as
// eˣ/(1+eˣ) for x < 0 so that neither branch overflows.
func SigmoidF(x float64) float64 {
	// e = e^(−|x|) and a select instead of a branch: a batch's signs are random, and a
	// mispredicted branch cost as much as the exponential.
	e, n := math.Exp(-math.Abs(x)), 1.0
	if x < 0 {
		n = e
	}
	return n / (1 + e)
}
