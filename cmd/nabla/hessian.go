package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"nabla/gradients"
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "hessian",
		summary: "form the full Hessian of a small network by Hessian-vector products; print its spectrum",
		usage:   "--net 2-3-1 [--act NAME] [--batch 16] [--seed 1] [--engine backprop] [--cost quadratic|xent] [--format table|markdown|json|csv] [--wide] [--plot spectrum.svg]",
		setup:   setupHessian,
	})
}

func setupHessian(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "", "architecture, e.g. 2-3-1 or 16-32-10:tanh,sigmoid (required; at most "+fmt.Sprint(gradients.MaxHessianParams)+" parameters)")
	act := fs.String("act", "", "activation for every layer, overriding the one in --net: "+activationNames())
	batch := countFlag(fs, "batch", 16, 1, maxBatch, "number of random training pairs")
	seed := seedFlag(fs, 1, "the random parameters and data")
	engine := fs.String("engine", "backprop", "engine whose Hessian-vector products form H")
	out := outputFlag(fs, fmtTable)
	cost := costFlag(fs)
	plotPath := outFileFlag(fs, "plot", "write the spectrum plot (|λ| of H and of each diagonal block) to this file", ".svg")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("hessian", args); err != nil {
			return err
		}
		f := out.table()
		net, err := parseNet(*arch, *act, *cost)
		if err != nil {
			return err
		}
		if int64(*batch)*int64(net.Inputs()+net.Outputs()) > maxBatchValues {
			return usageErr("--batch %d on %s: more than %d random values; use a smaller batch", *batch, net, maxBatchValues)
		}
		if net.NumParams() > gradients.MaxHessianParams {
			return usageErr("--net %s has %d parameters; the full Hessian is formed for at most %d", net, net.NumParams(), gradients.MaxHessianParams)
		}
		if _, err := gradients.Lookup(*engine); err != nil {
			return usageErr("--engine: %v", err)
		}
		h, err := gradients.NewHv(*engine, net)
		if errors.Is(err, gradients.ErrUnsupported) {
			return usageErr("--engine %s: %v (engines with Hessian-vector products on %s: %s)", *engine, err, net, strings.Join(gradients.HvNames(net), ", "))
		}
		if err != nil {
			return err
		}
		A, b := net.Init(nil, *seed), net.RandomBatch(*batch, *seed)
		H, k, err := gradients.Hessian(nil, h, net, A, b)
		if err != nil {
			return err
		}
		values, blocks, err := gradients.Eigen(net, H)
		if err != nil {
			return err
		}
		s := reports.Spectrum{Net: net.String(), Params: net.NumParams(), Batch: *batch, Seed: *seed, Engine: *engine,
			K: k, Symmetry: gradients.SymmetryError(H), Values: values, Blocks: blocks}
		if out.is(fmtJSON) {
			err = s.JSON(stdout)
		} else {
			err = s.Table(stdout, f)
		}
		if err != nil {
			return err
		}
		if *plotPath == "" {
			return nil
		}
		if !slices.ContainsFunc(values, func(x float64) bool { return x != 0 }) {
			return fmt.Errorf("--plot %s: every eigenvalue is 0 (K is constant in A, as the cross-entropy of a single output is); nothing to plot on a log axis", *plotPath)
		}
		svg, err := s.Plot().SVG()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*plotPath, svg, 0o644); err != nil {
			return fmt.Errorf("write plot: %w", err)
		}
		fmt.Fprintf(stderr, "wrote %s\n", *plotPath)
		return nil
	}
}
