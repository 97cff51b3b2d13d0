package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"nabla/data"
	"nabla/gradients"
	"nabla/mutants"
	"nabla/nn"
	"nabla/reports"
	"nabla/train"
)

// SectionSecondOrder is the report section of the second-order studies: Newton–CG against
// gradient descent (nabla newton) and the second-order mutants (nabla mutate --order 2).
const SectionSecondOrder = "second-order"

// Settings of the report's Newton–CG comparison: nabla newton's defaults.
const (
	newtonNet   = "2-8-4"
	newtonSet   = "blobs"
	newtonTrain = 200
	newtonSteps = 20
	newtonEta   = 0.01
)

// secondOrder is the data of the section.
type secondOrder struct {
	GD      *train.Result        `json:"gradient_descent"`
	Newton  *train.NewtonResult  `json:"newton_cg"`
	Mutants mutants.SecondReport `json:"second_order_mutants"`
}

func init() {
	reports.RegisterSection(reports.Section{
		ID: SectionSecondOrder, Title: "Second order: Hessian-vector products", Order: 85,
		Has: func(r *reports.Results) bool {
			_, ok := r.Section(SectionSecondOrder)
			return ok
		},
		Body: secondOrderBody, Figures: secondOrderFigures,
	})
}

// measureSecondOrder trains nabla newton's default run both ways and runs the second-order
// mutants against the report's engines that have Hessian-vector products.
func measureSecondOrder(r *reports.Results, infos []gradients.Info, seed uint64, progress io.Writer) error {
	t := time.Now()
	net := nn.MustParse(newtonNet)
	trainSet, testSet, err := data.Builtin(newtonSet, seed)
	if err != nil {
		return err
	}
	trainSet = trainSet.Head(newtonTrain)
	var s secondOrder
	ctx := context.Background()
	if s.GD, err = train.Run(ctx, net, trainSet, testSet, train.Config{Epochs: newtonSteps, Eta: newtonEta, Cost: train.CostSum, Seed: seed}); err != nil {
		return fmt.Errorf("second order: gradient descent: %w", err)
	}
	if s.Newton, err = train.Newton(ctx, net, trainSet, testSet, train.NewtonConfig{Iterations: newtonSteps, Cost: train.CostSum, Seed: seed}); err != nil {
		return fmt.Errorf("second order: Newton–CG: %w", err)
	}
	var names []string
	mnet := nn.MustParse(mutants.DefaultSecondNet)
	for _, info := range infos {
		if _, err := gradients.NewHv(info.Name, mnet); err == nil {
			names = append(names, info.Name)
		}
	}
	if s.Mutants, err = mutants.RunSecond(mutants.SecondConfig{Engines: names, Seed: seed}); err != nil {
		return fmt.Errorf("second-order mutants: %w", err)
	}
	say(progress, "second order: Newton–CG %.4g against gradient descent %.4g after %d steps; %d second-order faults, %s",
		s.Newton.Final().TrainCost, s.GD.Final().TrainCost, newtonSteps, len(s.Mutants.Faults), time.Since(t).Round(time.Millisecond))
	return r.SetSection(SectionSecondOrder, s)
}

func readSecondOrder(r *reports.Results) (secondOrder, error) {
	raw, _ := r.Section(SectionSecondOrder)
	var s secondOrder
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("report section %s: %w", SectionSecondOrder, err)
	}
	return s, nil
}

func secondOrderBody(w io.Writer, r *reports.Results) error {
	s, err := readSecondOrder(r)
	if err != nil {
		return err
	}
	io.WriteString(w, "backprop, autodiff-reverse, symbolic, numeric-central and numeric-complex also compute Hessian-vector products H·v "+
		"(`nabla compare --order 2` cross-checks them, `nabla hessian` forms the whole Hessian of a small "+
		"network). Newton–CG uses them inside conjugate gradients; here it trains the same network from "+
		"the same parameters as full-batch gradient descent (`nabla newton`).\n\n")
	if err := (reports.NewtonComparison{GD: s.GD, Newton: s.Newton}).Write(w, reports.Markdown); err != nil {
		return err
	}
	io.WriteString(w, "\nFaults in a hand-coded H·v (package mutants, `nabla mutate --order 2`), held against "+
		"every engine's H·v along random directions:\n\n")
	return s.Mutants.Table(w, true)
}

func secondOrderFigures(r *reports.Results) ([]reports.Figure, error) {
	s, err := readSecondOrder(r)
	if err != nil {
		return nil, err
	}
	svg, err := (reports.NewtonComparison{GD: s.GD, Newton: s.Newton}).Plot().SVG()
	if err != nil {
		return nil, err
	}
	return []reports.Figure{{File: "newton.svg", Title: "learning curves of Newton–CG and gradient descent", SVG: svg}}, nil
}
