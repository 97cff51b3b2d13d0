package nn

import (
	"fmt"
	"math"
	"strings"

	"nabla/internal/vmath"
)

// CostKind is the cost K a network is trained on, applied to the last layer's output z and the
// target z̄ of every training pair and summed over the batch. The set is closed; engines switch
// on it once and report ErrUnsupported (package gradients) for kinds they do not know.
type CostKind int

const (
	// Quadratic is the notes' cost K = Σᵢ ‖z⁽ⁱ⁾ − z̄⁽ⁱ⁾‖², the default (the zero value).
	Quadratic CostKind = iota
	// CrossEntropy is a softmax on the last layer's output followed by the cross-entropy,
	// K = −Σᵢ Σₖ z̄ₖ⁽ⁱ⁾ log softmax(z⁽ⁱ⁾)ₖ. Give the last layer the identity activation for
	// the usual logits. It is computed stably as Σᵢ (Σₖ z̄ₖ)·LSE(z) − Σₖ z̄ₖ zₖ with
	// LSE(z) = m + log Σₖ exp(zₖ − m), m = maxₖ zₖ. Targets need not sum to one.
	CrossEntropy
)

var costNames = [...]string{Quadratic: "quadratic", CrossEntropy: "xent"}

// CostKinds lists every cost kind, in declaration order.
func CostKinds() []CostKind { return []CostKind{Quadratic, CrossEntropy} }

// String returns the cost's name as the --cost flag takes it: "quadratic" or "xent".
func (c CostKind) String() string {
	if c < 0 || int(c) >= len(costNames) {
		return fmt.Sprintf("CostKind(%d)", int(c))
	}
	return costNames[c]
}

// Formula returns the cost as one line of text for tables and help:
// "K = Σ‖z − z̄‖²" or "K = −Σ z̄·log softmax(z)".
func (c CostKind) Formula() string {
	switch c {
	case Quadratic:
		return "K = Σ‖z − z̄‖²"
	case CrossEntropy:
		return "K = −Σ z̄·log softmax(z)"
	}
	return c.String()
}

// ParseCost reads a cost name: "quadratic" (alias "mse", "squared") or "xent" (aliases
// "cross-entropy", "crossentropy", "softmax"); case is ignored. The empty string is Quadratic,
// the default. An unknown name is an error wrapping ErrUnknownCost that names the valid values.
func ParseCost(s string) (CostKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "quadratic", "mse", "squared":
		return Quadratic, nil
	case "xent", "cross-entropy", "crossentropy", "softmax":
		return CrossEntropy, nil
	}
	return 0, fmt.Errorf("%w %q (want quadratic or xent)", ErrUnknownCost, s)
}

// Set implements flag.Value, so that a *CostKind can be a command-line flag.
func (c *CostKind) Set(s string) error {
	k, err := ParseCost(s)
	if err != nil {
		return err
	}
	*c = k
	return nil
}

// MarshalText writes the cost's name, so that it appears as "quadratic" or "xent" in JSON.
func (c CostKind) MarshalText() ([]byte, error) {
	if c < 0 || int(c) >= len(costNames) {
		return nil, fmt.Errorf("%w: %v", ErrUnknownCost, c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a cost name with ParseCost.
func (c *CostKind) UnmarshalText(b []byte) error { return c.Set(string(b)) }

// CostKind returns the cost the network is trained on; Quadratic unless set with WithCost.
func (n *Network) CostKind() CostKind { return n.cost }

// WithCost returns a network with the same layers (shared, not copied) and the cost c; n is
// not changed. It panics on a cost kind that is not one of CostKinds (a programmer error:
// ParseCost never returns one).
func (n *Network) WithCost(c CostKind) *Network {
	if c < 0 || int(c) >= len(costNames) {
		panic(fmt.Sprintf("nn: WithCost: unknown cost kind %d", int(c)))
	}
	m := *n
	m.cost = c
	return &m
}

// RowCost returns one training pair's term of the cost c for output z and target z̄ (equal
// lengths): ‖z − z̄‖² for Quadratic, −Σₖ z̄ₖ log softmax(z)ₖ for CrossEntropy, the latter
// through a log-sum-exp shifted by max z so that it neither overflows nor loses the largest
// term. It is the reference the engines are checked against, not a derivative.
func (c CostKind) RowCost(z, zbar []float64) float64 { return c.accumulate(0, z, zbar) }

// accumulate adds one pair's term to k, term by term, so that the batch sum comes out in the
// order the quadratic cost has always been summed in (one running sum over every entry).
func (c CostKind) accumulate(k float64, z, zbar []float64) float64 {
	zbar = zbar[:len(z)]
	switch c {
	case Quadratic:
		for j, v := range z {
			d := v - zbar[j]
			k += d * d
		}
	case CrossEntropy:
		lse := LogSumExp(z)
		for j, v := range z {
			// z̄ₖ·(LSE − zₖ) term by term: the subtraction of two close large numbers
			// happens before the product, so a one-hot target costs exactly LSE − z_target.
			if t := zbar[j]; t != 0 {
				k += t * (lse - v)
			}
		}
	default:
		panic(fmt.Sprintf("nn: unknown cost kind %d", int(c)))
	}
	return k
}

// LogSumExp returns log Σₖ exp(zₖ) computed as m + log Σₖ exp(zₖ − m) with m = maxₖ zₖ, which
// neither overflows nor underflows to −Inf for finite z. It returns −Inf for an empty z. The
// exponentials are internal/vmath's, several at a time, summed in order.
func LogSumExp(z []float64) float64 {
	if len(z) == 0 {
		return math.Inf(-1)
	}
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	var buf [64]float64
	var s float64
	for len(z) > 0 {
		t := buf[:min(len(z), len(buf))]
		for j := range t {
			t[j] = z[j] - m
		}
		for _, e := range vmath.Exp(t, t) {
			s += e
		}
		z = z[len(t):]
	}
	return m + math.Log(s)
}
