package autodiff_test

import (
	"testing"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestReverseConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewReverse(net) }, gradtest.Options{Tolerance: 1e-7})
}

func TestForwardConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewForward(net) }, gradtest.Options{Tolerance: 1e-7})
}
