package bench

import "nabla/nn"

// ForwardFLOPs is the floating-point operation count of the reference forward pass and cost
// on a batch of n pairs, counting the dense products (2·In·Out per pair and layer: a multiply
// and an add per weight) and the bias additions; activations and the cost are left out.
func ForwardFLOPs(net *nn.Network, n int) float64 {
	var f float64
	for _, l := range net.Layers {
		f += float64(n) * (2*float64(l.Inputs())*float64(l.Outputs()) + float64(l.Outputs()))
	}
	return f
}

// GradientFLOPs is the operation count of one gradient by backpropagation on a batch of n
// pairs: the forward pass, the weight gradient of every layer (2·In·Out per pair), and the
// propagation of δ back through every layer but the first (another 2·In·Out per pair). It is
// the yardstick for every exact engine's GFLOP/s: the useful work, whatever the engine does.
func GradientFLOPs(net *nn.Network, n int) float64 {
	f := ForwardFLOPs(net, n)
	for i, l := range net.Layers {
		mm := 2 * float64(l.Inputs()) * float64(l.Outputs()) * float64(n)
		f += mm + float64(n)*float64(l.Outputs()) // ∂W and ∂b
		if i > 0 {
			f += mm
		}
	}
	return f
}
