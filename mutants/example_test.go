package mutants_test

import (
	"fmt"

	"nabla/mutants"
	"nabla/nn"
)

func ExampleRun() {
	rep, err := mutants.Run(mutants.Config{Engines: []string{"backprop", "numeric-central"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range rep.Faults[:3] {
		fmt.Printf("%s: wrong at %s, backprop names %s\n", o.Name, o.Truth, o.Detections[0].Block)
	}
	for _, r := range rep.Rates() {
		fmt.Printf("%s: full %d/%d, directional %d/%d\n", r.Engine, r.Full, r.Faults, r.Directional, r.Faults)
	}
	// Output:
	// missing-output-deriv: wrong at W3, backprop names W3
	// missing-hidden-deriv: wrong at W2, backprop names W2
	// deriv-at-activation: wrong at W3, backprop names W3
	// backprop: full 20/20, directional 20/20
	// numeric-central: full 20/20, directional 20/20
	// central-along-v: full 20/20, directional 20/20
}

func ExampleNew() {
	net := nn.MustParse("2-1")
	b, _ := nn.NewBatch([][]float64{{1, 2}}, [][]float64{{1}})
	A := []float64{0, 0, 0} // z = σ(0) = ½, σ' = ¼
	for _, name := range []string{"none", "missing-output-deriv", "half-gradient", "sign-flip"} {
		f, _ := mutants.Lookup(name)
		e, _ := mutants.New(net, f)
		g, _, _ := e.Gradient(nil, A, b)
		fmt.Printf("%-21s %.4f\n", name, g)
	}
	// Output:
	// none                  [-0.2500 -0.5000 -0.2500]
	// missing-output-deriv  [-1.0000 -2.0000 -1.0000]
	// half-gradient         [-0.1250 -0.2500 -0.1250]
	// sign-flip             [0.2500 0.5000 0.2500]
}
