package bench

import (
	"fmt"
	"io"
	"nabla/internal/units"
	"nabla/results"
	"runtime"
	"slices"
	"time"

	"nabla/gradients"
	"nabla/nn"
)

// Options tune the runner. The zero value measures with the defaults stated on each field.
type Options struct {
	// MinTime is the least time one timed repeat runs: the number of calls per repeat grows
	// until a repeat takes this long. Zero means 20ms.
	MinTime time.Duration
	// Repeats is the number of timed repeats; the median is reported. Zero means 5.
	Repeats int
	// Budget is the most time one gradient may take. An engine whose estimated cost per
	// gradient exceeds it (cost evaluations × forward time for finite differences, or the
	// time of its first call) is skipped with the estimate stated. Zero means 1s.
	Budget time.Duration
	// Seed draws the parameters and batches. Zero is a valid seed.
	Seed uint64
	// Progress, when not nil, receives one line per measurement.
	Progress io.Writer
}

func (o Options) minTime() time.Duration {
	if o.MinTime <= 0 {
		return 20 * time.Millisecond
	}
	return o.MinTime
}

func (o Options) repeats() int {
	if o.Repeats <= 0 {
		return 5
	}
	return o.Repeats
}

// BudgetOrDefault returns Budget, applying the default for zero.
func (o Options) BudgetOrDefault() time.Duration {
	if o.Budget <= 0 {
		return time.Second
	}
	return o.Budget
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// Forward is the timing of the reference forward pass and cost on a case (results.Forward).
type Forward = results.Forward

// Result is the timing of one engine's gradient on a case, or the reason it was skipped
// (results.Timing).
type Result = results.Timing

// Suite is the outcome of Run: the forward timings and every engine × case.
type Suite struct {
	Forward  []Forward `json:"forward"`
	Gradient []Result  `json:"gradient"`
	// Models are the engines' cost models after the run, by engine name, for further
	// estimates (CrossCheck).
	Models map[string]*gradients.CostModel `json:"-"`
}

// Engines returns the Info of every registered engine (gradients.All).
func Engines() []gradients.Info { return gradients.All() }

// timing is what measure found.
type timing struct {
	ns, cpuNs, allocs, bytes, spread float64
	reps, calls                      int
}

// measure times f: calls per repeat grow until a repeat takes MinTime, then Repeats repeats
// are timed and the median per call returned, with the allocations per call over all repeats.
// The caller has already warmed f up.
func measure(f func(), o Options) timing {
	minTime := o.minTime()
	n := 1
	for {
		start := time.Now()
		for range n {
			f()
		}
		d := time.Since(start)
		if d >= minTime || n >= 1e9 {
			break
		}
		per := max(float64(d)/float64(n), 1)
		next := int(1.2 * float64(minTime) / per)
		n = min(max(next, n+1), 100*n)
	}
	reps := o.repeats()
	times := make([]float64, reps)
	cpus := make([]float64, reps)
	cpuOK := true
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for r := range times {
		c0, ok0 := processCPU()
		start := time.Now()
		for range n {
			f()
		}
		times[r] = float64(time.Since(start)) / float64(n)
		c1, ok1 := processCPU()
		cpus[r] = float64(c1-c0) / float64(n)
		cpuOK = cpuOK && ok0 && ok1
	}
	runtime.ReadMemStats(&after)
	total := float64(reps * n)
	slices.Sort(times)
	med := Median(times)
	t := timing{
		ns:     med,
		cpuNs:  Median(cpus),
		allocs: float64(after.Mallocs-before.Mallocs) / total,
		bytes:  float64(after.TotalAlloc-before.TotalAlloc) / total,
		reps:   reps,
		calls:  n,
	}
	if med > 0 {
		t.spread = (times[len(times)-1] - times[0]) / med
	}
	if !cpuOK {
		t.cpuNs = 0
	}
	return t
}

// Median returns the median of xs (the mean of the middle two for an even count); it sorts a
// copy. It returns 0 for no values.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

var sinkK float64

// MeasureForward times the reference forward pass and cost on the setup.
func MeasureForward(s *Setup, o Options) Forward {
	ev := nn.NewEvaluator(s.Network)
	sinkK = ev.Cost(s.A, s.B) // warm-up: sizes the buffers
	t := measure(func() { sinkK = ev.Cost(s.A, s.B) }, o)
	var checkErr error
	ct := measure(func() { checkErr = s.Network.Check(s.A, s.B) }, Options{MinTime: o.minTime() / 4, Repeats: o.repeats()})
	if checkErr != nil {
		ct.ns = 0 // a setup that does not validate is the caller's error; leave the figure out
	}
	return Forward{
		CheckNs: ct.ns,
		Net:     s.Net, Params: s.Network.NumParams(), Batch: s.Batch,
		Ns: t.ns, CPUNs: t.cpuNs, Allocs: t.allocs, Bytes: t.bytes, Repeats: t.reps, Calls: t.calls, Spread: t.spread,
		GFLOPS: ForwardFLOPs(s.Network, s.Batch) / t.ns,
	}
}

// Prepared is an engine made ready to be timed on a setup, or the reason it is not timed.
type Prepared struct {
	Engine    gradients.Engine
	PrepareNs float64
	FirstNs   float64 // time of the warm-up call
	CostEvals int
	// Skip, when not empty, says why the engine is not timed on the setup; EstimateNs is the
	// estimated (or, for a slow first call, measured) time per gradient behind it.
	Skip       string
	EstimateNs float64
	// Grad and K are the result of the first call (nil and 0 when the engine was skipped
	// before it).
	Grad []float64
	K    float64
}

// Prepare builds the engine for the setup's network and decides whether it can be timed
// within the budget, before calling its Gradient (gradients.Runner.Prepare, the one budget
// check of nabla, with the engine's cost model): an engine reporting cost evaluations
// (gradients.CostCounter) is estimated as evaluations × forwardNs, any other from its cost
// model (nil for none) as the extrapolated grad/fwd ratio × forwardNs. An engine within the
// estimate is called once (the warm-up) and still skipped if that call alone exceeds the
// budget. An engine that rejects the network with gradients.ErrUnsupported is skipped with its
// message. Any other error from New or from the first call is returned.
func Prepare(info gradients.Info, s *Setup, forwardNs float64, budget time.Duration, model *gradients.CostModel) (*Prepared, error) {
	r := gradients.Runner{Budget: budget, Models: map[string]*gradients.CostModel{info.Name: model}, NoProbe: true}
	start := time.Now()
	gp, err := r.Prepare(info, s.Network, s.Batch, time.Duration(forwardNs))
	p := &Prepared{PrepareNs: float64(time.Since(start)), Engine: gp.Engine, Skip: gp.Skip, EstimateNs: float64(gp.Estimate.Time)}
	if err != nil {
		return nil, err
	}
	if cc, ok := gp.Engine.(gradients.CostCounter); ok {
		p.CostEvals = cc.CostEvaluations()
	}
	if p.Skip != "" {
		return p, nil
	}
	p.EstimateNs = 0
	dst := make([]float64, s.Network.NumParams())
	start = time.Now()
	_, p.K, err = p.Engine.Gradient(dst, s.A, s.B)
	p.FirstNs = float64(time.Since(start))
	p.Grad = dst
	if err != nil {
		return nil, fmt.Errorf("engine %s on %s: %w", info.Name, s.Net, err)
	}
	if p.FirstNs > float64(budget) {
		p.EstimateNs = p.FirstNs
		p.Skip = fmt.Sprintf("first gradient took %s, over the budget of %s; not repeated", FormatNs(p.FirstNs), budget)
	}
	return p, nil
}

// MeasureGradient times the engine's gradient on the setup against the forward timing fwd.
// model (nil for none) is the engine's cost model for Prepare; a measured ratio is added to it.
func MeasureGradient(info gradients.Info, s *Setup, fwd Forward, o Options, model *gradients.CostModel) (Result, error) {
	r := Result{Engine: info.Name, Net: s.Net, Params: s.Network.NumParams(), Batch: s.Batch, ForwardNs: fwd.Ns, ForwardCPUNs: fwd.CPUNs}
	p, err := Prepare(info, s, fwd.Ns, o.BudgetOrDefault(), model)
	if err != nil {
		return r, err
	}
	r.PrepareNs, r.FirstNs, r.CostEvals = p.PrepareNs, p.FirstNs, p.CostEvals
	if p.Skip != "" {
		r.Skipped, r.Reason, r.EstimateNs = true, p.Skip, p.EstimateNs
		return r, nil
	}
	dst := make([]float64, s.Network.NumParams())
	var gerr error
	t := measure(func() {
		if _, k, err := p.Engine.Gradient(dst, s.A, s.B); err != nil {
			gerr = err
		} else {
			sinkK = k
		}
	}, o)
	if gerr != nil {
		return r, fmt.Errorf("engine %s on %s: %w", info.Name, s.Net, gerr)
	}
	r.GradientNs, r.GradientCPUNs, r.Allocs, r.Bytes = t.ns, t.cpuNs, t.allocs, t.bytes
	if t.cpuNs > 0 && fwd.CPUNs > 0 {
		r.CPURatio = t.cpuNs / fwd.CPUNs
	}
	r.Repeats, r.Calls, r.Spread = t.reps, t.calls, t.spread
	if fwd.Ns > 0 {
		r.Ratio = t.ns / fwd.Ns
		if model != nil {
			model.Add(r.Params, r.Batch, r.Ratio)
		}
	}
	r.GFLOPS = GFLOPS(info, s.Network, s.Batch, r.CostEvals, t.ns)
	return r, nil
}

// GFLOPS returns the engine's useful floating-point rate on a gradient that took ns:
// GradientFLOPs for exact engines, cost evaluations × ForwardFLOPs for engines that count
// them, and 0 (unknown) otherwise.
func GFLOPS(info gradients.Info, net *nn.Network, batch, costEvals int, ns float64) float64 {
	if ns <= 0 {
		return 0
	}
	switch {
	case costEvals > 0:
		return float64(costEvals) * ForwardFLOPs(net, batch) / ns
	case info.Exact:
		return GradientFLOPs(net, batch) / ns
	}
	return 0
}

// Run measures the forward pass and every engine's gradient on every case. Engines too slow
// for the budget are recorded as skipped, with the reason: each engine's cost model starts
// with Probe and learns from every case measured, so cases are best given from small to large.
// An engine that returns an error on a case is recorded as failed there (Result.Failed, the
// error in Reason) and the run goes on; only an unusable case stops it.
func Run(engines []gradients.Info, cases []Case, o Options) (Suite, error) {
	models := map[string]*gradients.CostModel{}
	s := Suite{Models: models}
	for _, info := range engines {
		m, err := gradients.Probe(info, o.Seed)
		if err != nil {
			// The engine fails on the small probe networks; its failures show case by case.
			m = &gradients.CostModel{Engine: info.Name}
		}
		models[info.Name] = m
	}
	for _, c := range cases {
		setup, err := NewSetup(c, o.Seed)
		if err != nil {
			return s, err
		}
		fwd := MeasureForward(setup, o)
		s.Forward = append(s.Forward, fwd)
		o.progress("bench %-28s forward %s", c, FormatNs(fwd.Ns))
		for _, info := range engines {
			r, err := MeasureGradient(info, setup, fwd, o, models[info.Name])
			if err != nil {
				r.Skipped, r.Failed, r.Reason = true, true, "error: "+err.Error()
			}
			s.Gradient = append(s.Gradient, r)
			if r.Failed {
				o.progress("bench %-28s %-20s FAILED: %s", c, info.Name, r.Reason)
			} else if r.Skipped {
				o.progress("bench %-28s %-20s skipped: %s", c, info.Name, r.Reason)
			} else {
				o.progress("bench %-28s %-20s %s (%.1f× forward)", c, info.Name, FormatNs(r.GradientNs), r.Ratio)
			}
		}
	}
	return s, nil
}

// FormatNs prints a duration in nanoseconds with three significant digits and a unit:
// "812ns", "4.31µs", "12.0ms", "3.20s".
func FormatNs(ns float64) string { return units.FormatNs(ns) }
