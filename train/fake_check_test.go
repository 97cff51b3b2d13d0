package train

import (
	"testing"

	"nabla/gradients/gradtest"
)

// TestFakeEngine holds the test engine to the conformance kit, so the training tests rest on
// correct gradients.
func TestFakeEngine(t *testing.T) {
	gradtest.Run(t, newFake,
		gradtest.Options{AllowAllocs: true, Short: true, MaxParams: 200, DenseOnly: true})
}
