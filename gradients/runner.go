package gradients

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"nabla/internal/units"
	"nabla/nn"
)

// Skip is an engine a Runner did not run, with the reason.
type Skip struct {
	Engine string `json:"engine"`
	Reason string `json:"reason"`
	// Estimate is the estimated time of one gradient behind a skip for the budget (zero for
	// other reasons).
	Estimate time.Duration `json:"estimate_ns,omitzero"`
}

// Runner runs engines on one network, parameters and batch under a time budget, with
// progress. It is the one loop behind nabla compare, report, mutate and the benchmark
// runner's budget: each engine is prepared, its time estimated (EstimateTime) and, when the
// estimate exceeds the budget, skipped with the reason. The zero value runs every engine it
// is given, silently, with no limit.
type Runner struct {
	// Budget is the longest estimated time one gradient may take; an engine estimated above
	// it is skipped. Zero means no limit.
	Budget time.Duration
	// Insist runs every engine whatever its estimate, and makes an engine that rejects the
	// network an error rather than a skip: for engines the user named.
	Insist bool
	// Models are the engines' cost models by name (see EstimateTime); an engine without one is
	// probed (Probe) when Budget is set, unless NoProbe. nil starts an empty map.
	Models map[string]*CostModel
	// NoProbe leaves engines without a cost model unestimated (they always run).
	NoProbe bool
	// Forward is the time of the reference forward pass that estimates are multiples of;
	// zero means measured on the case (ForwardTime). A nominal figure (say 1ns per
	// multiply-add) makes the choice of engines independent of the machine and its load.
	Forward time.Duration
	// Seed draws the probe networks' parameters and batches.
	Seed uint64
	// Progress, when not nil, receives progress lines: each skip with its reason; an engine
	// estimated to take longer than a quarter of a second is announced with its estimate; one
	// that runs past two seconds gets a "still running" line every ten, and the time it took
	// once it has been reported.
	Progress io.Writer
	// Prefix begins every progress line; "" means "gradients: ".
	Prefix string
	// Hint is appended to the reason of every skip for the budget, e.g. how to run the engine
	// anyway; "" adds nothing.
	Hint string
	// Hv, when not nil, is a direction v: the runner computes each engine's Hessian-vector
	// product H·v (HessianVector) instead of its gradient, as Results made by NewHvResult.
	// An engine without one (or whose HvChecker refuses the network) is skipped, or an error
	// wrapping ErrUnsupported when Insist. Estimates are a gradient's times HvCostFactor.
	Hv []float64
}

// HvCostFactor is the multiple of one gradient's estimated time that a Runner expects one
// H·v to take: an R-pass or a tangent sweep costs two to four gradients, and the difference
// engines' products take four gradients (numeric-central) or four complex passes per
// parameter (numeric-complex).
const HvCostFactor = 4

// Prepared is an engine built for a network and judged against the budget.
type Prepared struct {
	Info     Info
	Engine   Engine // nil when the engine rejected the network
	Estimate Estimate
	// Skip, when not empty, says why the engine is not to be run.
	Skip string
}

// Prepare builds the engine for the network and estimates one gradient on batch pairs from
// the forward time fwd (ForwardTime). An engine that rejects the network with ErrUnsupported
// is skipped with its message (an error when Insist); one whose estimate exceeds Budget is
// skipped with the estimate (never when Insist). Any other error from Info.New is returned.
func (r *Runner) Prepare(info Info, net *nn.Network, batch int, fwd time.Duration) (Prepared, error) {
	p := Prepared{Info: info}
	e, err := info.New(net)
	if errors.Is(err, ErrUnsupported) && !r.Insist {
		p.Skip = "unsupported: " + err.Error()
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("engine %s on %s: %w", info.Name, net, err)
	}
	p.Engine = e
	if r.Hv != nil {
		if err := HvCapable(e); err != nil {
			if r.Insist {
				return p, fmt.Errorf("engine %s: %w", info.Name, err)
			}
			p.Skip = err.Error()
			return p, nil
		}
	}
	if r.Budget <= 0 && r.Progress == nil {
		return p, nil
	}
	p.Estimate = EstimateTime(e, r.model(info), net, batch, fwd)
	if r.Hv != nil {
		p.Estimate.Time *= HvCostFactor
		p.Estimate.How = fmt.Sprintf("%d × a gradient: %s", HvCostFactor, p.Estimate.How)
	}
	if !r.Insist && r.Budget > 0 && p.Estimate.Time > r.Budget {
		p.Skip = fmt.Sprintf("estimated %s per gradient (%s) exceeds the budget of %s",
			units.FormatNs(float64(p.Estimate.Time)), p.Estimate.How, r.Budget)
		if r.Hint != "" {
			p.Skip += "; " + r.Hint
		}
	}
	return p, nil
}

// model returns the engine's cost model, probing it first when allowed.
func (r *Runner) model(info Info) *CostModel {
	if r.Models == nil {
		r.Models = map[string]*CostModel{}
	}
	m, ok := r.Models[info.Name]
	if !ok && !r.NoProbe && r.Budget > 0 {
		var err error
		if m, err = Probe(info, r.Seed); err != nil {
			m = &CostModel{Engine: info.Name} // its failures show on the case itself
		}
		r.Models[info.Name] = m
	}
	return m
}

// Outcome is what Run found: the results of the engines that ran, in the order given, their
// times, and the engines skipped.
type Outcome struct {
	Results []Result
	Engines []Engine        // the prepared engine behind each result, for further calls
	Times   []time.Duration // wall time of each result's gradient
	Skipped []Skip
}

// Run validates A and the batch, prepares every engine (Prepare), and computes the gradient
// of each one that fits, reporting progress. An engine error on the validated input stops it.
func (r *Runner) Run(infos []Info, net *nn.Network, A []float64, b nn.Batch) (Outcome, error) {
	var out Outcome
	if err := net.Check(A, b); err != nil {
		return out, err
	}
	fwd := r.Forward
	if fwd == 0 && (r.Budget > 0 || r.Progress != nil) {
		fwd = ForwardTime(net, A, b)
	}
	for _, info := range infos {
		p, err := r.Prepare(info, net, b.Len(), fwd)
		if err != nil {
			return out, err
		}
		if p.Skip != "" {
			out.Skipped = append(out.Skipped, Skip{Engine: info.Name, Reason: p.Skip, Estimate: p.Estimate.Time})
			r.say("skipping %s: %s", info.Name, p.Skip)
			continue
		}
		var (
			res  Result
			gerr error
		)
		d := r.watch(info.Name, p.Estimate, func() { res, gerr = r.compute(info, p.Engine, A, b) })
		if gerr != nil {
			return out, fmt.Errorf("engine %s: %w", info.Name, gerr)
		}
		out.Results = append(out.Results, res)
		out.Engines = append(out.Engines, p.Engine)
		out.Times = append(out.Times, d)
	}
	return out, nil
}

// compute is one engine's gradient, or its H·v along r.Hv, as a Result.
func (r *Runner) compute(info Info, e Engine, A []float64, b nn.Batch) (Result, error) {
	if r.Hv == nil {
		g, k, err := e.Gradient(nil, A, b)
		return NewResult(info, e, k, g), err
	}
	h := e.(HessianVector) // Prepare checked it
	hv, k, err := h.Hv(nil, A, r.Hv, b)
	return NewHvResult(info, h, k, hv), err
}

// HvCapable returns an error wrapping ErrUnsupported when the prepared engine has no
// Hessian-vector products on its network: it is no HessianVector, or its HvChecker refuses.
func HvCapable(e Engine) error {
	if _, ok := e.(HessianVector); !ok {
		return fmt.Errorf("%w: no Hessian-vector products", ErrUnsupported)
	}
	if c, ok := e.(HvChecker); ok {
		return c.CheckHv()
	}
	return nil
}

// Infos looks up the named engines, in order.
func Infos(names []string) ([]Info, error) {
	infos := make([]Info, len(names))
	for i, name := range names {
		info, err := Lookup(name)
		if err != nil {
			return nil, err
		}
		infos[i] = info
	}
	return infos, nil
}

// Progress thresholds of a Runner: an engine estimated above announceAfter is announced,
// one running past firstReport is reported, then every reportEvery (variables for the tests).
var (
	announceAfter = 250 * time.Millisecond
	firstReport   = 2 * time.Second
	reportEvery   = 10 * time.Second
)

// watch runs f, reporting on Progress when it is expected to or does take long, and returns
// the time f took.
func (r *Runner) watch(name string, est Estimate, f func()) time.Duration {
	start := time.Now()
	if r.Progress == nil {
		f()
		return time.Since(start)
	}
	var (
		mu       sync.Mutex
		reported bool
	)
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		reported = true
		r.say(format, args...)
	}
	if est.Time > announceAfter {
		say("%s: about %s (%s)…", name, units.FormatNs(float64(est.Time)), est.How)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTimer(firstReport)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				say("%s: still running after %s", name, time.Since(start).Round(time.Second))
				t.Reset(reportEvery)
			}
		}
	})
	f()
	d := time.Since(start)
	close(done)
	wg.Wait()
	if reported {
		say("%s: done in %s", name, d.Round(10*time.Millisecond))
	}
	return d
}

// say writes one progress line, if Progress is set.
func (r *Runner) say(format string, args ...any) {
	if r.Progress == nil {
		return
	}
	prefix := r.Prefix
	if prefix == "" {
		prefix = "gradients: "
	}
	fmt.Fprintf(r.Progress, prefix+format+"\n", args...)
}
