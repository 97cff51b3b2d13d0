package bench

import (
	"nabla/results"
	"time"

	"nabla/gradients"
)

// Excluded is an engine left out of a cross-check, with the reason (results.Excluded).
type Excluded = results.Excluded

// Agreement is the cross-check of the engines on one case (results.Agreement).
type Agreement = results.Agreement

// CrossCheck computes the gradient of every engine that fits the budget on the case (one call
// each, the one Prepare makes) and compares every pair (gradients.CompareAt: parameters at
// ReLU kinks within a pair's difference step are non-differentiable points, not failures).
// An engine is excluded when skip names it (the reason a benchmark skipped it on this case);
// otherwise Prepare decides, from its cost estimate (models, by engine name; may be nil) or
// first call.
func CrossCheck(engines []gradients.Info, c Case, skip map[string]string, seed uint64, budget time.Duration, models map[string]*gradients.CostModel) (Agreement, error) {
	s, err := NewSetup(c, seed)
	if err != nil {
		return Agreement{}, err
	}
	a := Agreement{Net: s.Net, Params: s.Network.NumParams(), Batch: s.Batch, Seed: seed}
	if err := s.Network.Check(s.A, s.B); err != nil {
		return a, err
	}
	var fwd float64
	var results []gradients.Result
	for _, info := range engines {
		if reason, ok := skip[info.Name]; ok {
			a.Excluded = append(a.Excluded, Excluded{Engine: info.Name, Reason: reason})
			continue
		}
		if fwd == 0 {
			fwd = MeasureForward(s, Options{MinTime: time.Millisecond, Repeats: 3}).Ns
		}
		p, err := Prepare(info, s, fwd, budget, models[info.Name])
		if err != nil {
			a.Excluded = append(a.Excluded, Excluded{Engine: info.Name, Reason: "error: " + err.Error(), Failed: true})
			continue
		}
		if p.Skip != "" {
			a.Excluded = append(a.Excluded, Excluded{Engine: info.Name, Reason: p.Skip})
			continue
		}
		a.Engines = append(a.Engines, info.Name)
		results = append(results, gradients.NewResult(info, p.Engine, p.K, p.Grad))
	}
	a.Report = gradients.CompareAt(s.Network, s.A, s.B, results)
	for i := range results {
		results[i].Grad = nil
	}
	a.Results = results
	return a, nil
}

// Skips returns, for the given case, the engines the suite skipped and why.
func (s Suite) Skips(c Case) map[string]string {
	m := map[string]string{}
	for _, r := range s.Gradient {
		if r.Net == c.Net && r.Batch == c.Batch && r.Skipped {
			m[r.Engine] = r.Reason
		}
	}
	return m
}
