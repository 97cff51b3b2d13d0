package bench

import "nabla/nn"

// ForwardFLOPs is the floating-point operation count of the reference forward pass and cost
// on a batch of n pairs: the sum of every layer's forward count (nn.Layer.FLOPs; for a dense
// layer 2·In·Out per pair for the products plus Out for the biases); activations and the cost
// are left out.
func ForwardFLOPs(net *nn.Network, n int) float64 {
	var f float64
	for _, l := range net.Layers() {
		f += float64(n) * l.FLOPs().Forward
	}
	return f
}

// GradientFLOPs is the operation count of one gradient by backpropagation on a batch of n
// pairs: the forward pass, the parameter gradient of every layer (for a dense layer 2·In·Out
// + Out per pair), and the propagation of ∂K back through every layer but the first (another
// 2·In·Out per pair for a dense layer), as each layer counts them (nn.Layer.FLOPs). It is the
// yardstick for every exact engine's GFLOP/s: the useful work, whatever the engine does.
func GradientFLOPs(net *nn.Network, n int) float64 {
	f := ForwardFLOPs(net, n)
	for i, l := range net.Layers() {
		c := l.FLOPs()
		f += float64(n) * c.ParamGrad
		if i > 0 {
			f += float64(n) * c.InputGrad
		}
	}
	return f
}
