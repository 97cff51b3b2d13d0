package results_test

import (
	"fmt"

	"nabla/results"
)

// Curve finds one method's curve of a step-size sweep, or nil.
func ExampleStepSweep_Curve() {
	s := &results.StepSweep{Curves: []results.StepCurve{
		{Method: "central", Precision: "float64", Best: 1e-5},
		{Method: "central", Precision: "float32", Best: 1e-2},
	}}
	fmt.Println(s.Curve("central", "float32").Best, s.Curve("complex", "float64") == nil)
	// Output:
	// 0.01 true
}
