package mutants_test

import (
	"fmt"

	"nabla/mutants"
)

func ExampleRunSecond() {
	rep, err := mutants.RunSecond(mutants.SecondConfig{Engines: []string{"backprop", "autodiff-reverse"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range rep.Faults {
		fmt.Printf("%s: changes H·v %v, backprop %v, autodiff %v\n", o.Name, o.Changes, o.Detections[0].Detected, o.Detections[1].Detected)
	}
	fmt.Println("missed or false alarms:", len(rep.Undetected()))
	// Output:
	// sigmoid-second-deriv-typo: changes H·v true, backprop true, autodiff true
	// tanh-second-deriv-typo: changes H·v true, backprop true, autodiff true
	// missing-curvature: changes H·v true, backprop true, autodiff true
	// missing-cross-term: changes H·v true, backprop true, autodiff true
	// missing-direction-term: changes H·v true, backprop true, autodiff true
	// missed or false alarms: 0
}
