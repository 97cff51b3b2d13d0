package train

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
)

// Trajectories holds the same training run repeated under several engines.
type Trajectories struct {
	Net       string  `json:"net"`
	Set       string  `json:"set"`
	BatchSize int     `json:"batch_size"`
	Eta       float64 `json:"eta"`
	// Convention is the convention of Eta and of the costs, "sum" or "mean" (Config.Cost);
	// the cost kind of each run is its Result's Cost.
	Convention string    `json:"convention"`
	Seed       uint64    `json:"seed"`
	Engines    []string  `json:"engines"`
	Exact      []bool    `json:"exact"`
	Results    []*Result `json:"results"`
	// MaxRelDiff[i] is the largest relative deviation |Kᵢ − K₀|/|K₀| of engine i's training
	// cost from the first engine's over all epochs (0 for the first engine itself).
	MaxRelDiff []float64 `json:"max_rel_diff"`
}

// CompareTrajectories runs the same configuration (network, sets, seed, batch size, η) under
// each of the named engines and measures how far their cost trajectories drift from the
// first engine's. cfg.Engine is ignored. Since the shuffle and the initial parameters depend
// only on the seed, exact engines give the same trajectory up to rounding.
func CompareTrajectories(ctx context.Context, net *nn.Network, trainSet, testSet data.Set, cfg Config, engines []string) (*Trajectories, error) {
	if len(engines) < 2 {
		return nil, fmt.Errorf("train: compare trajectories: want at least two engines, got %v", engines)
	}
	progress := cfg.Progress // one line per engine as it starts and ends; the runs draw no bar
	cfg.Progress, cfg.OnEpoch = nil, nil
	t := &Trajectories{Net: net.String(), Set: trainSet.Name, Eta: cfg.Eta, Convention: cfg.Cost.String(), Seed: cfg.Seed, Engines: engines}
	for _, name := range engines {
		info, err := gradients.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("train: compare trajectories: %w", err)
		}
		cfg.Engine = name
		start := time.Now()
		if progress != nil {
			fmt.Fprintf(progress, "training under %s (%d of %d)…\n", name, len(t.Results)+1, len(engines))
		}
		r, err := Run(ctx, net, trainSet, testSet, cfg)
		if progress != nil && err == nil {
			fmt.Fprintf(progress, "  %s done in %s\n", name, time.Since(start).Round(10*time.Millisecond))
		}
		if err != nil {
			return nil, fmt.Errorf("train: compare trajectories: %w", err)
		}
		t.Results = append(t.Results, r)
		t.Exact = append(t.Exact, info.Exact)
		t.BatchSize = r.BatchSize
	}
	ref := t.Results[0]
	for _, r := range t.Results {
		var worst float64
		for i, e := range append([]Epoch{r.Initial}, r.Epochs...) {
			k0 := ref.Initial.TrainCost
			if i > 0 {
				k0 = ref.Epochs[i-1].TrainCost
			}
			worst = math.Max(worst, math.Abs(e.TrainCost-k0)/math.Max(math.Abs(k0), math.SmallestNonzeroFloat64))
		}
		t.MaxRelDiff = append(t.MaxRelDiff, worst)
	}
	return t, nil
}

// Table returns the comparison as a header and rows of text: one row per epoch (0 is the
// initial state) with the training cost under each engine, then a row with each engine's
// largest relative deviation from the first.
func (t *Trajectories) Table() (header []string, rows [][]string) {
	header = append([]string{"epoch"}, t.Engines...)
	for i := 0; i <= len(t.Results[0].Epochs); i++ {
		row := []string{strconv.Itoa(i)}
		for _, r := range t.Results {
			e := r.Initial
			if i > 0 {
				e = r.Epochs[i-1]
			}
			row = append(row, strconv.FormatFloat(e.TrainCost, 'g', 12, 64))
		}
		rows = append(rows, row)
	}
	last := []string{"max rel. diff"}
	for i, d := range t.MaxRelDiff {
		if i == 0 {
			last = append(last, "(reference)")
		} else {
			last = append(last, fmt.Sprintf("%.1e", d))
		}
	}
	return header, append(rows, last)
}

// trajectoryEngines are the engines of the training comparison, one per family: backprop,
// reverse-mode automatic differentiation, symbolic differentiation, central differences.
var trajectoryEngines = []string{"backprop", "autodiff-reverse", "symbolic", "numeric-central"}

// TrajectoryEngines returns the engines CompareTrajectories runs for the report, one of each
// family in the order backprop, autodiff-reverse, symbolic, numeric-central, leaving out
// those not registered (a program that does not import the engine's package).
func TrajectoryEngines() []string {
	var out []string
	for _, name := range trajectoryEngines {
		if _, err := gradients.Lookup(name); err == nil {
			out = append(out, name)
		}
	}
	return out
}

// DefaultTrajectories is the comparison `nabla report` shows: the network 2-6-2 trained on
// 200 two-spiral pairs (test: 100 more) with mini-batches of 20, η = 2 on the ½·mean cost,
// seed 1, 10 epochs, under TrajectoryEngines().
func DefaultTrajectories(ctx context.Context) (*Trajectories, error) {
	net := nn.MustParse("2-6-2")
	tr, te := data.Spirals(200, 0.02, 1), data.Spirals(100, 0.02, 2)
	cfg := Config{Epochs: 10, BatchSize: 20, Eta: 2, Cost: CostMean, Seed: 1}
	return CompareTrajectories(ctx, net, tr, te, cfg, TrajectoryEngines())
}
