package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

// runCLI runs the command line in-process and returns the exit status and both outputs.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Fake engines for the tests, honest except where their name says otherwise. Each supports
// only one network, so that the default engine selection of nabla compare skips them (as
// unsupported) everywhere else:
//   - test-broken (2-3-1:tanh,tanh): central differences with W2[1,2] off by one.
//   - test-slow (2-2-1:tanh,tanh): central differences, claiming 10¹² cost evaluations, so that
//     --budget skips it.
const (
	brokenNet = "2-3-1:tanh,tanh"
	slowNet   = "2-2-1:tanh,tanh"
)

type fakeEngine struct {
	name string
	net  *nn.Network
	ev   *nn.Evaluator
	bad  int // index of the wrong entry; -1 for none
}

func (f *fakeEngine) Name() string { return f.name }

func (f *fakeEngine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("fake", dst, f.net.NumParams())
	if err := f.net.Check(A, b); err != nil {
		return nil, 0, err
	}
	copy(dst, gradtest.CentralReference(f.net, A, b))
	if f.bad >= 0 {
		dst[f.bad]++
	}
	return dst, f.ev.Cost(A, b), nil
}

type slowFake struct{ *fakeEngine }

func (slowFake) CostEvaluations() int { return 1_000_000_000_000 }

func init() {
	newFake := func(name, only string, wrong string) func(net *nn.Network) (gradients.Engine, error) {
		return func(net *nn.Network) (gradients.Engine, error) {
			if net.String() != only {
				return nil, fmt.Errorf("%w: %s runs only %s", gradients.ErrUnsupported, name, only)
			}
			f := &fakeEngine{name: name, net: net, ev: nn.NewEvaluator(net), bad: -1}
			if wrong != "" {
				i, err := net.ParamIndex(wrong)
				if err != nil {
					return nil, err
				}
				f.bad = i
			}
			if strings.Contains(name, "slow") {
				return slowFake{f}, nil
			}
			return f, nil
		}
	}
	gradients.Register(gradients.Info{Name: "test-broken", Description: "test fake, wrong at W2[1,2]", Tolerance: 1e-7,
		New: newFake("test-broken", brokenNet, "W2[1,2]")})
	gradients.Register(gradients.Info{Name: "test-slow", Description: "test fake, claims 1e12 cost evaluations", Tolerance: 1e-7,
		New: newFake("test-slow", slowNet, "")})
}
