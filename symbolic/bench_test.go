package symbolic_test

import (
	"fmt"
	"testing"
	"time"

	"nabla/nn"
	"nabla/symbolic"
)

var benchSink float64

// BenchmarkDerive times what preparing the engine costs without its cache: building the cost
// of one training pair, the reverse-accumulation gradient, compiling both and specialising the
// program for batches. Issue targets: 16-16-4 < 10 ms, 64-64-10 < 100 ms, 784-30-10 < 2 s.
func BenchmarkDerive(b *testing.B) {
	for _, arch := range []string{"2-3-1", "16-16-4", "64-64-10", "784-30-10"} {
		b.Run("net="+arch, func(b *testing.B) {
			net := nn.MustParse(arch)
			b.ReportAllocs()
			var d *symbolic.Derivation
			for b.Loop() {
				var err error
				d, err = symbolic.DeriveNetwork(net)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.BatchProgram(); err != nil {
					b.Fatal(err)
				}
			}
			cost, err := d.CostProgram()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(d.Program.Len()), "instr")
			b.ReportMetric(float64(d.Program.Len())/float64(cost.Len()), "instr/cost-instr")
		})
	}
}

// BenchmarkGradient times the engine's Gradient (the compiled program over the batch,
// structure-of-arrays) after warm-up.
func BenchmarkGradient(b *testing.B) {
	for _, c := range []struct {
		arch  string
		batch int
	}{{"2-3-1", 16}, {"16-32-10", 32}, {"784-30-10", 1}, {"784-30-10", 100}} {
		b.Run(fmt.Sprintf("engine=symbolic/net=%s/batch=%d", c.arch, c.batch), func(b *testing.B) {
			net := nn.MustParse(c.arch)
			A := net.Init(nil, 1)
			batch := net.RandomBatch(c.batch, 1)
			e, err := symbolic.New(net)
			if err != nil {
				b.Fatal(err)
			}
			dst := make([]float64, net.NumParams())
			_, benchSink, _ = e.Gradient(dst, A, batch)
			ev := nn.NewEvaluator(net)
			b.ReportAllocs()
			for b.Loop() {
				_, benchSink, _ = e.Gradient(dst, A, batch)
			}
			perGrad := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.StopTimer()
			reps := max(1, b.N)
			start := time.Now()
			for range reps {
				benchSink = ev.Cost(A, batch)
			}
			fwd := float64(time.Since(start).Nanoseconds()) / float64(reps)
			b.ReportMetric(perGrad/fwd, "grad/fwd")
		})
	}
}
