package gradients

import (
	"errors"
	"fmt"

	"nabla/internal/rng"
	"nabla/nn"
)

// DefaultWitness is the finite-difference engine whose difference along v is the reference
// of CheckDirections.
const DefaultWitness = "numeric-richardson"

// DirectionalSettings configure CheckDirections. The zero value checks 3 directions with
// seed 0 against DefaultWitness with tolerance 1e-7.
type DirectionalSettings struct {
	N       int     // random unit directions v; zero means 3
	Seed    uint64  // seed of the directions
	Witness string  // engine with a directional derivative; "" means DefaultWitness
	Tol     float64 // floor of the relative error accepted; zero means 1e-7
}

// DirectionalRow is one engine's ∇K·v for every direction, against the witness's difference.
type DirectionalRow struct {
	Engine string    `json:"engine"`
	How    string    `json:"how"` // "gradient·v" or "directional" (the engine's own ∇K·v)
	Values []float64 `json:"values"`
	// MaxRelErr is the largest relative error against the witness; Tolerance the one
	// applied (the larger of the floor and the sum of the two engines' tolerances).
	MaxRelErr float64 `json:"max_rel_err"`
	Tolerance float64 `json:"tolerance"`
	Agree     bool    `json:"agree"`
}

// DirectionalReport is the fast check: per direction the witness's difference along v, and
// per engine ∇K·v.
type DirectionalReport struct {
	Net       string           `json:"net"`
	Witness   string           `json:"witness"`
	Reference []float64        `json:"reference"` // the witness's difference along each v
	Rows      []DirectionalRow `json:"engines"`
	Skipped   []Skip           `json:"skipped,omitempty"`
	Agree     bool             `json:"agree"`
}

// CheckDirections is the fast cross-check, gradcheck's fast mode: for N seeded random unit
// directions v, the witness's finite difference along v (a few evaluations of K, whatever the
// number of parameters) against each engine's ∇K·v: the dot product of its gradient for an
// exact engine, its own directional derivative for an approximate one (an approximate engine
// without one is skipped, since its whole gradient is what the fast mode avoids). A and b
// must be valid for the network.
func CheckDirections(infos []Info, net *nn.Network, A []float64, b nn.Batch, s DirectionalSettings) (DirectionalReport, error) {
	if s.N == 0 {
		s.N = 3
	}
	if s.Witness == "" {
		s.Witness = DefaultWitness
	}
	if s.Tol == 0 {
		s.Tol = 1e-7
	}
	if err := net.Check(A, b); err != nil {
		return DirectionalReport{}, err
	}
	winfo, err := Lookup(s.Witness)
	if err != nil {
		return DirectionalReport{}, err
	}
	w, err := winfo.New(net)
	if err != nil {
		return DirectionalReport{}, fmt.Errorf("witness %s: %w", s.Witness, err)
	}
	wd, ok := w.(Directional)
	if !ok {
		return DirectionalReport{}, fmt.Errorf("witness %s has no directional derivative", s.Witness)
	}
	vs := rng.UnitVectors(rng.New(s.Seed^0xd1ec7), net.NumParams(), s.N)
	rep := DirectionalReport{Net: net.String(), Witness: s.Witness, Agree: true}
	for _, v := range vs {
		_, d, err := wd.Directional(A, v, b)
		if err != nil {
			return rep, fmt.Errorf("witness %s: %w", s.Witness, err)
		}
		rep.Reference = append(rep.Reference, d)
	}
	for _, info := range infos {
		row, skip, err := directionalRow(info, net, A, b, vs)
		if err != nil {
			return rep, err
		}
		if skip != "" {
			rep.Skipped = append(rep.Skipped, Skip{Engine: info.Name, Reason: skip})
			continue
		}
		row.Tolerance = max(s.Tol, pairTolerance(info.Tol(), winfo.Tol()))
		row.Agree = true
		for j, x := range row.Values {
			e := RelErr(x, rep.Reference[j])
			row.MaxRelErr = max(row.MaxRelErr, e)
			row.Agree = row.Agree && e <= row.Tolerance
		}
		rep.Agree = rep.Agree && row.Agree
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// directionalRow computes one engine's ∇K·v for every v, or says why it is skipped.
func directionalRow(info Info, net *nn.Network, A []float64, b nn.Batch, vs [][]float64) (DirectionalRow, string, error) {
	row := DirectionalRow{Engine: info.Name}
	e, err := info.New(net)
	if errors.Is(err, ErrUnsupported) {
		return row, "unsupported: " + err.Error(), nil
	}
	if err != nil {
		return row, "", fmt.Errorf("engine %s on %s: %w", info.Name, net, err)
	}
	if !info.Exact {
		de, ok := e.(Directional)
		if !ok {
			return row, "no directional derivative, and its whole gradient is what the fast mode avoids", nil
		}
		row.How = "directional"
		for _, v := range vs {
			_, d, err := de.Directional(A, v, b)
			if err != nil {
				return row, "", fmt.Errorf("engine %s: %w", info.Name, err)
			}
			row.Values = append(row.Values, d)
		}
		return row, "", nil
	}
	g, _, err := e.Gradient(nil, A, b)
	if err != nil {
		return row, "", fmt.Errorf("engine %s: %w", info.Name, err)
	}
	row.How = "gradient·v"
	for _, v := range vs {
		var d float64
		for i, x := range v {
			d += g[i] * x
		}
		row.Values = append(row.Values, d)
	}
	return row, "", nil
}
