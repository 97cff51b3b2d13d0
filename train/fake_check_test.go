package train

import (
	"testing"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

// TestFakeEngine holds the test engine to the conformance kit, so the training tests rest on
// correct gradients.
func TestFakeEngine(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return &fakeEngine{net: net}, nil },
		gradtest.Options{AllowAllocs: true, Short: true, MaxParams: 200, DenseOnly: true})
}
