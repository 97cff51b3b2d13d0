package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

// defaultBudget is the longest estimated time of one gradient of an engine that nabla compare
// picks by default.
const defaultBudget = 30 * time.Second

// maxBatchValues bounds batch × (inputs + outputs), the size of the random data compare draws.
const maxBatchValues = 50_000_000

// maxBatch bounds --batch of every command that draws a random batch.
const maxBatch = 1_000_000

func init() {
	register(&command{
		name:    "compare",
		summary: "cross-check gradient engines on seeded random parameters and data",
		usage:   "--net 4-8-3 [--act NAME] [--cost quadratic|xent] [--batch 16] [--seed 1] [--engines a,b,…] [--format table|markdown|json|csv] [--wide] [--budget 30s] [--order 1|2] [--directions 4] [--atol A] [--rtol R] [--step H] [--directional N] [--detail all|K]",
		setup:   setupCompare,
	})
}

func setupCompare(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "", "architecture, e.g. 4-8-3 (sigmoid everywhere) or 4-8-8-3:tanh,relu,sigmoid (required)")
	act := fs.String("act", "", "activation for every layer, overriding the one in --net: "+activationNames())
	cost := costFlag(fs)
	batch := countFlag(fs, "batch", 16, 1, maxBatch, "number of random training pairs")
	seed := seedFlag(fs, 1, "the random parameters (nn.Network.Init) and data (nn.Network.RandomBatch)")
	engines := fs.String("engines", "", "comma-separated engines to compare, at least two (default: every registered engine\n"+
		"that supports the net and fits --budget). Registered: "+strings.Join(gradients.Names(), ", "))
	out := outputFlag(fs, fmtTable)
	budget := budgetFlag(fs, defaultBudget, "longest estimated time of one gradient (e.g. 30s) of an engine picked by default;\n"+
		"engines estimated above it (from their cost evaluations or cost model) are skipped with the\n"+
		"reason on stderr. 0 means no limit; engines named in --engines always run")
	order := countFlag(fs, "order", 1, 1, 2, "1 compares gradients ∇K; 2 compares Hessian-vector products H·v (see --directions)")
	directions := countFlag(fs, "directions", 4, 1, maxHvDirections, "with --order 2: the number of seeded random directions v")
	k := gradcheckFlags(fs)
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("compare", args); err != nil {
			return err
		}
		net, err := parseNet(*arch, *act, *cost)
		if err != nil {
			return err
		}
		if int64(*batch)*int64(net.Inputs()+net.Outputs()) > maxBatchValues {
			return usageErr("--batch %d on %s: more than %d random values; use a smaller batch", *batch, net, maxBatchValues)
		}
		infos, insist, err := pickEngines(*engines)
		if err != nil {
			return err
		}
		crit, err := k.criteria()
		if err != nil {
			return err
		}
		if infos, err = k.withStep(infos); err != nil {
			return err
		}
		A := net.Init(nil, *seed)
		b := net.RandomBatch(*batch, *seed)
		if *order == 2 {
			hc := hvComparison{net: net, A: A, b: b, seed: *seed, directions: *directions, out: out}
			return hc.run(infos, insist, stdout, stderr)
		}
		if *k.directional > 0 {
			return compareDirections(infos, net, A, b, *seed, *k.directional, out, stdout)
		}
		r := gradients.Runner{Budget: *budget, Insist: insist, Seed: *seed, Progress: stderr, Prefix: "nabla compare: ",
			Hint: "name it in --engines to run it anyway, or raise --budget"}
		ran, err := r.Run(infos, net, A, b)
		if err != nil {
			return err
		}
		results := ran.Results
		if len(results) < 2 {
			return usageHint("raise --budget or name engines in --engines", "only %d engine(s) can run %s with batch %d within --budget %s; nothing to compare",
				len(results), net, *batch, *budget)
		}
		ag := reports.NewAgreement(gradients.CompareAtWith(net, A, b, results, crit), results)
		ag.Params, ag.Batch, ag.Seed, ag.Skipped = net.NumParams(), *batch, *seed, skippedEngines(ran.Skipped)
		if out.is(fmtJSON) {
			err = ag.JSON(stdout)
		} else {
			err = ag.Write(stdout, out.table())
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
			return finding("%s", ag.Summary())
		}
		return nil
	}
}

// kinkNote is the distance from a non-smooth point (ReLU's kink) below which a disagreement gets a note: larger
// than the steps of the finite-difference engines.
const kinkNote = 1e-2

// pickEngines returns the engines named in list (comma-separated), with insist set: named
// engines always run. An empty list means every registered engine, each skipped when it
// does not support the network or its estimate exceeds --budget.
func pickEngines(list string) (infos []gradients.Info, insist bool, err error) {
	if strings.TrimSpace(list) == "" {
		return gradients.All(), false, nil
	}
	names, err := engineList("engines", list)
	if err != nil {
		return nil, true, err
	}
	if len(names) < 2 {
		return nil, true, usageErr("--engines %q: name at least two engines to compare (registered: %s)", list, strings.Join(gradients.Names(), ", "))
	}
	for _, name := range names {
		info, _ := gradients.Lookup(name) // engineList checked the name
		infos = append(infos, info)
	}
	return infos, true, nil
}

// engineList splits the comma-separated engine names of --flag, each registered and named
// once; a bad list is a usage error naming the registered engines.
func engineList(flag, list string) ([]string, error) {
	var names []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if slices.Contains(names, name) {
			return nil, usageErr("--%s names %s twice", flag, name)
		}
		if _, err := gradients.Lookup(name); err != nil {
			return nil, usageErr("--%s: unknown engine %q (registered: %s)", flag, name, strings.Join(gradients.Names(), ", "))
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, usageErr("--%s %q names no engine (registered: %s)", flag, list, strings.Join(gradients.Names(), ", "))
	}
	return names, nil
}

// skippedEngines converts the runner's skips for the agreement report.
func skippedEngines(skips []gradients.Skip) []reports.SkippedEngine {
	var out []reports.SkippedEngine
	for _, s := range skips {
		out = append(out, reports.SkippedEngine{Name: s.Engine, Reason: s.Reason})
	}
	return out
}

// parseNet parses --net, applies --act to every layer and sets the cost kind of --cost.
func parseNet(arch, act string, cost nn.CostKind) (*nn.Network, error) {
	if strings.TrimSpace(arch) == "" {
		return nil, usageErr("--net is required, e.g. --net 4-8-3 or --net 4-8-3:tanh,sigmoid")
	}
	net, err := nn.Parse(arch)
	if err != nil {
		return nil, usageErr("--net: %v", err)
	}
	if act == "" {
		return net.WithCost(cost), nil
	}
	a, err := nn.ParseActivation(act)
	if err != nil {
		return nil, usageErr("--act: %v", err)
	}
	// One activation for every layer: the architecture string with its activations replaced.
	sizes, _, _ := strings.Cut(net.String(), ":")
	net, err = nn.Parse(sizes + ":" + a.String())
	if err != nil {
		return nil, usageErr("--act: %v", err)
	}
	return net.WithCost(cost), nil
}

func activationNames() string {
	var names []string
	for _, a := range nn.Activations() {
		names = append(names, a.String())
	}
	return strings.Join(names, ", ")
}

// gradcheck holds compare's gradcheck knobs.
type gradcheck struct {
	atol, rtol, step *float64
	directional      *int
	detail           *string
}

// gradcheckFlags declares --atol, --rtol, --step, --directional and --detail.
func gradcheckFlags(fs *flag.FlagSet) gradcheck {
	return gradcheck{
		atol: numberFlag(fs, "atol", 0, 0, math.MaxFloat64, "absolute tolerance: with --rtol, an element agrees when |a − b| ≤ atol + rtol·|b|\n"+
			"(gradcheck's rule), in place of the engines' expected errors; 0 (both) keeps those"),
		rtol: numberFlag(fs, "rtol", 0, 0, 1, "relative tolerance of that rule (see --atol)"),
		step: numberFlag(fs, "step", 0, 0, 1, "difference step h of every finite-difference engine (the first step of Richardson's),\n"+
			"in place of its own; 0 keeps each engine's"),
		directional: countFlag(fs, "directional", 0, 0, 1000, "the fast check: N random directions v, each engine's ∇K·v against a finite\n"+
			"difference along v (numeric-richardson's); 0 compares whole gradients"),
		detail: fs.String("detail", "", "name elements per pair in the table and the JSON: 'all' every element beyond its\n"+
			"allowance, or K the K elements closest to or beyond it"),
	}
}

// criteria turns --atol, --rtol and --detail into the cross-check's criteria.
func (g gradcheck) criteria() (gradients.Criteria, error) {
	c := gradients.Criteria{Atol: *g.atol, Rtol: *g.rtol}
	switch d := strings.TrimSpace(*g.detail); d {
	case "", "0":
	case "all":
		c.Detail = -1
	default:
		k, err := strconv.Atoi(d)
		if err != nil || k < 1 {
			return c, usageErr("--detail %q: want 'all' or a number of elements from 1", d)
		}
		c.Detail = k
	}
	return c, nil
}

// withStep replaces the engines that have a step by the same engines at --step.
func (g gradcheck) withStep(infos []gradients.Info) ([]gradients.Info, error) {
	if *g.step == 0 {
		return infos, nil
	}
	out := make([]gradients.Info, 0, len(infos))
	n := 0
	for _, info := range infos {
		if info.WithStep != nil {
			info = info.WithStep(*g.step)
			n++
		}
		out = append(out, info)
	}
	if n == 0 {
		return nil, usageErr("--step %g: none of the engines has a difference step", *g.step)
	}
	return out, nil
}

// compareDirections runs the fast check and prints it; a disagreement is a finding.
func compareDirections(infos []gradients.Info, net *nn.Network, A []float64, b nn.Batch, seed uint64, n int, out output, stdout io.Writer) error {
	rep, err := gradients.CheckDirections(infos, net, A, b, gradients.DirectionalSettings{N: n, Seed: seed})
	if err != nil {
		return err
	}
	d := reports.Directional{DirectionalReport: rep, Batch: b.Len(), Seed: seed}
	if out.is(fmtJSON) {
		err = d.JSON(stdout)
	} else {
		err = d.Table(stdout, out.table())
	}
	if err != nil {
		return err
	}
	if !rep.Agree {
		return finding("%s", d.Summary())
	}
	return nil
}
