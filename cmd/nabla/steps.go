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
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "steps",
		summary: "step-size sweep: error of each finite-difference formula against the exact gradient, h from 1e-1 to 1e-16",
		usage:   "--net ARCH [--param W1[2,3]] [--batch 16] [--seed 0] [--sample 32] [--exact backprop] [--format table|markdown|json] [--plot steps.svg]",
		setup:   setupSteps,
	})
}

func setupSteps(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	net := fs.String("net", "4-8-3", "architecture of the network")
	param := fs.String("param", "", "parameter whose curves are shown, e.g. W1[2,3] (default: the largest |∂K/∂Aⱼ|)")
	batch := fs.Int("batch", 16, "training pairs in the random batch")
	seed := fs.Uint64("seed", 0, "seed of parameters and batch")
	sample := fs.Int("sample", 32, "parameters over which the spread of the errors and the sign flips are measured")
	perDecade := fs.Int("per-decade", 4, "steps per decade of h")
	exact := fs.String("exact", "backprop", "registered engine that gives the exact gradient")
	format := fs.String("format", "table", "output format: table, markdown or json")
	plotPath := fs.String("plot", "", "write the log-log plot of the errors to this file (.svg, .png or .pdf)")
	return func(args []string, stdout, stderr io.Writer) error {
		if len(args) > 0 {
			return fmt.Errorf("unexpected arguments %q", args)
		}
		if *format != "table" && *format != "markdown" && *format != "json" {
			return fmt.Errorf("unknown format %q (want table, markdown or json)", *format)
		}
		if *batch < 1 || *sample < 1 || *perDecade < 1 {
			return fmt.Errorf("--batch %d, --sample %d and --per-decade %d must be at least 1", *batch, *sample, *perDecade)
		}
		plotFormat := strings.TrimPrefix(strings.ToLower(filepath.Ext(*plotPath)), ".")
		if *plotPath != "" && plotFormat != "svg" && plotFormat != "png" && plotFormat != "pdf" {
			return fmt.Errorf("--plot %s: want a file name ending in .svg, .png or .pdf", *plotPath)
		}
		s, err := bench.Steps(bench.StepOptions{Net: *net, Batch: *batch, Seed: *seed, Param: *param,
			Sample: *sample, PerDecade: *perDecade, Exact: *exact})
		if err != nil {
			return err
		}
		switch *format {
		case "json":
			err = reports.StepsJSON(stdout, s)
		case "markdown":
			err = reports.StepsMarkdown(stdout, s)
		default:
			err = reports.StepsTable(stdout, s)
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
