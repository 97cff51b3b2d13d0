package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"nabla/mutants"
)

func init() {
	register(&command{
		name:    "mutate",
		summary: "mutation testing: hold faulty hand-coded gradients against every engine",
		usage:   "[--net ARCH] [--batch N] [--seed S] [--engines a,b,…] [--directions K] [--format table|markdown|json]",
		setup:   setupMutate,
	})
}

func setupMutate(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	net := fs.String("net", mutants.DefaultNet, "architecture of the network the mutants run on")
	batch := fs.Int("batch", mutants.DefaultBatch, "training pairs in the random batch")
	seed := fs.Uint64("seed", 1, "seed of parameters, batch and directions")
	engines := fs.String("engines", "", "comma-separated engines to hold the mutants against (default: all registered)")
	dirs := fs.Int("directions", mutants.DefaultDirections, "random directions v of the directional (fast) check")
	format := fs.String("format", "table", "output format: table, markdown or json")
	return func(args []string, stdout, stderr io.Writer) error {
		if len(args) > 0 {
			return fmt.Errorf("unexpected arguments %q", args)
		}
		if *format != "table" && *format != "markdown" && *format != "json" {
			return fmt.Errorf("unknown format %q (want table, markdown or json)", *format)
		}
		if *batch < 1 {
			return fmt.Errorf("--batch %d: want at least 1", *batch)
		}
		if *dirs < 1 {
			return fmt.Errorf("--directions %d: want at least 1", *dirs)
		}
		cfg := mutants.Config{Net: *net, Batch: *batch, Seed: *seed, Directions: *dirs}
		if *engines != "" {
			for _, e := range strings.Split(*engines, ",") {
				cfg.Engines = append(cfg.Engines, strings.TrimSpace(e))
			}
		}
		rep, err := mutants.Run(cfg)
		if err != nil {
			return err
		}
		if len(rep.Engines) == 0 {
			return fmt.Errorf("no engine could run on %s", rep.Net)
		}
		switch *format {
		case "json":
			err = rep.JSON(stdout)
		case "markdown":
			err = rep.Markdown(stdout)
		default:
			err = rep.Table(stdout)
		}
		if err != nil {
			return err
		}
		if miss := rep.Undetected(true); len(miss) > 0 {
			return &exitError{code: 1, msg: fmt.Sprintf("%d faults escape an exact engine or the control is flagged: %s", len(miss), strings.Join(miss, ", "))}
		}
		return nil
	}
}
