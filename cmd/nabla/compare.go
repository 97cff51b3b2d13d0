package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

// defaultBudget is the largest estimated work, in multiply-adds, of an engine that nabla
// compare picks by default: about half a minute of finite differences on one core.
const defaultBudget = 2e10

// maxBatchValues bounds batch × (inputs + outputs), the size of the random data compare draws.
const maxBatchValues = 50_000_000

func init() {
	register(&command{
		name:    "compare",
		summary: "cross-check gradient engines on seeded random parameters and data",
		usage:   "--net 4-8-3 [--act NAME] [--batch 16] [--seed 1] [--engines a,b,…] [--format table|markdown|json] [--budget N]",
		setup:   setupCompare,
	})
}

// compareFormats lists the output formats of compare; the help text and the check both use it.
var compareFormats = []string{"table", "markdown", "json"}

func setupCompare(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "", "architecture, e.g. 4-8-3 (sigmoid everywhere) or 4-8-8-3:tanh,relu,sigmoid (required)")
	act := fs.String("act", "", "activation for every layer, overriding the one in --net: "+activationNames())
	batch := fs.Int("batch", 16, "number of random training pairs")
	seed := fs.Uint64("seed", 1, "seed of the random parameters (nn.Network.Init) and data (nn.Network.RandomBatch)")
	engines := fs.String("engines", "", "comma-separated engines to compare, at least two (default: every registered engine\n"+
		"that supports the net and fits --budget). Registered: "+strings.Join(gradients.Names(), ", "))
	format := fs.String("format", "table", "output format: "+strings.Join(compareFormats, ", "))
	budget := fs.Float64("budget", defaultBudget, "largest estimated work (cost evaluations × parameters × batch, in multiply-adds) of an\n"+
		"engine picked by default; engines that count cost evaluations (finite differences) above it\n"+
		"are skipped with the reason on stderr. 0 means no limit; engines named in --engines always run")
	return func(args []string, stdout, stderr io.Writer) error {
		if len(args) > 0 {
			return usageErr("unexpected arguments %q; every input is a flag", args)
		}
		if !slices.Contains(compareFormats, *format) {
			return usageErr("unknown --format %q; want one of %s", *format, strings.Join(compareFormats, ", "))
		}
		net, err := parseNet(*arch, *act)
		if err != nil {
			return err
		}
		if *batch < 1 {
			return usageErr("--batch %d: want at least 1 training pair", *batch)
		}
		if int64(*batch)*int64(net.Inputs()+net.Outputs()) > maxBatchValues {
			return usageErr("--batch %d on %s: more than %d random values; use a smaller batch", *batch, net, maxBatchValues)
		}
		if *budget < 0 {
			return usageErr("--budget %g: want 0 (no limit) or a positive number of multiply-adds", *budget)
		}
		c := comparison{net: net, batch: *batch, budget: *budget, stderr: stderr}
		if err := c.pick(*engines); err != nil {
			return err
		}
		A := net.Init(nil, *seed)
		b := net.RandomBatch(*batch, *seed)
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
			if k := nn.NewKinkProbe(net).Reset(A, b).Nearest(); k.Distance < kinkNote {
				fmt.Fprintf(stderr, "nabla compare: note: K is %.1e from a non-smooth point (%v at layer %d, pair %d);\n"+
					"  difference quotients that straddle it are not derivatives, so approximate engines may disagree there (try another --seed)\n",
					k.Distance, k.Kind, k.Layer+1, k.Pair+1)
			}
			return &exitError{code: 1, msg: ag.Summary()}
		}
		return nil
	}
}

// kinkNote is the distance from a non-smooth point (ReLU's kink) below which a disagreement gets a note: larger
// than the steps of the finite-difference engines.
const kinkNote = 1e-2

// comparison is one run of nabla compare: the engines picked for the network, and those
// skipped.
type comparison struct {
	net     *nn.Network
	batch   int
	budget  float64 // 0: no limit
	stderr  io.Writer
	picked  []pickedEngine
	skipped []reports.SkippedEngine
}

type pickedEngine struct {
	info gradients.Info
	e    gradients.Engine
	work float64 // estimated multiply-adds; 0 if unknown
}

// estimate returns an engine's work in multiply-adds when it counts its cost evaluations:
// each evaluation is a forward pass over the batch, about NumParams multiply-adds per pair.
func estimate(e gradients.Engine, net *nn.Network, batch int) (float64, bool) {
	cc, ok := e.(gradients.CostCounter)
	if !ok {
		return 0, false
	}
	return float64(cc.CostEvaluations()) * float64(net.NumParams()) * float64(batch), true
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
			w, _ := estimate(e, c.net, c.batch)
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
		w, ok := estimate(e, c.net, c.batch)
		if ok && c.budget > 0 && w > c.budget {
			c.skip(info.Name, fmt.Sprintf("%d cost evaluations × %d parameters × batch %d ≈ %.1e multiply-adds > --budget %.1e; name it in --engines to run it anyway",
				e.(gradients.CostCounter).CostEvaluations(), c.net.NumParams(), c.batch, w, c.budget))
			continue
		}
		c.picked = append(c.picked, pickedEngine{info, e, w})
	}
	if len(c.picked) < 2 {
		names := make([]string, len(c.picked))
		for i, p := range c.picked {
			names[i] = p.info.Name
		}
		return fmt.Errorf("only %d engine(s) can run %s with batch %d (%s); nothing to compare (raise --budget or name engines in --engines)",
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
		results = append(results, gradients.NewResult(pe.info, pe.e, k, g))
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
const bigWork = 1e9

func (p progress) watch(name string, work float64, f func()) {
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
		say("%s: about %.1e multiply-adds…", name, work)
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
	layers := make([]nn.Layer, net.NumLayers())
	for i, l := range net.Layers() {
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

// usageErr is a bad flag value: one line, exit status 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}
