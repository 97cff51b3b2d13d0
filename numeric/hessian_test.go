package numeric

import (
	"testing"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestComplexHvConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) { return NewComplex(net, 0) },
		gradtest.HvOptions{Tolerance: HvComplexTolerance})
}
