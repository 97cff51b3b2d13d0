package numeric

import (
	"fmt"
	"math"

	"nabla/gradients"
	"nabla/nn"
)

// Tolerances of the registered engines: the relative error (gradients.RelErr) within which
// each matches the exact gradient, measured against backprop on every gradtest architecture
// (sigmoid, tanh, ReLU, identity layers; batches 1 to 64; seeded parameters without any
// distance from ReLU kinks, as nabla compare draws them), where costs K up to about 900 set
// the rounding error ε|K|/h, with a margin of 2 to 4; numeric_test.go and bench/steps_test.go
// hold them.
const (
	// ForwardTolerance is numeric-forward's and numeric-backward's: their O(h) truncation and
	// O(ε|K|/h) rounding errors at h = 2e-8 reach 3.3e-5 on the deepest networks at batch 64,
	// about 1e-5 on most others.
	ForwardTolerance = 1e-4
	// CentralTolerance is numeric-central's: at h = 6e-6 its errors reach 9e-8 on a deep
	// network with a linear output at batch 64 (K ≈ 900), and stay below 3e-8 elsewhere.
	CentralTolerance = 1e-7
	// Central5Tolerance is numeric-central5's: at h = 1e-3 its errors stay below 1e-10 on
	// sigmoid and tanh networks, and reach 1.2e-9 where K ≈ 900 or a ReLU kink forces a smaller
	// step.
	Central5Tolerance = 5e-9
	// RichardsonTolerance is numeric-richardson's (4 levels from h = 0.1): below 1e-10 on
	// sigmoid and tanh networks, up to 3.4e-9 where a ReLU kink forces smaller steps.
	RichardsonTolerance = 1e-8
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
		{"numeric-central", "central differences (K(A+h·eⱼ) − K(A−h·eⱼ))/2h, h = 6e-6: 2n+1 cost evaluations; H·v: central differences along v of the complex-step gradient",
			Settings{Formula: Central}, CentralTolerance, Central.Step},
		{"numeric-central5", "five-point central differences, 4th order, h = 1e-3: 4n+1 cost evaluations",
			Settings{Formula: Central5}, Central5Tolerance, 2 * Central5.Step},
		{"numeric-richardson", "Richardson extrapolation of central differences at h = 0.1, 0.05, 0.025, 0.0125: 8n+1 cost evaluations",
			Settings{Formula: Central, Richardson: RegisteredRichardson}, RichardsonTolerance, DefaultRichardsonStep},
	} {
		gradients.Register(info(r.name, r.desc, r.s, r.tol, r.reach/r.s.stepOrDefault()))
	}
	gradients.Register(gradients.Info{
		Name:          "numeric-complex",
		Description:   "complex step Im K(A+ih·eⱼ)/h, h = 1e-20, forward pass in complex128: n+1 cost evaluations; H·v: the complex step along v through the complex-step gradient (bicomplex)",
		Tolerance:     ComplexTolerance,
		Step:          DefaultComplexStep,
		SupportsLayer: supportsLayer,
		New: func(net *nn.Network) (gradients.Engine, error) {
			e, err := NewComplex(net, 0)
			if err != nil {
				return nil, err
			}
			return e, nil
		},
	})
}

// stepOrDefault is the step the settings give or the engine's default.
func (s Settings) stepOrDefault() float64 {
	switch {
	case s.Step != 0:
		return s.Step
	case s.Richardson > 1:
		return DefaultRichardsonStep
	}
	return s.Formula.Step
}

// info is the registry entry of an engine with settings s; reach is the farthest a stencil
// point lies from A per unit of step. Its WithStep gives the same engine with another step.
func info(name, desc string, s Settings, tol, reach float64) gradients.Info {
	return gradients.Info{
		Name:        name,
		Description: desc,
		Tolerance:   tol,
		// The engine retries a quotient whose stencil crossed a ReLU kink with ever smaller
		// steps (MaxKinkRetries times by 4), so only a kink closer than the last of them can
		// still be inside a quotient it returns: that is the reach the cross-check's kink
		// detector should assume (gradients.Info.Step).
		Step: reach * s.stepOrDefault() / math.Pow(4, MaxKinkRetries),
		// They evaluate K with nn's reference forward pass, so they handle every layer
		// kind of package nn: no SupportsLayer.
		New: func(net *nn.Network) (gradients.Engine, error) {
			e, err := New(net, &s)
			if err != nil {
				return nil, err
			}
			return e, nil
		},
		WithStep: func(h float64) gradients.Info {
			t := s
			t.Step = h
			return info(name, fmt.Sprintf("%s, with step %g", desc, h), t, tol, reach)
		},
	}
}
