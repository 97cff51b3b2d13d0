package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"nabla/gradients"
	"nabla/internal/jsonnum"
	"nabla/mutants"
	"nabla/reports"
)

// reportMeasure measures the data of a further report section and stores it in the results
// (reports.Results.SetSection); measureReport calls each after the built-in measurements.
type reportMeasure func(r *reports.Results, infos []gradients.Info, seed uint64, progress io.Writer) error

// reportMeasures are the further sections' measurements, added from init.
var reportMeasures []reportMeasure

// mutationSection is the report section of nabla mutate.
const mutationSection = "mutation"

func init() {
	reportMeasures = append(reportMeasures, measureMutation)
	reports.RegisterSection(reports.Section{
		ID:    mutationSection,
		Title: "Verification power: mutation testing",
		Order: 45,
		Has: func(r *reports.Results) bool {
			_, ok := r.Section(mutationSection)
			return ok
		},
		Body: mutationBody,
	})
}

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
	fmt.Fprintf(progress, "mutation testing: %s\n", rep.Summary())
	var buf bytes.Buffer
	if err := rep.JSON(&buf); err != nil {
		return err
	}
	return r.SetSection(mutationSection, json.RawMessage(buf.Bytes()))
}

func mutationBody(w io.Writer, r *reports.Results) error {
	raw, _ := r.Section(mutationSection)
	var rep mutants.Report
	if err := jsonnum.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("report section %s: %w", mutationSection, err)
	}
	fmt.Fprintf(w, "Each fault is a faulty variant of the hand-coded gradient (package mutants, `nabla mutate`), "+
		"held against every engine. The full check names the first wrong block in backward order; the "+
		"directional check compares only ∇K·v for %d random unit vectors v.\n\n", rep.Directions)
	return rep.Markdown(w)
}
