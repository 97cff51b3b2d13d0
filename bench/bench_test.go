package bench

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"nabla/gradients"
	"nabla/internal/par"
	"nabla/nn"
)

var (
	budgetFlag = flag.Duration("budget", time.Second, "skip an engine × case whose estimated time per gradient exceeds this")
	seedFlag   = flag.Uint64("seed", 1, "seed of the parameters and batches")
	casesFlag  = flag.String("cases", "", "cases to time instead of DefaultCases, as nabla bench --nets takes them: 784-30-10@1,784-300-100-10@100")
)

// benchCases returns the cases of -cases, or DefaultCases.
func benchCases(b *testing.B) []Case {
	if *casesFlag == "" {
		return DefaultCases
	}
	cs, err := ParseCases(*casesFlag, 1)
	if err != nil {
		b.Fatal(err)
	}
	return cs
}

var (
	sink     float64
	fwdCache sync.Map // threadedCase → Forward
)

// threadedCase keys the forward timings: a case on a number of threads.
type threadedCase struct {
	Case
	threads int
}

// threadCounts are the thread counts every benchmark runs on: 1 and all cores (par.Threads()),
// if that is more.
func threadCounts() []int {
	if n := par.Threads(); n > 1 {
		return []int{1, n}
	}
	return []int{1}
}

// withThreads runs f once per thread count, as a sub-benchmark named threads=N, with
// par's default set to N so that the engines built inside use N threads.
func withThreads(b *testing.B, f func(b *testing.B, threads int)) {
	for _, th := range threadCounts() {
		b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
			defer par.SetThreads(par.Threads())
			par.SetThreads(th)
			f(b, th)
		})
	}
}

func mustSetup(b *testing.B, c Case) *Setup {
	b.Helper()
	s, err := NewSetup(c, *seedFlag)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// forward is the reference forward timing of a case on the current default number of
// threads, measured once per test binary run.
func forward(s *Setup) Forward {
	key := threadedCase{s.Case, par.Threads()}
	if v, ok := fwdCache.Load(key); ok {
		return v.(Forward)
	}
	f := MeasureForward(s, Options{MinTime: 2 * time.Millisecond, Repeats: 3})
	fwdCache.Store(key, f)
	return f
}

// BenchmarkForward times the reference forward pass and cost, nn.Evaluator.Cost, on every
// default case, on one thread and on all cores (threads=N): the yardstick of the grad/fwd
// ratio.
func BenchmarkForward(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.String(), func(b *testing.B) {
			withThreads(b, func(b *testing.B, _ int) {
				s := mustSetup(b, c)
				ev := nn.NewEvaluator(s.Network)
				sink = ev.Cost(s.A, s.B)
				b.ReportAllocs()
				for b.Loop() {
					sink = ev.Cost(s.A, s.B)
				}
				b.ReportMetric(ForwardFLOPs(s.Network, s.Batch)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
			})
		})
	}
}

// BenchmarkGradient times every registered engine on every default case, on one thread and
// on all cores, named engine=…/net=…/batch=…/threads=… for benchstat (-col /engine). Engines estimated to take longer than
// -budget per gradient are skipped with the estimate in the skip message.
func BenchmarkGradient(b *testing.B) {
	for _, info := range gradients.All() {
		b.Run("engine="+info.Name, func(b *testing.B) {
			for _, c := range benchCases(b) {
				b.Run(c.String(), func(b *testing.B) {
					withThreads(b, func(b *testing.B, _ int) { benchGradient(b, info, c) })
				})
			}
		})
	}
}

// BenchmarkCNN times every engine that handles convolutions on lenet1 and lenet2 (CNNCases),
// the networks ../shared/peers/torch_cnn.py times in PyTorch, named
// engine=…/net=lenet1/batch=…/threads=… with grad/fwd as in BenchmarkGradient. Engines
// estimated above -budget (the difference engines, with a cost pass per parameter) are skipped.
func BenchmarkCNN(b *testing.B) {
	for _, info := range gradients.All() {
		b.Run("engine="+info.Name, func(b *testing.B) {
			for _, c := range CNNCases {
				b.Run(c.String(), func(b *testing.B) {
					withThreads(b, func(b *testing.B, _ int) { benchGradient(b, info, c) })
				})
			}
		})
	}
}

func benchGradient(b *testing.B, info gradients.Info, c Case) {
	s := mustSetup(b, c)
	f := forward(s)
	fwd := f.Ns
	p, err := Prepare(info, s, fwd, *budgetFlag, costModel(b, info))
	if err != nil {
		b.Fatal(err)
	}
	if p.Skip != "" {
		// Printed as well as skipped, so that a skip shows without -v (benchstat ignores
		// the line).
		fmt.Fprintf(os.Stdout, "SKIP %s: %s\n", b.Name(), p.Skip)
		b.Skip(p.Skip)
	}
	dst := make([]float64, s.Network.NumParams())
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		_, k, err := p.Engine.Gradient(dst, s.A, s.B)
		if err != nil {
			b.Fatal(err)
		}
		sink = k
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(ns/fwd, "grad/fwd")
	// Process CPU time is less disturbed than wall time when other processes share the
	// machine. It includes the framework's own work and is counted in microseconds, so it is
	// reported only when the loop used enough of it (not for -benchtime=1x on small nets).
	if cpu1, ok := processCPU(); cpuOK && ok && f.CPUNs > 0 && cpu1-cpu0 >= 20*time.Millisecond {
		cpu := float64(cpu1-cpu0) / float64(b.N)
		b.ReportMetric(cpu, "cpu-ns/op")
		b.ReportMetric(cpu/f.CPUNs, "cpu-grad/fwd")
	}
	if g := GFLOPS(info, s.Network, s.Batch, p.CostEvals, ns); g > 0 {
		b.ReportMetric(g, "GFLOP/s")
	}
	if p.CostEvals > 0 {
		b.ReportMetric(float64(p.CostEvals), "evals/op")
	}
	costModel(b, info).Add(s.Network.NumParams(), s.Batch, ns/fwd)
}

var (
	modelsMu sync.Mutex
	models   = map[string]*gradients.CostModel{}
)

// costModel returns the engine's cost model, probing it on first use.
func costModel(b *testing.B, info gradients.Info) *gradients.CostModel {
	modelsMu.Lock()
	defer modelsMu.Unlock()
	if m, ok := models[info.Name]; ok {
		return m
	}
	m, err := gradients.Probe(info, *seedFlag)
	if err != nil {
		b.Fatal(err)
	}
	models[info.Name] = m
	return m
}
