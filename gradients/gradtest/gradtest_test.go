package gradtest_test

import (
	"fmt"
	"testing"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

// centralEngine is the kit's own reference wrapped as an engine, to check that the kit's
// hand-worked cases and plumbing are right. It is test code, not an engine of nabla.
type centralEngine struct{ net *nn.Network }

func (c *centralEngine) Name() string { return "central-reference" }
func (c *centralEngine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("central-reference", dst, c.net.NumParams())
	k, err := c.net.Cost(A, b)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	copy(dst, gradtest.CentralReference(c.net, A, b))
	return dst, k, nil
}

func TestKitOnCentralReference(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return &centralEngine{net}, nil },
		gradtest.Options{Tolerance: 1e-7, AllowAllocs: true, Short: true})
}
