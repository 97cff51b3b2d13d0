package numeric

import (
	"fmt"
	"testing"

	"nabla/gradients"
	"nabla/nn"
)

// BenchmarkGradient times every registered numeric engine on small networks, with the cost
// evaluations per gradient and the time per evaluation as extra metrics (a finite-difference
// gradient is CostEvaluations forward passes, so ns/eval should be near the forward pass's).
func BenchmarkGradient(b *testing.B) {
	engines := map[string]func(*nn.Network) (gradients.Engine, error){
		"numeric-forward":  func(net *nn.Network) (gradients.Engine, error) { return New(net, &Settings{Formula: Forward}) },
		"numeric-central":  func(net *nn.Network) (gradients.Engine, error) { return New(net, nil) },
		"numeric-central5": func(net *nn.Network) (gradients.Engine, error) { return New(net, &Settings{Formula: Central5}) },
		"numeric-richardson": func(net *nn.Network) (gradients.Engine, error) {
			return New(net, &Settings{Richardson: RegisteredRichardson})
		},
		"numeric-complex": func(net *nn.Network) (gradients.Engine, error) { return NewComplex(net, 0) },
		"numeric-forward-float32": func(net *nn.Network) (gradients.Engine, error) {
			return New(net, &Settings{Formula: Forward, Precision: Float32})
		},
	}
	order := []string{"numeric-forward", "numeric-forward-float32", "numeric-central", "numeric-central5", "numeric-richardson", "numeric-complex"}
	for _, name := range order {
		for _, c := range []struct {
			arch  string
			batch int
		}{{"4-8-3:tanh,sigmoid", 16}, {"16-32-10", 32}} {
			b.Run(fmt.Sprintf("engine=%s/net=%s/batch=%d", name, c.arch, c.batch), func(b *testing.B) {
				net := nn.MustParse(c.arch)
				A, batch := net.Init(nil, 1), net.RandomBatch(c.batch, 1)
				e, err := engines[name](net)
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
	}
}
