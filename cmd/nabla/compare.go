package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

// defaultBudget is the longest estimated time of an engine that nabla compare picks by
// default: half a minute.
const defaultBudget = 30 * time.Second

// maxBatchValues bounds batch × (inputs + outputs), the size of the random data compare draws.
const maxBatchValues = 50_000_000

// maxBatch bounds --batch of every command that draws a random batch.
const maxBatch = 1_000_000

func init() {
	register(&command{
		name:    "compare",
		summary: "cross-check gradient engines on seeded random parameters and data",
		usage:   "--net 4-8-3 [--act NAME] [--batch 16] [--seed 1] [--engines a,b,…] [--format table|markdown|json] [--budget 30s]",
		setup:   setupCompare,
	})
}

func setupCompare(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "", "architecture, e.g. 4-8-3 (sigmoid everywhere) or 4-8-8-3:tanh,relu,sigmoid (required)")
	act := fs.String("act", "", "activation for every layer, overriding the one in --net: "+activationNames())
	batch := countFlag(fs, "batch", 16, 1, maxBatch, "number of random training pairs")
	seed := seedFlag(fs, 1, "the random parameters (nn.Network.Init) and data (nn.Network.RandomBatch)")
	engines := fs.String("engines", "", "comma-separated engines to compare, at least two (default: every registered engine\n"+
		"that supports the net and fits --budget). Registered: "+strings.Join(gradients.Names(), ", "))
	format := formatFlag(fs, fmtTable, fmtTable, fmtMarkdown, fmtJSON)
	budget := budgetFlag(fs, defaultBudget, "longest estimated time of an engine picked by default: engines that count their\n"+
		"cost evaluations (finite differences) are estimated from the time of one evaluation, and\n"+
		"skipped with the reason on stderr above it. 0 means no limit; engines named in --engines always run")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("compare", args); err != nil {
			return err
		}
		net, err := parseNet(*arch, *act)
		if err != nil {
			return err
		}
		if int64(*batch)*int64(net.Inputs()+net.Outputs()) > maxBatchValues {
			return usageErr("--batch %d on %s: more than %d random values; use a smaller batch", *batch, net, maxBatchValues)
		}
		A := net.Init(nil, *seed)
		b := net.RandomBatch(*batch, *seed)
		c := comparison{net: net, batch: *batch, budget: *budget, stderr: stderr, evalTime: evalTime(net, A, b)}
		if err := c.pick(*engines); err != nil {
			return err
		}
		results, err := c.run(A, b, progress{w: stderr, first: 2 * time.Second, every: 10 * time.Second})
		if err != nil {
			return err
		}
		ag := reports.NewAgreement(gradients.CompareAt(net, A, b, results), results)
		ag.Params, ag.Batch, ag.Seed, ag.Skipped = net.NumParams(), *batch, *seed, c.skipped
		switch *format {
		case "table":
			err = ag.Table(stdout)
		case "markdown":
			err = ag.Markdown(stdout)
		case "json":
			err = ag.JSON(stdout)
		}
		if err != nil {
			return err
		}
		if !ag.Agree {
			if d, layer, pair, ok := reluKink(net, A, b); ok && d < kinkNote {
				fmt.Fprintf(stderr, "nabla compare: note: a ReLU pre-activation (layer %d, pair %d) is %.1e from the kink at 0;\n"+
					"  difference quotients that straddle it are not derivatives, so approximate engines may disagree there (try another --seed)\n",
					layer, pair, d)
			}
			return finding("%s", ag.Summary())
		}
		return nil
	}
}

// kinkNote is the distance from ReLU's kink below which a disagreement gets a note: larger
// than the steps of the finite-difference engines.
const kinkNote = 1e-2

// reluKink returns the smallest |pre-activation| of the network's ReLU layers over the batch,
// with its layer and training pair (1-based); ok is false if no layer is a ReLU.
func reluKink(net *nn.Network, A []float64, b nn.Batch) (d float64, layer, pair int, ok bool) {
	ev := nn.NewEvaluator(net)
	ev.Forward(A, b.X)
	d = math.Inf(1)
	for l, ly := range net.Layers {
		if dl, isDense := ly.(*nn.Dense); !isDense || dl.Act != nn.ReLU {
			continue
		}
		ok = true
		pre := ev.PreActivation(l)
		for i := 0; i < pre.Rows; i++ {
			for _, v := range pre.Data[i*pre.Stride : i*pre.Stride+pre.Cols] {
				if math.Abs(v) < d {
					d, layer, pair = math.Abs(v), l+1, i+1
				}
			}
		}
	}
	return d, layer, pair, ok
}

// comparison is one run of nabla compare: the engines picked for the network, and those
// skipped.
type comparison struct {
	net    *nn.Network
	batch  int
	budget time.Duration // 0: no limit
	stderr io.Writer
	// evalTime is the measured time of one cost evaluation over the batch.
	evalTime time.Duration
	picked   []pickedEngine
	skipped  []reports.SkippedEngine
}

type pickedEngine struct {
	info gradients.Info
	e    gradients.Engine
	work time.Duration // estimated time; 0 if unknown
}

// estimate returns an engine's estimated time when it counts its cost evaluations: each
// evaluation is a forward pass over the batch, which takes evalTime.
func (c *comparison) estimate(e gradients.Engine) (time.Duration, bool) {
	cc, ok := e.(gradients.CostCounter)
	if !ok {
		return 0, false
	}
	d := float64(cc.CostEvaluations()) * float64(c.evalTime)
	return time.Duration(min(d, math.MaxInt64)), true
}

// evalTime measures the time of one cost evaluation of net over b: the median-free mean of
// as many evaluations as fit in about a millisecond (at least one).
func evalTime(net *nn.Network, A []float64, b nn.Batch) time.Duration {
	ev := nn.NewEvaluator(net)
	start := time.Now()
	n := 0
	for n < 1000 && (n == 0 || time.Since(start) < time.Millisecond) {
		ev.Cost(A, b)
		n++
	}
	return max(time.Since(start)/time.Duration(n), time.Nanosecond)
}

// pick prepares the engines named in list (comma-separated), or by default every registered
// engine that supports the network and fits the budget.
func (c *comparison) pick(list string) error {
	if strings.TrimSpace(list) != "" {
		seen := map[string]bool{}
		for _, name := range strings.Split(list, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if seen[name] {
				return usageErr("--engines names %s twice", name)
			}
			seen[name] = true
			info, err := gradients.Lookup(name)
			if err != nil {
				return usageErr("--engines: %v", err)
			}
			e, err := gradients.New(name, c.net)
			if err != nil {
				return err
			}
			w, _ := c.estimate(e)
			c.picked = append(c.picked, pickedEngine{info, e, w})
		}
		if len(c.picked) < 2 {
			return usageErr("--engines %q: name at least two engines to compare (registered: %s)", list, strings.Join(gradients.Names(), ", "))
		}
		return nil
	}
	for _, info := range gradients.All() {
		e, err := gradients.New(info.Name, c.net)
		if errors.Is(err, gradients.ErrUnsupported) {
			c.skip(info.Name, err.Error())
			continue
		}
		if err != nil {
			return err
		}
		w, ok := c.estimate(e)
		if ok && c.budget > 0 && w > c.budget {
			c.skip(info.Name, fmt.Sprintf("%d cost evaluations × %s per evaluation of batch %d ≈ %s > --budget %s; name it in --engines to run it anyway",
				e.(gradients.CostCounter).CostEvaluations(), c.evalTime, c.batch, fmtDuration(w), c.budget))
			continue
		}
		c.picked = append(c.picked, pickedEngine{info, e, w})
	}
	if len(c.picked) < 2 {
		names := make([]string, len(c.picked))
		for i, p := range c.picked {
			names[i] = p.info.Name
		}
		return usageHint("raise --budget or name engines in --engines", "only %d engine(s) can run %s with batch %d (%s); nothing to compare",
			len(c.picked), c.net, c.batch, strings.Join(names, ", "))
	}
	return nil
}

func (c *comparison) skip(name, reason string) {
	fmt.Fprintf(c.stderr, "nabla compare: skipping %s: %s\n", name, reason)
	c.skipped = append(c.skipped, reports.SkippedEngine{Name: name, Reason: reason})
}

// run validates A and the batch, then computes every picked engine's gradient in turn, as
// gradients.Run does, reporting progress on slow engines.
func (c *comparison) run(A []float64, b nn.Batch, p progress) ([]gradients.Result, error) {
	if err := c.net.Check(A, b); err != nil {
		return nil, err
	}
	results := make([]gradients.Result, 0, len(c.picked))
	for _, pe := range c.picked {
		var (
			g   []float64
			k   float64
			err error
		)
		p.watch(pe.info.Name, pe.work, func() { g, k, err = pe.e.Gradient(nil, A, b) })
		if err != nil {
			return nil, fmt.Errorf("engine %s: %w", pe.info.Name, err)
		}
		results = append(results, gradients.Result{Engine: pe.info.Name, Tolerance: pe.info.Tol(), K: k, Grad: g, Step: pe.info.KinkStep()})
	}
	return results, nil
}

// progress reports on stderr engines that take long: a line when an engine with a large
// estimate starts, a line after first and then every every while it runs, and the time it
// took once it has been reported.
type progress struct {
	w            io.Writer
	first, every time.Duration
}

// bigWork is the estimate above which an engine is announced when it starts.
const bigWork = 2 * time.Second

func (p progress) watch(name string, work time.Duration, f func()) {
	start := time.Now()
	var (
		mu       sync.Mutex
		reported bool
	)
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		reported = true
		fmt.Fprintf(p.w, "nabla compare: "+format+"\n", args...)
	}
	if work > bigWork {
		say("%s: about %s…", name, fmtDuration(work))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTimer(p.first)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				say("%s: still running after %s", name, time.Since(start).Round(time.Second))
				t.Reset(p.every)
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	if reported {
		say("%s: done in %s", name, time.Since(start).Round(10*time.Millisecond))
	}
}

// parseNet parses --net and applies --act to every layer.
func parseNet(arch, act string) (*nn.Network, error) {
	if strings.TrimSpace(arch) == "" {
		return nil, usageErr("--net is required, e.g. --net 4-8-3 or --net 4-8-3:tanh,sigmoid")
	}
	net, err := nn.Parse(arch)
	if err != nil {
		return nil, usageErr("--net: %v", err)
	}
	if act == "" {
		return net, nil
	}
	a, err := nn.ParseActivation(act)
	if err != nil {
		return nil, usageErr("--act: %v", err)
	}
	layers := make([]nn.Layer, len(net.Layers))
	for i, l := range net.Layers {
		d := *l.(*nn.Dense)
		d.Act = a
		layers[i] = &d
	}
	net, err = nn.New(layers...)
	if err != nil {
		return nil, usageErr("--act: %v", err)
	}
	return net, nil
}

func activationNames() string {
	var names []string
	for _, a := range nn.Activations() {
		names = append(names, a.String())
	}
	return strings.Join(names, ", ")
}
