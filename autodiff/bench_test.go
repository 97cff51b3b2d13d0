package autodiff_test

import (
	"fmt"
	"testing"
	"time"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/nn"
)

// benchCase is one engine × network × batch size of the benchmarks.
type benchCase struct {
	engine string
	net    string
	batch  int
}

// The reverse engine runs on the sizes of backprop's benchmarks; the forward engine, whose
// full gradient takes one tangent pass per parameter, on two small sizes (≈ 0.9k and 4.8k
// parameters) to show its linear growth in the grad/fwd ratio.
var benchCases = []benchCase{
	{"autodiff-reverse", "784-30-10", 1},
	{"autodiff-reverse", "784-30-10", 100},
	{"autodiff-reverse", "784-100-10", 1},
	{"autodiff-reverse", "784-100-10", 100},
	{"autodiff-forward", "16-32-10", 32},
	{"autodiff-forward", "64-64-10", 32},
}

// BenchmarkGradient times one Gradient call. Its metric grad/fwd is the ratio of that time to
// the reference forward pass (nn.Evaluator.Cost) on the same batch, timed right after the
// gradient loop for as many iterations, so that both come from the same moment of a shared
// machine; grad/fwd/param divides it by the parameter count (about 1 for the forward engine).
func BenchmarkGradient(b *testing.B) {
	for _, c := range benchCases {
		b.Run(fmt.Sprintf("engine=%s/net=%s/batch=%d", c.engine, c.net, c.batch), func(b *testing.B) {
			net := nn.MustParse(c.net)
			A := net.Init(nil, 1)
			batch := net.RandomBatch(c.batch, 1)
			e, err := gradients.New(c.engine, net)
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
			ratio := float64(grad) / float64(time.Since(start))
			b.ReportMetric(ratio, "grad/fwd")
			b.ReportMetric(ratio/float64(net.NumParams()), "grad/fwd/param")
			b.ReportMetric(float64(net.NumParams()), "params")
		})
	}
}

// BenchmarkDirectional times the forward engine's ∇K·v, one dual-number pass, on the largest
// network; grad/fwd compares it with the reference forward pass.
func BenchmarkDirectional(b *testing.B) {
	for _, c := range []benchCase{{"autodiff-forward", "784-100-10", 100}, {"autodiff-forward", "64-64-10", 32}} {
		b.Run(fmt.Sprintf("engine=%s/net=%s/batch=%d", c.engine, c.net, c.batch), func(b *testing.B) {
			net := nn.MustParse(c.net)
			A := net.Init(nil, 1)
			v := net.Init(nil, 2)
			batch := net.RandomBatch(c.batch, 1)
			e, err := autodiff.NewForward(net)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := e.Directional(A, v, batch); err != nil {
				b.Fatal(err)
			}
			ev := nn.NewEvaluator(net)
			ev.Cost(A, batch)
			b.ReportAllocs()
			iters := 0
			for b.Loop() {
				_, _, _ = e.Directional(A, v, batch)
				iters++
			}
			grad := b.Elapsed()
			start := time.Now()
			for range iters {
				ev.Cost(A, batch)
			}
			b.ReportMetric(float64(grad)/float64(time.Since(start)), "grad/fwd")
		})
	}
}
