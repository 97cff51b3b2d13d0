package reports

import (
	"fmt"
	"io"

	"nabla/gradients"
	"nabla/internal/jsonnum"
)

// JSON writes the spectrum as indented JSON under the one JSON policy (package
// internal/jsonnum): the network, the engine, K, the symmetry error, the eigenvalues of H
// (ascending) with their extremes and condition number, and those of each diagonal block.
func (s Spectrum) JSON(w io.Writer) error {
	type block struct {
		Block     string    `json:"block"`
		Size      int       `json:"size"`
		Min       float64   `json:"lambda_min"`
		Max       float64   `json:"lambda_max"`
		Condition float64   `json:"condition"`
		Negative  int       `json:"negative"`
		Values    []float64 `json:"values"`
	}
	summary := func(name string, v []float64) block {
		lo, hi := extremes(v)
		return block{name, len(v), lo, hi, gradients.Condition(v), negatives(v), v}
	}
	out := struct {
		Net      string  `json:"net"`
		Params   int     `json:"params"`
		Batch    int     `json:"batch"`
		Seed     uint64  `json:"seed"`
		Engine   string  `json:"engine"`
		K        float64 `json:"K"`
		Symmetry float64 `json:"symmetry_error"`
		H        block   `json:"H"`
		Blocks   []block `json:"blocks"`
	}{Net: s.Net, Params: s.Params, Batch: s.Batch, Seed: s.Seed, Engine: s.Engine, K: s.K, Symmetry: s.Symmetry,
		H: summary("H", s.Values)}
	for _, b := range s.Blocks {
		out.Blocks = append(out.Blocks, summary(b.Block, b.Values))
	}
	if err := jsonnum.Encode(w, out); err != nil {
		return fmt.Errorf("reports: spectrum JSON: %w", err)
	}
	return nil
}

// JSON writes both runs as indented JSON under the one JSON policy: "gradient_descent" and
// "newton_cg", each a train.Result with its per-step evaluations (Newton–CG's with the
// Hessian-vector products, damping and step length of each step).
func (c NewtonComparison) JSON(w io.Writer) error {
	out := struct {
		GD     any `json:"gradient_descent"`
		Newton any `json:"newton_cg"`
	}{c.GD, c.Newton}
	if err := jsonnum.Encode(w, out); err != nil {
		return fmt.Errorf("reports: Newton–CG JSON: %w", err)
	}
	return nil
}
