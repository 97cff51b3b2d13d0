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

// The reverse engine runs on the sizes of backprop's benchmarks and on the smallest network,
// where the per-operation overhead of the tape is the whole cost; the forward engine, whose
// full gradient takes one tangent pass per parameter, on two small networks of the same shape,
// the second twice as wide (874 and 3412 parameters, the first layer holding 59% and 60% of
// them), so that its grad/fwd ratio shows the linear growth with the parameter count.
var benchCases = []benchCase{
	{"autodiff-reverse", "2-3-1", 1},
	{"autodiff-reverse", "784-30-10", 1},
	{"autodiff-reverse", "784-30-10", 100},
	{"autodiff-reverse", "784-100-10", 1},
	{"autodiff-reverse", "784-100-10", 100},
	{"autodiff-forward", "16-32-10", 32},
	{"autodiff-forward", "32-64-20", 32},
}

// BenchmarkGradient times one Gradient call; see reportAgainstForward for its metrics, and
// params is the parameter count.
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
			b.ReportAllocs()
			iters := 0
			cpu0 := cpuTime()
			for b.Loop() {
				_, _, _ = e.Gradient(dst, A, batch)
				iters++
			}
			reportAgainstForward(b, net, A, batch, iters, cpuTime()-cpu0)
			b.ReportMetric(float64(net.NumParams()), "params")
		})
	}
}

// BenchmarkDirectional times the forward engine's ∇K·v, one dual-number pass, on the largest
// network and a small one; see reportAgainstForward for the metrics.
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
			b.ReportAllocs()
			iters := 0
			cpu0 := cpuTime()
			for b.Loop() {
				_, _, _ = e.Directional(A, v, batch)
				iters++
			}
			reportAgainstForward(b, net, A, batch, iters, cpuTime()-cpu0)
		})
	}
}

// reportAgainstForward times the reference forward pass (nn.Evaluator.Cost) on the same batch
// for as many iterations as the benchmark loop made, right after it so that both come from the
// same moment of a shared machine, and reports cpu-ns/op (CPU time per call, which on a loaded
// machine varies much less than wall time), grad/fwd (wall-time ratio to the forward pass),
// cpu-grad/fwd (the CPU-time ratio) and cpu-grad/fwd/param (that ratio per parameter: about
// constant for the forward engine, whose full gradient takes one pass per parameter).
func reportAgainstForward(b *testing.B, net *nn.Network, A []float64, batch nn.Batch, iters int, cpu time.Duration) {
	wall := b.Elapsed()
	ev := nn.NewEvaluator(net)
	ev.Cost(A, batch)
	cpu0, start := cpuTime(), time.Now()
	for range iters {
		ev.Cost(A, batch)
	}
	fwdWall, fwdCPU := time.Since(start), cpuTime()-cpu0
	b.ReportMetric(float64(wall)/float64(fwdWall), "grad/fwd")
	if cpu > 0 && fwdCPU > 0 {
		b.ReportMetric(float64(cpu)/float64(iters), "cpu-ns/op")
		b.ReportMetric(float64(cpu)/float64(fwdCPU), "cpu-grad/fwd")
		b.ReportMetric(float64(cpu)/float64(fwdCPU)/float64(net.NumParams()), "cpu-grad/fwd/param")
	}
}
