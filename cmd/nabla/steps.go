package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"nabla/bench"
	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "steps",
		summary: "step-size sweep: error of each finite-difference formula against the exact gradient, h from 1e-1 to 1e-16",
		usage:   "--net ARCH [--param W1[2,3]] [--batch 16] [--seed 0] [--sample 32] [--exact backprop] [--cost quadratic|xent] [--format table|markdown|json|csv] [--wide] [--plot steps.svg]",
		setup:   setupSteps,
	})
}

// Bounds of nabla steps: the sweep evaluates K about 60 times per decade and parameter.
const (
	maxStepsBatch  = 100_000
	maxStepsSample = 10_000
)

func setupSteps(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	net := fs.String("net", "4-8-3", "architecture of the network")
	param := fs.String("param", "", "parameter whose curves are shown, e.g. W1[2,3] (default: the largest |∂K/∂Aⱼ|)")
	batch := countFlag(fs, "batch", 16, 1, maxStepsBatch, "training pairs in the random batch")
	seed := seedFlag(fs, 0, "parameters and batch")
	sample := countFlag(fs, "sample", 32, 1, maxStepsSample, "parameters over which the spread of the errors and the sign flips are measured")
	perDecade := countFlag(fs, "per-decade", 4, 1, 20, "steps per decade of h")
	exact := fs.String("exact", "backprop", "registered engine that gives the exact gradient")
	cost := costFlag(fs)
	out := outputFlag(fs, fmtTable)
	plotPath := outFileFlag(fs, "plot", "write the log-log plot of the errors to this file", ".svg", ".png", ".pdf")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("steps", args); err != nil {
			return err
		}
		n, err := nn.Parse(*net)
		if err != nil {
			return usageErr("--net: %v", err)
		}
		if int64(*batch)*int64(n.Inputs()+n.Outputs()) > maxBatchValues {
			return usageErr("--batch %d on %s: more than %d random values; use a smaller batch", *batch, n, maxBatchValues)
		}
		if *param != "" {
			if _, err := n.ParamIndex(*param); err != nil {
				return usageErr("--param: %v", err)
			}
		}
		if _, err := gradients.Lookup(*exact); err != nil {
			return usageErr("--exact: %v", err)
		}
		plotFormat := strings.TrimPrefix(strings.ToLower(filepath.Ext(*plotPath)), ".")
		s, err := bench.Steps(bench.StepOptions{Net: *net, Cost: *cost, Batch: *batch, Seed: *seed, Param: *param,
			Sample: *sample, PerDecade: *perDecade, Exact: *exact})
		if err != nil {
			return err
		}
		if out.is(fmtJSON) {
			err = reports.StepsJSON(stdout, s)
		} else {
			err = reports.WriteSteps(stdout, s, out.table())
		}
		if err != nil {
			return err
		}
		if *plotPath != "" {
			var buf bytes.Buffer
			if err := reports.StepsPlot(&buf, s, plotFormat); err != nil {
				return err
			}
			if err := os.WriteFile(*plotPath, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("write plot: %w", err)
			}
			fmt.Fprintf(stderr, "wrote %s\n", *plotPath)
		}
		return nil
	}
}
