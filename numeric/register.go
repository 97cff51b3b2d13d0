package numeric

import (
	"gonum.org/v1/gonum/diff/fd"

	"nabla/gradients"
	"nabla/nn"
)

// Tolerances of the registered engines: the relative error (gradients.RelErr) within which
// each matches the exact gradient on well-scaled networks, measured on gradtest's
// architectures (see numeric_test.go, which checks each against them).
const (
	// ForwardTolerance is numeric-forward's: its O(h) truncation and O(ε|K|/h) rounding
	// errors at h = 2e-8 reach 2.5e-5 on gradtest's deepest networks at batch 64 (where K, and
	// with it the rounding error, is largest), 1e-5 on most others.
	ForwardTolerance = 1e-4
	// CentralTolerance is numeric-central's: at h = 6e-6 its errors stay below 6e-8 on
	// gradtest's networks.
	CentralTolerance = 1e-7
)

func init() {
	gradients.Register(gradients.Info{
		Name:        "numeric-forward",
		Description: "finite differences (K(A+h·eⱼ) − K(A))/h, h = 2e-8: n+1 cost evaluations",
		Tolerance:   ForwardTolerance,
		New:         newWith(Forward),
	})
	gradients.Register(gradients.Info{
		Name:        "numeric-central",
		Description: "central differences (K(A+h·eⱼ) − K(A−h·eⱼ))/2h, h = 6e-6: 2n+1 cost evaluations",
		Tolerance:   CentralTolerance,
		New:         newWith(Central),
	})
}

// newWith returns a gradients.Info.New for a formula with its default step.
func newWith(f fd.Formula) func(net *nn.Network) (gradients.Engine, error) {
	return func(net *nn.Network) (gradients.Engine, error) {
		e, err := New(net, &Settings{Formula: f})
		if err != nil {
			return nil, err
		}
		return e, nil
	}
}
