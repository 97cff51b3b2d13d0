package lab

import (
	"fmt"
	"io"
	"strings"
	"time"

	"nabla/bench"
	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

// Settings choose what a lab run measures. The zero value measures the full default report:
// every registered engine on bench.DefaultCases with a budget of 1s per gradient, the scaling
// study on bench.DefaultWidths, and the further studies.
type Settings struct {
	// Engines are the engines to measure; nil means every registered engine.
	Engines []gradients.Info
	// Cases are the networks and batch sizes; nil means bench.DefaultCases
	// (bench.QuickCases when Quick).
	Cases []bench.Case
	// Quick is the smaller, faster run: QuickCases, QuickWidths, shorter timings and a
	// budget of 250ms.
	Quick bool
	// Seed draws parameters, batches and directions. Zero is a valid seed.
	Seed uint64
	// Cost is the cost kind of the benchmark and cross-check cases; zero is the notes'
	// quadratic cost. The scaling study and the further studies keep the quadratic cost.
	Cost nn.CostKind
	// Budget is the most time one gradient may take (gradients.Runner); zero means 1s, or
	// 250ms when Quick.
	Budget time.Duration
	// NoScaling leaves out the scaling study.
	NoScaling bool
	// Widths are the hidden widths of the scaling study; nil means bench.DefaultWidths
	// (bench.QuickWidths when Quick).
	Widths []int
	// NoExtras leaves out the further studies (step-size sweep, training comparison,
	// expression swell, mutation testing).
	NoExtras bool
	// Command is how the run was asked for, recorded in the results; "" records nothing.
	Command string
	// Progress receives one line per measurement; nil is silent.
	Progress io.Writer
}

// crossCheckBudgetFactor is how many times the timing budget one cross-check call may take.
const crossCheckBudgetFactor = 5

// EnginesOrDefault returns Engines, or every registered engine for nil.
func (s Settings) EnginesOrDefault() []gradients.Info {
	if s.Engines == nil {
		return bench.Engines()
	}
	return s.Engines
}

// CasesOrDefault returns Cases, or the default cases of a full or quick run for nil, with
// the cost kind Cost.
func (s Settings) CasesOrDefault() []bench.Case {
	switch {
	case s.Cases != nil:
		return bench.WithCost(s.Cases, s.Cost)
	case s.Quick:
		return bench.WithCost(bench.QuickCases, s.Cost)
	}
	return bench.WithCost(bench.DefaultCases, s.Cost)
}

// WidthsOrDefault returns Widths, or the default widths of a full or quick run for nil.
func (s Settings) WidthsOrDefault() []int {
	switch {
	case s.Widths != nil:
		return s.Widths
	case s.Quick:
		return bench.QuickWidths
	}
	return bench.DefaultWidths
}

// Options returns the benchmark runner's options of the run (nabla bench shares them).
func (s Settings) Options() bench.Options {
	o := bench.Options{MinTime: 20 * time.Millisecond, Repeats: 5, Budget: time.Second, Seed: s.Seed, Progress: s.Progress}
	if s.Quick {
		o.MinTime, o.Repeats, o.Budget = 5*time.Millisecond, 3, 250*time.Millisecond
	}
	if s.Budget > 0 {
		o.Budget = s.Budget
	}
	return o
}

// progress writes one progress line, if there is a Progress writer.
func (s Settings) progress(format string, args ...any) {
	if s.Progress != nil {
		fmt.Fprintf(s.Progress, format+"\n", args...)
	}
}

// Measure runs everything a report shows: the benchmarks of every engine × case, the
// cross-check of the engines on each network, the scaling study and the further studies,
// into results that reports.Write renders.
func Measure(s Settings) (*reports.Results, error) {
	start := time.Now()
	infos, cases, o := s.EnginesOrDefault(), s.CasesOrDefault(), s.Options()
	if len(infos) == 0 {
		return nil, fmt.Errorf("lab: no engine is registered")
	}
	r := &reports.Results{
		Version: reports.FormatVersion, Date: start.UTC().Format(time.RFC3339), Seed: s.Seed, Quick: s.Quick, Cost: s.Cost,
		Command: s.Command, Machine: reports.ThisMachine(), BudgetNs: float64(o.Budget), Engines: reports.EnginesOf(infos),
	}
	s.progress("report: %d engines, %d cases, budget %s per gradient", len(infos), len(cases), o.Budget)
	suite, err := bench.Run(infos, cases, o)
	if err != nil {
		return nil, err
	}
	r.Forward, r.Benchmarks = suite.Forward, suite.Gradient
	if r.Agreement, err = crossCheck(s, infos, cases, suite); err != nil {
		return nil, err
	}
	if !s.NoScaling {
		widths := s.WidthsOrDefault()
		s.progress("scaling study: widths %s, batch %d", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(widths)), ", "), "[]"), bench.ScalingBatch)
		sc, err := bench.RunScaling(infos, widths, bench.ScalingBatch, o)
		if err != nil {
			return nil, err
		}
		r.Scaling = &sc
	}
	if !s.NoExtras {
		for _, m := range extras {
			if err := m(r, infos, s.Seed, s.Progress); err != nil {
				return nil, err
			}
		}
	}
	r.Elapsed = time.Since(start).Seconds()
	s.progress("report: measured in %s", time.Since(start).Round(100*time.Millisecond))
	return r, nil
}

// crossCheck holds the engines against each other once on each network of the cases.
func crossCheck(s Settings, infos []gradients.Info, cases []bench.Case, suite bench.Suite) ([]reports.Agreement, error) {
	var out []reports.Agreement
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Net] {
			continue
		}
		seen[c.Net] = true
		// One call per engine rather than repeats: a larger budget lets finite differences
		// into the cross-check of bigger nets than they are timed on.
		a, err := bench.CrossCheck(infos, c, nil, s.Seed, crossCheckBudgetFactor*s.Options().Budget, suite.Models)
		if err != nil {
			return nil, err
		}
		ag := reports.AgreementOf(a)
		s.progress("cross-check %-28s %s", c, ag.Summary())
		out = append(out, ag)
	}
	return out, nil
}
