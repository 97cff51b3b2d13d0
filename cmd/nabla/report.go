package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"nabla/bench"
	"nabla/gradients"
	"nabla/lab"
	"nabla/nn"
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "report",
		summary: "the main job: cross-check, benchmark and scaling study of every engine, written as REPORT.md, results.json and SVG plots",
		usage:   "[--out DIR] [--quick] [--nets LIST] [--engines LIST] [--cost quadratic|xent] [--seed N] [--budget D] | --from results.json [--out DIR]",
		setup:   setupReport,
	})
}

// labFlags are the measuring flags nabla report and nabla bench share.
type labFlags struct {
	quick   bool
	nets    string
	engines string
	seed    uint64
	budget  time.Duration
	batch   int
	cost    *nn.CostKind
}

func (f *labFlags) declare(fs *flag.FlagSet) {
	fs.BoolVar(&f.quick, "quick", false, "a smaller, faster run (under a minute on 2 cores)")
	fs.StringVar(&f.nets, "nets", "", "networks to measure, e.g. \"2-3-1@16,784-30-10@100\" (NET@BATCH; default: the built-in list)")
	fs.StringVar(&f.engines, "engines", "", "comma-separated engines (default: every registered engine)")
	fs.Var(&durationValue{&f.budget}, "budget", "most time one gradient may take; slower engines are skipped with the estimate (0: 1s, 250ms with --quick)")
	f.batch = 16
	fs.Var(&intValue{&f.batch, 1, maxBatch}, "batch", fmt.Sprintf("batch size of --nets items without @BATCH (1…%s)", groupDigits(maxBatch)))
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the parameters and batches")
	f.cost = costFlag(fs)
}

// settings turns the flags into the lab's settings (engines and cases looked up, so that a
// bad name is a usage error).
func (f *labFlags) settings(progress io.Writer) (lab.Settings, error) {
	s := lab.Settings{Quick: f.quick, Seed: f.seed, Budget: f.budget, Cost: *f.cost, Progress: progress}
	if f.engines != "" {
		for _, name := range strings.Split(f.engines, ",") {
			info, err := gradients.Lookup(strings.TrimSpace(name))
			if err != nil {
				return s, usageErr("--engines: %v", err)
			}
			s.Engines = append(s.Engines, info)
		}
	}
	if len(s.EnginesOrDefault()) == 0 {
		return s, fmt.Errorf("no engine is registered")
	}
	if f.nets != "" {
		var err error
		if s.Cases, err = bench.ParseCases(f.nets, f.batch); err != nil {
			return s, usageErr("--nets: %v", err)
		}
	}
	return s, nil
}

func setupReport(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	var lf labFlags
	lf.declare(fs)
	out := outDirFlag(fs, "out", "report-out", "directory to write REPORT.md, results.json and the SVG plots into (created if missing)")
	from := fs.String("from", "", "re-render the report from this results.json instead of measuring")
	noScaling := fs.Bool("no-scaling", false, "leave out the scaling study")
	noExtras := fs.Bool("no-extras", false, "leave out the further studies (step-size sweep, mutation tests, training comparison)")
	widths := fs.String("widths", "", "hidden widths w of the scaling study's w-w-w networks, e.g. 8,16,32 (default 8…512, 8…128 with --quick)")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("report", args); err != nil {
			return err
		}
		var r *reports.Results
		if *from != "" {
			var err error
			if r, err = reports.ReadFile(*from); err != nil {
				return inputErr(err)
			}
		} else {
			var err error
			var ws []int
			if *widths != "" {
				for _, f := range strings.Split(*widths, ",") {
					w, err := strconv.Atoi(strings.TrimSpace(f))
					if err != nil || w < 1 || w > maxScalingWidth {
						return usageErr("--widths: %q is not a whole number from 1 to %d", f, maxScalingWidth)
					}
					ws = append(ws, w)
				}
			}
			s, err := lf.settings(stderr)
			if err != nil {
				return err
			}
			s.NoScaling, s.NoExtras, s.Widths = *noScaling, *noExtras, ws
			s.Command = reportCommand(&lf, s)
			if r, err = lab.Measure(s); err != nil {
				return err
			}
		}
		paths, err := reports.Write(*out, r)
		if err != nil {
			return err
		}
		for _, p := range paths {
			fmt.Fprintln(stdout, p)
		}
		if probs := r.Problems(); len(probs) > 0 {
			return finding("report written to %s, but: %s", *out, strings.Join(probs, "; "))
		}
		return nil
	}
}

// maxScalingWidth bounds the hidden widths of the scaling study.
const maxScalingWidth = 4096

// reportCommand is the command line that repeats the run, recorded in the results.
func reportCommand(lf *labFlags, s lab.Settings) string {
	cmd := "go run ./cmd/nabla report"
	if lf.quick {
		cmd += " --quick"
	}
	if lf.nets != "" {
		cmd += fmt.Sprintf(" --nets '%s' --batch %d", lf.nets, lf.batch)
	}
	if lf.engines != "" {
		cmd += " --engines " + lf.engines
	}
	if lf.budget > 0 {
		cmd += " --budget " + lf.budget.String()
	}
	if s.NoExtras {
		cmd += " --no-extras"
	}
	if s.NoScaling {
		cmd += " --no-scaling"
	} else if s.Widths != nil {
		ws := make([]string, len(s.Widths))
		for i, w := range s.Widths {
			ws[i] = strconv.Itoa(w)
		}
		cmd += " --widths " + strings.Join(ws, ",")
	}
	if *lf.cost != nn.Quadratic {
		cmd += " --cost " + lf.cost.String()
	}
	return cmd + fmt.Sprintf(" --seed %d", lf.seed)
}
