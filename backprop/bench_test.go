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

// BenchmarkGradient times one Gradient call (ns/op, allocs/op). Its metric grad/fwd is the
// ratio of that time to the reference forward pass (nn.Evaluator.Cost) on the same batch: every
// iteration also runs the forward pass once with the benchmark timer stopped and times it
// separately (reported as fwd-ns/op), so that both are measured at the same moments of a
// shared, noisy machine.
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
				var fwd time.Duration
				iters := 0
				for b.Loop() {
					_, _, _ = e.Gradient(dst, A, batch)
					iters++
					b.StopTimer()
					start := time.Now()
					ev.Cost(A, batch)
					fwd += time.Since(start)
					b.StartTimer()
				}
				b.ReportMetric(float64(fwd.Nanoseconds())/float64(iters), "fwd-ns/op")
				b.ReportMetric(float64(b.Elapsed())/float64(fwd), "grad/fwd")
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
