package numeric

import (
	"nabla/gradients"
	"nabla/nn"
)

// Tolerances of the registered engines: the relative error (gradients.RelErr) within which
// each matches the exact gradient, measured against backprop on gradtest's sigmoid and tanh
// architectures with batches up to 64 (costs K up to about 800, which set the rounding error
// ε|K|/h), with a margin of 2 to 4; numeric_test.go and bench/steps_test.go hold them.
const (
	// ForwardTolerance is numeric-forward's and numeric-backward's: their O(h) truncation and
	// O(ε|K|/h) rounding errors at h = 2e-8 reach 2.5e-5 on the deepest networks at batch 64,
	// about 1e-5 on most others.
	ForwardTolerance = 1e-4
	// CentralTolerance is numeric-central's: at h = 6e-6 its errors stay below 6e-8.
	CentralTolerance = 1e-7
	// Central5Tolerance is numeric-central5's: at h = 1e-3 its errors stay below 5e-10, and
	// below 1e-10 where K is of order 1 to 100.
	Central5Tolerance = 1e-9
	// RichardsonTolerance is numeric-richardson's (4 levels from h = 0.1): below 1e-10.
	RichardsonTolerance = 1e-9
	// ComplexTolerance is numeric-complex's: it matches backprop to about 1e-15, as closely
	// as two exact engines match each other.
	ComplexTolerance = 1e-12
	// RegisteredRichardson is the number of levels of the registered numeric-richardson.
	RegisteredRichardson = 4
)

func init() {
	for _, r := range []struct {
		name, desc string
		s          Settings
		tol, reach float64
	}{
		{"numeric-forward", "forward differences (K(A+h·eⱼ) − K(A))/h, h = 2e-8: n+1 cost evaluations",
			Settings{Formula: Forward}, ForwardTolerance, Forward.Step},
		{"numeric-backward", "backward differences (K(A) − K(A−h·eⱼ))/h, h = 2e-8: n+1 cost evaluations",
			Settings{Formula: Backward}, ForwardTolerance, Backward.Step},
		{"numeric-central", "central differences (K(A+h·eⱼ) − K(A−h·eⱼ))/2h, h = 6e-6: 2n+1 cost evaluations",
			Settings{Formula: Central}, CentralTolerance, Central.Step},
		{"numeric-central5", "five-point central differences, 4th order, h = 1e-3: 4n+1 cost evaluations",
			Settings{Formula: Central5}, Central5Tolerance, 2 * Central5.Step},
		{"numeric-richardson", "Richardson extrapolation of central differences at h = 0.1, 0.05, 0.025, 0.0125: 8n+1 cost evaluations",
			Settings{Formula: Central, Richardson: RegisteredRichardson}, RichardsonTolerance, DefaultRichardsonStep},
	} {
		s := r.s
		gradients.Register(gradients.Info{
			Name:        r.name,
			Description: r.desc,
			Tolerance:   r.tol,
			Step:        r.reach,
			New: func(net *nn.Network) (gradients.Engine, error) {
				e, err := New(net, &s)
				if err != nil {
					return nil, err
				}
				return e, nil
			},
		})
	}
	gradients.Register(gradients.Info{
		Name:        "numeric-complex",
		Description: "complex step Im K(A+ih·eⱼ)/h, h = 1e-20, forward pass in complex128: n+1 cost evaluations",
		Tolerance:   ComplexTolerance,
		Step:        DefaultComplexStep,
		New: func(net *nn.Network) (gradients.Engine, error) {
			e, err := NewComplex(net, 0)
			if err != nil {
				return nil, err
			}
			return e, nil
		},
	})
}
