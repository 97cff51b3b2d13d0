package main

import (
	"flag"
	"fmt"
	"io"

	"nabla/bench"
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "time every engine's gradient on the built-in networks and print the timing table",
		usage:   "[--quick] [--nets LIST] [--engines LIST] [--seed N] [--budget D] [--markdown]",
		setup:   setupBench,
	})
}

func setupBench(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	var lf labFlags
	lf.declare(fs)
	md := fs.Bool("markdown", false, "print Markdown tables instead of terminal tables")
	return func(args []string, stdout, stderr io.Writer) error {
		if len(args) > 0 {
			return fmt.Errorf("unexpected arguments %q", args)
		}
		infos, cases, o, err := lf.resolve(stderr)
		if err != nil {
			return err
		}
		suite, err := bench.Run(infos, cases, o)
		if err != nil {
			return err
		}
		f := reports.Terminal
		if *md {
			f = reports.Markdown
		}
		return reports.TimingTable(stdout, f, suite.Gradient)
	}
}
