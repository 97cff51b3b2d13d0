package bench_test

import (
	"fmt"

	"nabla/bench"
)

// ParseCases reads the --nets flag of nabla report and nabla bench.
func ExampleParseCases() {
	cases, err := bench.ParseCases("2-3-1@16,784-30-10,4-8-3:tanh,sigmoid@8", 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cases {
		fmt.Println(c)
	}
	// Output:
	// net=2-3-1/batch=16
	// net=784-30-10/batch=100
	// net=4-8-3:tanh,sigmoid/batch=8
}

// The FLOP counts behind the GFLOP/s columns: a gradient by backpropagation costs the forward
// pass plus two products per layer (one for the first layer, which needs no δ), here 2.5
// forward passes' worth.
func ExampleGradientFLOPs() {
	net := bench.ScalingCase(512, 16)
	s, _ := bench.NewSetup(net, 1)
	fwd := bench.ForwardFLOPs(s.Network, s.Batch)
	grad := bench.GradientFLOPs(s.Network, s.Batch)
	fmt.Printf("%s: forward %.4g, gradient %.4g FLOPs (%.2f×)\n", net, fwd, grad, grad/fwd)
	// Output:
	// net=512-512-512/batch=16: forward 1.679e+07, gradient 4.198e+07 FLOPs (2.50×)
}
