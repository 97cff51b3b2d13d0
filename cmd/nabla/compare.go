package main

import (
	"flag"
	"fmt"
	"io"
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
		usage:   "--net 4-8-3 [--act NAME] [--cost quadratic|xent] [--batch 16] [--seed 1] [--engines a,b,…] [--format table|markdown|json|csv] [--wide] [--budget 30s] [--order 1|2] [--directions 4]",
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
		A := net.Init(nil, *seed)
		b := net.RandomBatch(*batch, *seed)
		if *order == 2 {
			hc := hvComparison{net: net, A: A, b: b, seed: *seed, directions: *directions, out: out}
			return hc.run(infos, insist, stdout, stderr)
		}
		r := gradients.Runner{Budget: *budget, Insist: insist, Seed: *seed, Progress: stderr, Prefix: "nabla compare: ",
			Hint: "name it in --engines to run it anyway, or raise --budget"}
		ran, err := r.Run(infos, net, A, b)
		if err != nil {
			return err
		}
		results := ran.Results
		if len(results) < 2 {
			return fmt.Errorf("only %d engine(s) can run %s with batch %d within --budget %s; nothing to compare (raise --budget or name engines in --engines)",
				len(results), net, *batch, *budget)
		}
		ag := reports.NewAgreement(gradients.CompareAt(net, A, b, results), results)
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
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if seen[name] {
			return nil, true, usageErr("--engines names %s twice", name)
		}
		seen[name] = true
		info, err := gradients.Lookup(name)
		if err != nil {
			return nil, true, usageErr("--engines: %v", err)
		}
		infos = append(infos, info)
	}
	if len(infos) < 2 {
		return nil, true, usageErr("--engines %q: name at least two engines to compare (registered: %s)", list, strings.Join(gradients.Names(), ", "))
	}
	return infos, true, nil
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
