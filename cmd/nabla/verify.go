package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"nabla/gradients"
	"nabla/nn"
	"nabla/verify"
)

func init() {
	register(&command{
		name:    "verify",
		summary: "hold a gradient computed elsewhere (numpy, PyTorch, your own code) against the exact engines: where it is wrong, and which mistake it is",
		usage:   "--net 3-4-2 --params A.json --batch batch.json --grad G.json [--act NAME] [--cost quadratic|xent] [--engines a,b] [--tol T] [--format table|markdown|json|csv] [--wide]",
		setup:   setupVerify,
	})
}

func setupVerify(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "", "architecture, e.g. 3-4-2 or 3-4-2:tanh,identity (required)")
	act := fs.String("act", "", "activation for every layer, overriding the one in --net")
	cost := costFlag(fs)
	paramsPath := fs.String("params", "", `JSON file {"A": [...]} in the layout of 'nabla grad --help' (required)`)
	batchPath := fs.String("batch", "", `JSON file {"X": [[...], ...], "Z": [[...], ...]} (required)`)
	gradPath := fs.String("grad", "", `JSON file with the gradient to verify, in the layout 'nabla grad' prints: {"grad": [...]} flat
in the layout of A, or {"blocks": {"W1": [[row], ...], "b1": [...], ...}} with weight blocks as
outputs × inputs rows (PyTorch's Linear.weight.grad) (required)`)
	engines := fs.String("engines", "", "exact engines to hold it against, comma-separated (default: every exact engine)")
	tol := numberFlag(fs, "tol", verify.DefaultTol, math.SmallestNonzeroFloat64, 1, "relative error per element accepted (> 0); about 1e-4 for a float32 gradient")
	out := outputFlag(fs, fmtTable)
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("verify", args); err != nil {
			return err
		}
		net, err := parseNet(*arch, *act, *cost)
		if err != nil {
			return err
		}
		s := verify.Settings{Tol: *tol}
		if *engines != "" {
			if s.Engines, err = engineList("engines", *engines); err != nil {
				return err
			}
			for _, e := range s.Engines {
				if info, _ := gradients.Lookup(e); !info.Exact {
					return usageErr("--engines: %s is not exact; a gradient is verified against exact engines (%s)", e, strings.Join(exactEngines(), ", "))
				}
			}
		}
		for _, f := range []struct{ name, path string }{{"--params", *paramsPath}, {"--batch", *batchPath}, {"--grad", *gradPath}} {
			if f.path == "" {
				return usageErr("%s is required", f.name)
			}
		}
		A, err := readParams(*paramsPath, net)
		if err != nil {
			return inputErr(err)
		}
		b, err := readBatch(*batchPath, net)
		if err != nil {
			return inputErr(err)
		}
		G, err := readGradient(*gradPath, net)
		if err != nil {
			return inputErr(err)
		}
		rep, err := verify.Gradient(net, A, b, G, s)
		if err != nil {
			return err
		}
		if out.is(fmtJSON) {
			err = rep.JSON(stdout)
		} else {
			err = rep.Write(stdout, out.table())
		}
		if err != nil {
			return err
		}
		if !rep.OK {
			return finding("%s", rep.Summary())
		}
		return nil
	}
}

// exactEngines lists the registered exact engines.
func exactEngines() []string {
	var names []string
	for _, info := range gradients.All() {
		if info.Exact {
			names = append(names, info.Name)
		}
	}
	return names
}

// readGradient reads a gradient in the layout nabla grad prints: "grad" (flat, the layout
// of A) or "blocks" (weight blocks as rows). When both are there they must agree.
func readGradient(path string, net *nn.Network) ([]float64, error) {
	var f struct {
		Net    string                     `json:"net"`
		Cost   *nn.CostKind               `json:"cost"`
		Engine string                     `json:"engine"`
		Batch  int                        `json:"batch"`
		K      json.RawMessage            `json:"K"`
		Grad   []*float64                 `json:"grad"`
		Blocks map[string]json.RawMessage `json:"blocks"`
	}
	want := fmt.Sprintf(`{"grad": [%d numbers]} or {"blocks": {%s}}`, net.NumParams(), layoutOf(net))
	if err := decodeFile(path, &f, want); err != nil {
		return nil, err
	}
	if f.Cost != nil && *f.Cost != net.CostKind() {
		return nil, usageErr("%s holds a gradient of the %s cost but --cost is %s", path, *f.Cost, net.CostKind())
	}
	switch {
	case f.Grad != nil:
		return flatVector(path, "grad", f.Grad, net)
	case f.Blocks != nil:
		return readBlocks(path, f.Blocks, net)
	}
	return nil, fmt.Errorf("%s: neither \"grad\" nor \"blocks\"; want %s", path, want)
}

// readBlocks assembles a gradient from named blocks: weight blocks as rows, bias blocks flat.
func readBlocks(path string, blocks map[string]json.RawMessage, net *nn.Network) ([]float64, error) {
	G := make([]float64, net.NumParams())
	for name := range blocks {
		if !slices.ContainsFunc(net.Blocks(), func(b nn.Block) bool { return b.Name == name }) {
			return nil, fmt.Errorf("%s: block %q is not a block of %s (%s)", path, name, net, layoutOf(net))
		}
	}
	for _, blk := range net.Blocks() {
		raw, ok := blocks[blk.Name]
		if !ok {
			return nil, fmt.Errorf("%s: block %s is missing (%s)", path, blk.Name, layoutOf(net))
		}
		flat, err := flatten(nil, raw, blk.Dims)
		if err != nil {
			return nil, fmt.Errorf("%s: block %s (%s): %v", path, blk.Name, blk, err)
		}
		for k, p := range flat {
			if p == nil {
				return nil, fmt.Errorf("%s: %s is null; want a number", path, blk.EntryName(k))
			}
			G[blk.Offset+k] = *p
		}
	}
	return G, nil
}

// flatten appends the numbers of raw, nested arrays of the shape dims (a vector flat, a
// matrix as rows, …), to dst in row-major order.
func flatten(dst []*float64, raw json.RawMessage, dims []int) ([]*float64, error) {
	if len(dims) <= 1 {
		var v []*float64
		if err := json.Unmarshal(raw, &v); err != nil || len(v) != dims[0] {
			return nil, fmt.Errorf("want an array of %d numbers", dims[0])
		}
		return append(dst, v...), nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != dims[0] {
		return nil, fmt.Errorf("want %d arrays (the shape %v, outer first)", dims[0], dims)
	}
	for i, p := range parts {
		var err error
		if dst, err = flatten(dst, p, dims[1:]); err != nil {
			return nil, fmt.Errorf("entry %d: %v", i+1, err)
		}
	}
	return dst, nil
}
