package main

import (
	"fmt"
	"io"
	"strings"

	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

// maxHvDirections bounds compare's --directions.
const maxHvDirections = 1000

// hvApproxMaxParams is the largest network on which compare --order 2 picks a difference
// engine by default: its H·v costs two gradients by differences, 2n + 1 evaluations of K.
const hvApproxMaxParams = 5000

// hvComparison is one run of nabla compare --order 2: Hessian-vector products of every picked
// engine along seeded random directions, judged pair by pair like gradients.
type hvComparison struct {
	net        *nn.Network
	A          []float64
	b          nn.Batch
	seed       uint64
	directions int
	out        output
}

// pick keeps the engines with Hessian-vector products that can run on the network. Engines the
// user named must all have them (a usage error otherwise); of the default set, those without
// are skipped silently and difference engines on large networks with the reason.
func (c hvComparison) pick(infos []gradients.Info, insist bool) ([]string, []reports.SkippedEngine, error) {
	var names []string
	var skipped []reports.SkippedEngine
	for _, info := range infos {
		e, err := info.New(c.net)
		if err != nil {
			if insist {
				return nil, nil, usageErr("--engines: %s cannot run %s: %v", info.Name, c.net, err)
			}
			continue
		}
		if gradients.HvCapable(e) != nil {
			if insist {
				return nil, nil, usageErr("--engines: %s has no Hessian-vector products (engines with them: %s)", info.Name, strings.Join(gradients.HvNames(c.net), ", "))
			}
			continue
		}
		if !insist && !info.Exact && c.net.NumParams() > hvApproxMaxParams {
			skipped = append(skipped, reports.SkippedEngine{Name: info.Name,
				Reason: fmt.Sprintf("its H·v takes about 4n = %d complex evaluations of K on %d parameters; name it in --engines to run it anyway", 4*c.net.NumParams(), c.net.NumParams())})
			continue
		}
		names = append(names, info.Name)
	}
	return names, skipped, nil
}

// run cross-checks the engines' H·v and prints the agreement in the chosen format; a pair that
// disagrees along any direction is exit status 1.
func (c hvComparison) run(infos []gradients.Info, insist bool, stdout, stderr io.Writer) error {
	names, skipped, err := c.pick(infos, insist)
	if err != nil {
		return err
	}
	if len(names) < 2 {
		return usageHint("name two of "+strings.Join(gradients.HvNames(c.net), ", ")+" in --engines", "only %d engine(s) with Hessian-vector products can run %s; nothing to compare", len(names), c.net)
	}
	rep, results, err := gradients.CrossCheckHv(names, c.net, c.A, c.b, c.directions, c.seed)
	if err != nil {
		return err
	}
	ag := reports.NewAgreement(rep, results)
	ag.Params, ag.Batch, ag.Seed, ag.Skipped = c.net.NumParams(), c.b.Len(), c.seed, skipped
	ag.Quantity = fmt.Sprintf("H·v (worst of %d random directions)", c.directions)
	if c.out.is(fmtJSON) {
		err = ag.JSON(stdout)
	} else {
		err = ag.Write(stdout, c.out.table())
	}
	if err != nil {
		return err
	}
	if !ag.Agree {
		return finding("%s", ag.Summary())
	}
	return nil
}
