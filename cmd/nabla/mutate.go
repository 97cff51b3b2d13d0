package main

import (
	"flag"
	"io"
	"strings"

	"nabla/mutants"
	"nabla/nn"
)

func init() {
	register(&command{
		name:    "mutate",
		summary: "mutation testing: hold faulty hand-coded gradients against every engine",
		usage:   "[--net ARCH] [--cost quadratic|xent] [--batch N] [--seed S] [--engines a,b,…] [--directions K] [--format table|markdown|json|csv] [--wide]",
		setup:   setupMutate,
	})
}

// Bounds of nabla mutate: every fault runs every engine on the network, finite differences
// included, so the network and batch stay small.
const (
	maxMutateBatch  = 10_000
	maxDirections   = 10_000
	maxMutateParams = 100_000
)

func setupMutate(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	net := fs.String("net", mutants.DefaultNet, "architecture of the network the mutants run on")
	cost := costFlag(fs)
	batch := countFlag(fs, "batch", mutants.DefaultBatch, 1, maxMutateBatch, "training pairs in the random batch")
	seed := seedFlag(fs, 1, "parameters, batch and directions")
	engines := fs.String("engines", "", "comma-separated engines to hold the mutants against (default: all registered)")
	dirs := countFlag(fs, "directions", mutants.DefaultDirections, 1, maxDirections, "random directions v of the directional (fast) check")
	out := outputFlag(fs, fmtTable)
	order := countFlag(fs, "order", 1, 1, 2, "1: faults in the gradient; 2: faults in Hessian-vector products, held against every engine's H·v")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("mutate", args); err != nil {
			return err
		}
		n, err := nn.Parse(*net)
		if err != nil {
			return usageErr("--net: %v", err)
		}
		if n.NumParams() > maxMutateParams {
			return usageErr("--net %s: %d parameters is too large for mutation testing (at most %d)", n, n.NumParams(), maxMutateParams)
		}
		cfg := mutants.Config{Net: *net, Cost: *cost, Batch: *batch, Seed: *seed, Directions: *dirs}
		if *engines != "" {
			if cfg.Engines, err = engineList("engines", *engines); err != nil {
				return err
			}
		}
		if *order == 2 {
			return mutateSecond(cfg, out, stdout)
		}
		rep, err := mutants.Run(cfg)
		if err != nil {
			return err
		}
		if len(rep.Engines) == 0 {
			return usageHint("name engines that support it in --engines", "no engine could run on %s", rep.Net)
		}
		if out.is(fmtJSON) {
			err = rep.JSON(stdout)
		} else {
			err = rep.Write(stdout, out.table())
		}
		if err != nil {
			return err
		}
		if miss := rep.Undetected(true); len(miss) > 0 {
			return finding("%d faults escape an exact engine or the control is flagged: %s", len(miss), strings.Join(miss, ", "))
		}
		return nil
	}
}
