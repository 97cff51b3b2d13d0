package main

import (
	"errors"
	"io"
	"strings"

	"nabla/gradients"
	"nabla/internal/jsonnum"
	"nabla/mutants"
)

// mutateSecond is nabla mutate --order 2: the second-order catalogue against every engine's
// H·v. A fault some engine misses, or a flagged control, is a finding (exit 1).
func mutateSecond(cfg mutants.Config, out output, stdout io.Writer) error {
	rep, err := mutants.RunSecond(mutants.SecondConfig{Net: cfg.Net, Cost: cfg.Cost, Batch: cfg.Batch, Seed: cfg.Seed, Engines: cfg.Engines, Directions: cfg.Directions})
	if errors.Is(err, gradients.ErrUnsupported) {
		return usageErr("--engines: %v", err)
	}
	if err != nil {
		return err
	}
	if out.is(fmtJSON) {
		err = jsonnum.Encode(stdout, rep)
	} else {
		err = rep.Write(stdout, out.table())
	}
	if err != nil {
		return err
	}
	if miss := rep.Undetected(); len(miss) > 0 {
		return finding("%d second-order faults escape an engine or the control is flagged: %s", len(miss), strings.Join(miss, ", "))
	}
	return nil
}
