package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"nabla/bench"
	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
	"nabla/symbolic"
	"nabla/train"
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

// resolve turns the flags into engines, cases and runner options.
func (f *labFlags) resolve(progress io.Writer) ([]gradients.Info, []bench.Case, bench.Options, error) {
	var infos []gradients.Info
	if f.engines == "" {
		infos = bench.Engines()
	} else {
		for _, name := range strings.Split(f.engines, ",") {
			info, err := gradients.Lookup(strings.TrimSpace(name))
			if err != nil {
				return nil, nil, bench.Options{}, usageErr("--engines: %v", err)
			}
			infos = append(infos, info)
		}
	}
	if len(infos) == 0 {
		return nil, nil, bench.Options{}, fmt.Errorf("no engine is registered")
	}
	cases := bench.DefaultCases
	o := bench.Options{MinTime: 20 * time.Millisecond, Repeats: 5, Budget: time.Second, Seed: f.seed, Progress: progress}
	if f.quick {
		cases = bench.QuickCases
		o.MinTime, o.Repeats, o.Budget = 5*time.Millisecond, 3, 250*time.Millisecond
	}
	if f.budget > 0 {
		o.Budget = f.budget
	}
	if f.nets != "" {
		var err error
		if cases, err = bench.ParseCases(f.nets, f.batch); err != nil {
			return nil, nil, o, usageErr("--nets: %v", err)
		}
	}
	return infos, bench.WithCost(cases, *f.cost), o, nil
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
			if r, err = measureReport(&lf, !*noScaling, !*noExtras, ws, stderr); err != nil {
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

// crossCheckBudgetFactor is how many times the timing budget one cross-check call may take.
const crossCheckBudgetFactor = 5

// measureReport runs everything a report shows.
// widths nil means the default widths.
func measureReport(lf *labFlags, scaling, extras bool, widths []int, progress io.Writer) (*reports.Results, error) {
	start := time.Now()
	infos, cases, o, err := lf.resolve(progress)
	if err != nil {
		return nil, err
	}
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
	if !extras {
		cmd += " --no-extras"
	}
	if !scaling {
		cmd += " --no-scaling"
	} else if widths != nil {
		ws := make([]string, len(widths))
		for i, w := range widths {
			ws[i] = strconv.Itoa(w)
		}
		cmd += " --widths " + strings.Join(ws, ",")
	}
	if *lf.cost != nn.Quadratic {
		cmd += " --cost " + lf.cost.String()
	}
	cmd += fmt.Sprintf(" --seed %d", lf.seed)
	r := &reports.Results{
		Version: reports.FormatVersion, Date: start.UTC().Format(time.RFC3339), Seed: lf.seed, Quick: lf.quick, Cost: *lf.cost,
		Command: cmd, Machine: reports.ThisMachine(), BudgetNs: float64(o.Budget), Engines: reports.EnginesOf(infos),
	}
	fmt.Fprintf(progress, "report: %d engines, %d cases, budget %s per gradient\n", len(infos), len(cases), o.Budget)
	suite, err := bench.Run(infos, cases, o)
	if err != nil {
		return nil, err
	}
	r.Forward, r.Benchmarks = suite.Forward, suite.Gradient

	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Net] {
			continue
		}
		seen[c.Net] = true
		// One call per engine rather than repeats: a larger budget lets finite differences
		// into the cross-check of bigger nets than they are timed on.
		a, err := bench.CrossCheck(infos, c, nil, lf.seed, crossCheckBudgetFactor*o.Budget, suite.Models)
		if err != nil {
			return nil, err
		}
		ag := reports.AgreementOf(a)
		fmt.Fprintf(progress, "cross-check %-28s %s\n", c, ag.Summary())
		r.Agreement = append(r.Agreement, ag)
	}

	if scaling {
		if widths == nil {
			widths = bench.DefaultWidths
			if lf.quick {
				widths = bench.QuickWidths
			}
		}
		fmt.Fprintf(progress, "scaling study: widths %v, batch %d\n", widths, bench.ScalingBatch)
		sc, err := bench.RunScaling(infos, widths, bench.ScalingBatch, o)
		if err != nil {
			return nil, err
		}
		r.Scaling = &sc
	}
	for _, m := range reportMeasures {
		if !extras {
			break
		}
		if err := m(r, infos, lf.seed, progress); err != nil {
			return nil, err
		}
	}
	r.Elapsed = time.Since(start).Seconds()
	fmt.Fprintf(progress, "report: measured in %s\n", time.Since(start).Round(100*time.Millisecond))
	return r, nil
}

func init() {
	reportMeasures = append(reportMeasures, measureSteps, measureTrajectories, measureSwell)
	reports.RegisterSection(reports.Section{
		ID:    swellSection,
		Title: "Symbolic differentiation: expression swell",
		Order: 65,
		Has: func(r *reports.Results) bool {
			_, ok := r.Section(swellSection)
			return ok
		},
		Body: swellBody,
	})
}

// swellSection is the report section of nabla derive's swell table.
const swellSection = "swell"

// swellNets are the networks of the report's swell table.
var swellNets = []string{"2-3-1", "16-16-4", "64-64-10", "784-30-10"}

// measureSwell measures the expression swell of the symbolic engine (nabla derive's table) on
// swellNets and the classic examples.
func measureSwell(r *reports.Results, _ []gradients.Info, _ uint64, progress io.Writer) error {
	t := time.Now()
	var rows []symbolic.Swell
	for _, a := range swellNets {
		row, err := symbolic.MeasureNetwork(nn.MustParse(a), symbolic.MeasureOptions{})
		if err != nil {
			return fmt.Errorf("expression swell on %s: %w", a, err)
		}
		rows = append(rows, row)
	}
	for _, ex := range symbolic.Examples() {
		row, err := symbolic.Measure(ex.Name, ex.Build, ex.Wrt, symbolic.MeasureOptions{})
		if err != nil {
			return fmt.Errorf("expression swell of %s: %w", ex.Name, err)
		}
		rows = append(rows, row)
	}
	fmt.Fprintf(progress, "expression swell: %d rows, %s\n", len(rows), time.Since(t).Round(time.Millisecond))
	return r.SetSection(swellSection, rows)
}

func swellBody(w io.Writer, r *reports.Results) error {
	raw, _ := r.Section(swellSection)
	var rows []symbolic.Swell
	if err := json.Unmarshal(raw, &rows); err != nil {
		return fmt.Errorf("report section %s: %w", swellSection, err)
	}
	io.WriteString(w, "The size of the symbolic engine's derivatives: the gradient written out as trees (every "+
		"shared node counted again) against the interned DAG and the compiled program, whose length stays "+
		"within a small factor of the cost's own (the cheap-gradient principle). The naive mode differentiates "+
		"each parameter separately without sharing, under a budget of 1,000,000 nodes (`nabla derive` "+
		"prints the table for any network).\n\n")
	return writeSwellMarkdown(w, rows)
}

// measureSteps runs the step-size sweep (nabla steps' default network) for the report.
func measureSteps(r *reports.Results, _ []gradients.Info, seed uint64, progress io.Writer) error {
	t := time.Now()
	steps, err := bench.Steps(bench.StepOptions{Net: "4-8-3", Seed: seed})
	if err != nil {
		return fmt.Errorf("step-size sweep: %w", err)
	}
	fmt.Fprintf(progress, "step-size sweep on %s: %s\n", steps.Net, time.Since(t).Round(time.Millisecond))
	return r.SetSteps(steps)
}

// measureTrajectories runs the training comparison of package train for the report.
func measureTrajectories(r *reports.Results, _ []gradients.Info, _ uint64, progress io.Writer) error {
	t := time.Now()
	tr, err := train.DefaultTrajectories(context.Background())
	if err != nil {
		return fmt.Errorf("training comparison: %w", err)
	}
	fmt.Fprintf(progress, "training comparison on %s: %s\n", tr.Net, time.Since(t).Round(time.Millisecond))
	return r.SetTrajectories(tr)
}
