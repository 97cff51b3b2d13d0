package backprop_test

import (
	"fmt"
	"testing"
	"time"

	"nabla/backprop"
	"nabla/nn"
)

var benchNets = []string{"784-30-10", "784-100-10"}

var benchBatches = []int{1, 100}

// BenchmarkGradient times one Gradient call. Its metric grad/fwd is the ratio of that time to
// the reference forward pass (nn.Evaluator.Cost) on the same batch, timed right after the
// gradient loop for as many iterations, so that both come from the same moment of a shared
// machine.
func BenchmarkGradient(b *testing.B) {
	for _, arch := range benchNets {
		for _, n := range benchBatches {
			b.Run(fmt.Sprintf("engine=backprop/net=%s/batch=%d", arch, n), func(b *testing.B) {
				net := nn.MustParse(arch)
				A := net.Init(nil, 1)
				batch := net.RandomBatch(n, 1)
				e, err := backprop.New(net)
				if err != nil {
					b.Fatal(err)
				}
				dst := make([]float64, net.NumParams())
				if _, _, err := e.Gradient(dst, A, batch); err != nil {
					b.Fatal(err)
				}
				ev := nn.NewEvaluator(net)
				ev.Cost(A, batch)
				b.ReportAllocs()
				iters := 0
				for b.Loop() {
					_, _, _ = e.Gradient(dst, A, batch)
					iters++
				}
				grad := b.Elapsed()
				start := time.Now()
				for range iters {
					ev.Cost(A, batch)
				}
				fwd := time.Since(start)
				b.ReportMetric(float64(grad)/float64(fwd), "grad/fwd")
			})
		}
	}
}

// BenchmarkForward times the reference forward pass and cost, nn.Evaluator.Cost, the
// yardstick of the grad/fwd ratio.
func BenchmarkForward(b *testing.B) {
	for _, arch := range benchNets {
		for _, n := range benchBatches {
			b.Run(fmt.Sprintf("net=%s/batch=%d", arch, n), func(b *testing.B) {
				net := nn.MustParse(arch)
				A := net.Init(nil, 1)
				batch := net.RandomBatch(n, 1)
				ev := nn.NewEvaluator(net)
				ev.Cost(A, batch)
				b.ReportAllocs()
				for b.Loop() {
					ev.Cost(A, batch)
				}
			})
		}
	}
}
