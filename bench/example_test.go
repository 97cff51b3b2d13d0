package bench_test

import (
	"fmt"

	"nabla/bench"
)

// A cost model extrapolates an engine's grad/fwd ratio from small networks: forward-mode
// differentiation makes one pass per parameter, so its ratio grows with the parameter count,
// and the runner skips it where the estimate exceeds the budget.
func ExampleCostModel_Estimate() {
	m := &bench.CostModel{Engine: "autodiff-forward"}
	m.Add(67, 16, 40)   // 4-8-3 at batch 16: 40 forward passes' time
	m.Add(874, 16, 480) // 16-32-10: 480
	ratio, how, _ := m.Estimate(79510, 16)
	fmt.Printf("%.3g× the forward pass (%s)\n", ratio, how)
	// Output:
	// 3.77e+04× the forward pass (grad/fwd 480 measured at 874 params, batch 16, extrapolated as params^0.97)
}

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
