package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"nabla/bench"
	"nabla/gradients"
	"nabla/internal/jsonnum"
	"nabla/mutants"
	"nabla/nn"
	"nabla/reports"
	"nabla/symbolic"
	"nabla/train"
)

// extra measures the data of a further report section and stores it in the results
// (reports.Results.SetSection); Measure runs each, in order, after the built-in measurements.
type extra func(r *reports.Results, infos []gradients.Info, seed uint64, progress io.Writer) error

// extras are the further studies of a report, in the order they run.
var extras = []extra{measureSteps, measureTrajectories, measureSwell, measureMutation, measureMutationCNN, measureSecondOrder}

func init() {
	registerSection(SectionSwell, "Symbolic differentiation: expression swell", 65, swellBody)
	registerSection(SectionMutation, "Verification power: mutation testing", 45, mutationBody)
	registerSection(SectionMutationCNN, "Verification power: CNN faults", 46, mutationCNNBody)
}

// registerSection registers a report section shown when the results hold its data.
func registerSection(id, title string, order int, body func(io.Writer, *reports.Results) error) {
	reports.RegisterSection(reports.Section{
		ID: id, Title: title, Order: order, Body: body,
		Has: func(r *reports.Results) bool {
			_, ok := r.Section(id)
			return ok
		},
	})
}

// say writes one progress line to w, if not nil.
func say(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// SectionSwell is the report section of nabla derive's swell table.
const SectionSwell = "swell"

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
	say(progress, "expression swell: %d rows, %s", len(rows), time.Since(t).Round(time.Millisecond))
	return r.SetSection(SectionSwell, rows)
}

func swellBody(w io.Writer, r *reports.Results) error {
	raw, _ := r.Section(SectionSwell)
	var rows []symbolic.Swell
	if err := jsonnum.Unmarshal(raw, &rows); err != nil {
		return fmt.Errorf("report section %s: %w", SectionSwell, err)
	}
	io.WriteString(w, "The size of the symbolic engine's derivatives: the gradient written out as trees (every "+
		"shared node counted again) against the interned DAG and the compiled program, whose length stays "+
		"within a small factor of the cost's own (the cheap-gradient principle). The naive mode differentiates "+
		"each parameter separately without sharing, under a budget of 1,000,000 nodes (`nabla derive` "+
		"prints the table for any network).\n\n")
	return SwellMarkdown(w, rows)
}

// measureSteps runs the step-size sweep (nabla steps' default network) for the report.
func measureSteps(r *reports.Results, _ []gradients.Info, seed uint64, progress io.Writer) error {
	t := time.Now()
	steps, err := bench.Steps(bench.StepOptions{Net: "4-8-3", Seed: seed})
	if err != nil {
		return fmt.Errorf("step-size sweep: %w", err)
	}
	say(progress, "step-size sweep on %s: %s", steps.Net, time.Since(t).Round(time.Millisecond))
	return r.SetSteps(steps)
}

// measureTrajectories runs the training comparison of package train for the report.
func measureTrajectories(r *reports.Results, _ []gradients.Info, _ uint64, progress io.Writer) error {
	t := time.Now()
	tr, err := train.DefaultTrajectories(context.Background())
	if err != nil {
		return fmt.Errorf("training comparison: %w", err)
	}
	say(progress, "training comparison on %s: %s", tr.Net, time.Since(t).Round(time.Millisecond))
	return r.SetTrajectories(tr)
}

// SectionMutation is the report section of nabla mutate.
const SectionMutation = "mutation"

// measureMutation runs the mutation catalogue (nabla mutate's defaults) against the report's
// engines.
func measureMutation(r *reports.Results, infos []gradients.Info, seed uint64, progress io.Writer) error {
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = info.Name
	}
	rep, err := mutants.Run(mutants.Config{Engines: names, Seed: seed})
	if err != nil {
		return fmt.Errorf("mutation testing: %w", err)
	}
	say(progress, "mutation testing: %s", rep.Summary())
	var buf bytes.Buffer
	if err := rep.JSON(&buf); err != nil {
		return err
	}
	return r.SetSection(SectionMutation, json.RawMessage(buf.Bytes()))
}

// SectionMutationCNN is the report section of the CNN faults (nabla mutate on a CNN).
const SectionMutationCNN = "mutation-cnn"

// measureMutationCNN runs the clean control and the CNN faults on mutants.DefaultCNN against
// the report's engines.
func measureMutationCNN(r *reports.Results, infos []gradients.Info, seed uint64, progress io.Writer) error {
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = info.Name
	}
	faults := append([]mutants.Fault{mutants.Control}, mutants.CNNCatalogue()...)
	rep, err := mutants.Run(mutants.Config{Net: mutants.DefaultCNN, Engines: names, Seed: seed, Faults: faults})
	if err != nil {
		return fmt.Errorf("CNN mutation testing: %w", err)
	}
	say(progress, "CNN mutation testing: %s", rep.Summary())
	var buf bytes.Buffer
	if err := rep.JSON(&buf); err != nil {
		return err
	}
	return r.SetSection(SectionMutationCNN, json.RawMessage(buf.Bytes()))
}

func mutationCNNBody(w io.Writer, r *reports.Results) error {
	raw, _ := r.Section(SectionMutationCNN)
	var rep mutants.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("report section %s: %w", SectionMutationCNN, err)
	}
	fmt.Fprintf(w, "The faults of a convolutional layer's backward pass (mutants.CNNCatalogue) and the clean "+
		"control, on %s, held against every engine as above.\n\n", rep.Net)
	return rep.Markdown(w)
}

func mutationBody(w io.Writer, r *reports.Results) error {
	raw, _ := r.Section(SectionMutation)
	var rep mutants.Report
	if err := jsonnum.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("report section %s: %w", SectionMutation, err)
	}
	fmt.Fprintf(w, "Each fault is a faulty variant of the hand-coded gradient (package mutants, `nabla mutate`), "+
		"held against every engine. The full check names the first wrong block in backward order; the "+
		"directional check compares only ∇K·v for %d random unit vectors v.\n\n", rep.Directions)
	return rep.Markdown(w)
}
