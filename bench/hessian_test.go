package bench

import (
	"math"
	"slices"
	"testing"
	"time"

	"nabla/gradients"
)

// HvCases are the networks of BenchmarkHv: a small one every engine can do, the MNIST
// networks at batch 100 on which H·v should cost a small multiple of a gradient, and a small
// MNIST CNN (the R-pass through convolution and max pooling).
var HvCases = []Case{
	{Net: "16-32-10", Batch: 32}, {Net: "784-30-10", Batch: 100}, {Net: "784-100-10", Batch: 100},
	{Net: "1x28x28-conv8@5x5-maxpool2-10:tanh,sigmoid", Batch: 32},
}

// hvMaxParams bounds the networks on which BenchmarkHv runs the engines whose H·v grows with
// the parameter count (numeric-central: four complex-step gradients of n complex passes each;
// numeric-complex: a bicomplex pass per parameter; symbolic: a DAG per parameter).
const hvMaxParams = 1000

// BenchmarkHv times one Hessian-vector product of every engine that has one, named
// engine=…/net=…/batch=…, and reports hv/grad: the time of H·v over the time of the same
// engine's gradient, measured in the same run, the median over the iterations of the ratio of
// each product to one gradient timed right after it off the benchmark's clock, so that both
// see the same load and a burst of load on a shared machine moves one ratio, not the figure.
func BenchmarkHv(b *testing.B) {
	for _, info := range gradients.All() {
		b.Run("engine="+info.Name, func(b *testing.B) {
			for _, c := range HvCases {
				b.Run(c.String(), func(b *testing.B) { benchHv(b, info, c) })
			}
		})
	}
}

func benchHv(b *testing.B, info gradients.Info, c Case) {
	s := mustSetup(b, c)
	e, err := info.New(s.Network)
	if err != nil {
		b.Skip(err)
	}
	if err := gradients.HvCapable(e); err != nil {
		b.Skip(err) // no H·v, or not on this engine's settings (numeric-forward)
	}
	h := e.(gradients.HessianVector)
	if s.Network.NumParams() > hvMaxParams && info.Name != "backprop" && info.Name != "autodiff-reverse" {
		b.Skipf("%d parameters: more than %d for an engine whose H·v grows with them", s.Network.NumParams(), hvMaxParams)
	}
	n := s.Network.NumParams()
	v := gradients.Direction(n, *seedFlag, 0)
	dst, grad := make([]float64, n), make([]float64, n)
	if _, _, err := h.Hv(dst, s.A, v, s.B); err != nil { // warm-up (symbolic compiles here)
		b.Fatal(err)
	}
	if _, _, err := e.Gradient(grad, s.A, s.B); err != nil {
		b.Fatal(err)
	}
	ratios := make([]float64, 0, 4096) // allocated before the loop: appends within cap do not allocate
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, _, err := h.Hv(dst, s.A, v, s.B); err != nil {
			b.Fatal(err)
		}
		hvTime := time.Since(start)
		b.StopTimer() // one gradient after each product, off the clock
		start = time.Now()
		_, _, _ = e.Gradient(grad, s.A, s.B)
		if g := time.Since(start); len(ratios) < cap(ratios) && g > 0 {
			ratios = append(ratios, float64(hvTime)/float64(g))
		}
		b.StartTimer()
	}
	b.ReportMetric(median(ratios), "hv/grad")
}

// median returns the median of x (reordering it), NaN for none.
func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	slices.Sort(x)
	if n := len(x); n%2 == 1 {
		return x[n/2]
	}
	return (x[len(x)/2-1] + x[len(x)/2]) / 2
}
