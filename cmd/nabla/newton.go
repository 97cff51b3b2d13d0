package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
	"nabla/train"
)

func init() {
	register(&command{
		name:    "newton",
		summary: "train a small network by Newton–CG (H·v inside conjugate gradients) and by gradient descent; compare",
		usage:   "[--set blobs] [--net 2-8-4] [--steps 20] [--eta 0.01] [--engine backprop] [--cg 50] [--seed 1] [--format table|markdown|json|csv] [--wide] [--plot curve.svg]",
		setup:   setupNewton,
	})
}

// maxNewtonParams bounds the networks of nabla newton: full-batch steps with up to --cg
// Hessian-vector products each are meant for small networks.
const maxNewtonParams = 100_000

func setupNewton(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	set := choiceFlag(fs, "set", "blobs", []string{"xor", "spirals", "blobs"}, "built-in data set")
	arch := fs.String("net", "2-8-4", "network architecture (the set fixes its input and output sizes)")
	steps := countFlag(fs, "steps", 20, 1, 10_000, "full-batch steps of each method")
	eta := numberFlag(fs, "eta", 0.01, 1e-12, 1e6, "learning rate η of gradient descent on the notes' summed cost K")
	engine := fs.String("engine", train.DefaultEngine, "engine for the gradients and Hessian-vector products")
	cg := countFlag(fs, "cg", train.DefaultCGIterations, 1, 100_000, "most conjugate-gradient iterations (H·v products) per Newton step")
	trainN := countFlag(fs, "train-size", 200, 1, maxSetSize, "use the first N training pairs")
	seed := seedFlag(fs, 1, "the initial parameters and the set")
	out := outputFlag(fs, fmtTable)
	plotPath := outFileFlag(fs, "plot", "write the learning curves to this file", ".svg")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("newton", args); err != nil {
			return err
		}
		net, err := nn.Parse(*arch)
		if err != nil {
			return usageErr("--net: %v", err)
		}
		if net.NumParams() > maxNewtonParams {
			return usageErr("--net %s: %d parameters; Newton–CG here is for at most %d", net, net.NumParams(), maxNewtonParams)
		}
		trainSet, testSet, err := data.Builtin(*set, *seed)
		if err != nil {
			return usageErr("--set: %v", err)
		}
		trainSet = trainSet.Head(*trainN)
		if err := trainSet.Fits(net); err != nil {
			return usageErr("--net %s: %v", net, err)
		}
		if _, err := gradients.NewHv(*engine, net); err != nil {
			return usageErr("--engine %s: %v (engines with Hessian-vector products: %s)", *engine, err, strings.Join(gradients.HvNames(net), ", "))
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		gd, err := train.Run(ctx, net, trainSet, testSet, train.Config{Engine: *engine, Epochs: *steps, Eta: *eta, Cost: train.CostSum, Seed: *seed})
		if err != nil {
			return divergence(err, gd)
		}
		nt, err := train.Newton(ctx, net, trainSet, testSet, train.NewtonConfig{Engine: *engine, Iterations: *steps, CGIterations: *cg, Cost: train.CostSum, Seed: *seed})
		if err != nil {
			return err
		}
		c := reports.NewtonComparison{GD: gd, Newton: nt}
		if out.is(fmtJSON) {
			err = c.JSON(stdout)
		} else {
			err = c.Write(stdout, out.table())
		}
		if err != nil {
			return err
		}
		if *plotPath == "" {
			return nil
		}
		svg, err := c.Plot().SVG()
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
