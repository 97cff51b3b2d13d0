package gradients_test

import (
	"fmt"

	"nabla/gradients"
)

// A cost model extrapolates an engine's grad/fwd ratio from small networks: forward-mode
// differentiation makes one pass per parameter, so its ratio grows with the parameter count,
// and the runner skips it where the estimate exceeds the budget.
func ExampleCostModel_Estimate() {
	m := &gradients.CostModel{Engine: "autodiff-forward"}
	m.Add(67, 16, 40)   // 4-8-3 at batch 16: 40 forward passes' time
	m.Add(874, 16, 480) // 16-32-10: 480
	ratio, how, _ := m.Estimate(79510, 16)
	fmt.Printf("%.3g× the forward pass (%s)\n", ratio, how)
	// Output:
	// 3.77e+04× the forward pass (grad/fwd 480 measured at 874 params, batch 16, extrapolated as params^0.97)
}
