package main

import (
	"flag"
	"fmt"
	"io"

	"nabla/bench"
	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/nn"
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "time every engine's gradient on the built-in networks and print the timing table",
		usage:   "[--quick] [--nets LIST] [--engines LIST] [--cost quadratic|xent] [--seed N] [--budget 1s] [--format table|markdown|json|csv] [--wide]",
		setup:   setupBench,
	})
}

func setupBench(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	var lf labFlags
	lf.declare(fs)
	out := outputFlag(fs, fmtTable)
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("bench", args); err != nil {
			return err
		}
		s, err := lf.settings(stderr)
		if err != nil {
			return err
		}
		suite, err := bench.Run(s.EnginesOrDefault(), s.CasesOrDefault(), s.Options())
		if err != nil {
			return err
		}
		if out.is(fmtJSON) {
			return jsonnum.Encode(stdout, suite.Gradient)
		}
		on := ""
		if *lf.cost != nn.Quadratic {
			on = ", on the " + lf.cost.String() + " cost"
		}
		opts := out.table()
		fmt.Fprintf(stdout, "%s\n\n", table.Wrap(fmt.Sprintf("Timed on %s%s.", reports.ThisMachine(), on), opts.MaxWidth()))
		return reports.TimingTable(stdout, opts, suite.Gradient)
	}
}
