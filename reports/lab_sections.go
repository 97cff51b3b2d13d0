package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"nabla/results"
	"nabla/train"
)

// The sections of the lab's other studies (the mutation tests add theirs from cmd/nabla). Their data sits in Results.Sections under the
// section ID, in the form each study's own JSON writer gives it, and is rendered by that
// study's own renderer.
const (
	// SectionSteps holds a results.StepSweep, as StepsJSON writes it.
	SectionSteps = "steps"
	// SectionTrajectories holds a train.Trajectories.
	SectionTrajectories = "trajectories"
)

func labSections() []Section {
	return []Section{
		{ID: SectionSteps, Title: "Finite differences: the step size", Order: 60,
			Has: has(SectionSteps), Body: stepsBody, Figures: stepsFigures},
		{ID: SectionTrajectories, Title: "Training under every engine", Order: 80,
			Has: has(SectionTrajectories), Body: trajectoriesBody},
	}
}

func has(id string) func(r *Results) bool {
	return func(r *Results) bool { _, ok := r.Section(id); return ok }
}

// SetSteps stores a step-size sweep in the results.
func (r *Results) SetSteps(s *results.StepSweep) error {
	var b bytes.Buffer
	if err := StepsJSON(&b, s); err != nil {
		return err
	}
	r.setRaw(SectionSteps, b.Bytes())
	return nil
}

// SetTrajectories stores a cross-engine training comparison in the results.
func (r *Results) SetTrajectories(t *train.Trajectories) error {
	return r.SetSection(SectionTrajectories, t)
}

func (r *Results) setRaw(id string, b []byte) {
	if r.Sections == nil {
		r.Sections = map[string]json.RawMessage{}
	}
	r.Sections[id] = json.RawMessage(bytes.TrimSpace(b))
}

func (r *Results) steps() (*results.StepSweep, error) {
	raw, _ := r.Section(SectionSteps)
	return ReadSteps(bytes.NewReader(raw))
}

func stepsBody(w io.Writer, r *Results) error {
	s, err := r.steps()
	if err != nil {
		return err
	}
	io.WriteString(w, "The error of every finite-difference formula against the exact gradient as the step h "+
		"shrinks: truncation error falls with h until rounding error takes over (`nabla steps` runs the "+
		"sweep alone).\n\n")
	return StepsMarkdown(w, s)
}

func stepsFigures(r *Results) ([]Figure, error) {
	s, err := r.steps()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := StepsPlot(&b, s, "svg"); err != nil {
		return nil, err
	}
	return []Figure{{File: "steps.svg", Title: "finite-difference error against the step h", SVG: b.Bytes(),
		Caption: "relative error of each formula against h (float32 dashed); the dotted vertical lines mark the theoretical optimal steps √ε and ε^(1/3) of float64 and float32; an error of 0 is drawn at 1e-17"}}, nil
}

func trajectoriesBody(w io.Writer, r *Results) error {
	raw, _ := r.Section(SectionTrajectories)
	var t train.Trajectories
	if err := json.Unmarshal(raw, &t); err != nil {
		return fmt.Errorf("trajectories: %w", err)
	}
	io.WriteString(w, "The same training run (same seed, same shuffle) under one engine of each kind: exact "+
		"engines should follow the same trajectory up to rounding, finite differences within their own "+
		"error (`nabla train` trains with any one engine).\n\n")
	return TrajectoryTable(w, &t, Markdown)
}
