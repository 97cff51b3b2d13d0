package numeric

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"nabla/gradients"
	"nabla/nn"
)

// BenchmarkGradient times every registered numeric engine on small networks, with the cost
// evaluations per gradient and the time per evaluation as extra metrics (a finite-difference
// gradient is CostEvaluations forward passes, so ns/eval should be near the forward pass's).
func BenchmarkGradient(b *testing.B) {
	engines := map[string]func(*nn.Network, int) (gradients.Engine, error){
		"numeric-forward": func(net *nn.Network, th int) (gradients.Engine, error) {
			return New(net, &Settings{Formula: Forward, Threads: th})
		},
		"numeric-central": func(net *nn.Network, th int) (gradients.Engine, error) { return New(net, &Settings{Threads: th}) },
		"numeric-central5": func(net *nn.Network, th int) (gradients.Engine, error) {
			return New(net, &Settings{Formula: Central5, Threads: th})
		},
		"numeric-richardson": func(net *nn.Network, th int) (gradients.Engine, error) {
			return New(net, &Settings{Richardson: RegisteredRichardson, Threads: th})
		},
		"numeric-complex": func(net *nn.Network, th int) (gradients.Engine, error) { return newComplex(net, 0, th) },
		"numeric-forward-float32": func(net *nn.Network, th int) (gradients.Engine, error) {
			return New(net, &Settings{Formula: Forward, Precision: Float32, Threads: th})
		},
	}
	order := []string{"numeric-forward", "numeric-forward-float32", "numeric-central", "numeric-central5", "numeric-richardson", "numeric-complex"}
	threads := []int{1}
	if n := runtime.GOMAXPROCS(0); n > 1 {
		threads = append(threads, n)
	}
	for _, name := range order {
		for _, c := range []struct {
			arch  string
			batch int
		}{{"4-8-3:tanh,sigmoid", 16}, {"16-32-10", 32}, {"784-30-10", 1}} {
			for _, th := range threads {
				benchGradient(b, name, c.arch, c.batch, th, engines[name])
			}
		}
	}
}

// benchGradient times one engine on one case.
func benchGradient(b *testing.B, name, arch string, batchSize, threads int, newEngine func(*nn.Network, int) (gradients.Engine, error)) {
	b.Run(fmt.Sprintf("engine=%s/net=%s/batch=%d/threads=%d", name, arch, batchSize, threads), func(b *testing.B) {
		net := nn.MustParse(arch)
		A, batch := net.Init(nil, 1), net.RandomBatch(batchSize, 1)
		e, err := newEngine(net, threads)
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]float64, net.NumParams())
		if _, _, err := e.Gradient(dst, A, batch); err != nil {
			b.Fatal(err)
		}
		evals := e.(gradients.CostCounter).CostEvaluations()
		b.ReportAllocs()
		for b.Loop() {
			_, _, _ = e.Gradient(dst, A, batch)
		}
		b.ReportMetric(float64(evals), "cost-evals/op")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(evals), "ns/eval")
	})
}

// BenchmarkErrorBounds measures what the error bounds cost (the noise measurement and the
// per-element bound): each iteration times the same engine with and without them,
// alternately, and reports both times and their ratio (bounds/plain).
func BenchmarkErrorBounds(b *testing.B) {
	for _, s := range []struct {
		name string
		set  Settings
	}{
		{"numeric-forward", Settings{Formula: Forward, Threads: 1}},
		{"numeric-central", Settings{Threads: 1}},
		{"numeric-central5", Settings{Formula: Central5, Threads: 1}},
		{"numeric-richardson", Settings{Richardson: RegisteredRichardson, Threads: 1}},
	} {
		for _, c := range []struct {
			arch  string
			batch int
		}{{"2-3-1", 4}, {"4-8-3:tanh,sigmoid", 16}, {"16-32-10", 32}} {
			b.Run(fmt.Sprintf("engine=%s/net=%s/batch=%d", s.name, c.arch, c.batch), func(b *testing.B) {
				net := nn.MustParse(c.arch)
				A, batch := net.Init(nil, 1), net.RandomBatch(c.batch, 1)
				off := s.set
				off.NoErrorBounds = true
				with, err := New(net, &s.set)
				if err != nil {
					b.Fatal(err)
				}
				plain, err := New(net, &off)
				if err != nil {
					b.Fatal(err)
				}
				dst := make([]float64, net.NumParams())
				var tWith, tPlain time.Duration
				var ratios []float64
				b.ReportAllocs()
				for b.Loop() {
					t0 := time.Now()
					_, _, _ = with.Gradient(dst, A, batch)
					t1 := time.Now()
					_, _, _ = plain.Gradient(dst, A, batch)
					dw, dp := t1.Sub(t0), time.Since(t1)
					tWith, tPlain = tWith+dw, tPlain+dp
					ratios = append(ratios, float64(dw)/float64(dp))
				}
				b.ReportMetric(float64(tWith.Nanoseconds())/float64(b.N), "ns-bounds/op")
				b.ReportMetric(float64(tPlain.Nanoseconds())/float64(b.N), "ns-plain/op")
				// The median of the per-iteration ratios: robust to a preempted iteration on a
				// loaded machine.
				slices.Sort(ratios)
				b.ReportMetric(ratios[len(ratios)/2], "bounds/plain")
			})
		}
	}
}
