package symbolic_test

import (
	"testing"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
	"nabla/symbolic"
)

func TestEngineConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return symbolic.New(net) }, gradtest.Options{Tolerance: 1e-7})
}
