package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"nabla/lab"
	"nabla/nn"
	"nabla/symbolic"
)

func init() {
	register(&command{
		name:    "derive",
		summary: "symbolic derivatives of a network's cost, and the expression-swell table",
		usage:   "[--net ARCH] [--swell ARCH,…] [--latex] [--format table|markdown|json] [--naive-budget N] [--examples=false]",
		setup:   setupDerive,
	})
}

// maxNaiveBudget bounds --naive-budget: a naive tree of 10⁷ nodes takes about half a
// gigabyte.
const maxNaiveBudget = 10_000_000

// maxPrintParams bounds the networks whose derivatives derive prints one by one.
const maxPrintParams = 200

type namedExpr struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

// deriveOutput is the JSON of nabla derive: the network's swell row at the top level
// ("derive_ms", "tree_nodes", "dag_nodes", "instructions", "cost_instructions", …), its
// derivatives with shared sub-expressions as named intermediates, and the whole table.
type deriveOutput struct {
	symbolic.Swell
	Cost          string           `json:"cost,omitempty"`
	Intermediates []namedExpr      `json:"intermediates,omitempty"`
	Derivatives   []namedExpr      `json:"derivatives,omitempty"`
	Rows          []symbolic.Swell `json:"rows"`
}

func setupDerive(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	netFlag := fs.String("net", "2-3-1", "architecture whose cost is differentiated (derivatives printed up to 200 parameters)")
	swell := fs.String("swell", "", "more architectures for the swell table, comma-separated (e.g. 16-16-4,64-64-10,784-30-10)")
	latex := fs.Bool("latex", false, "print the derivatives as LaTeX")
	format := formatFlag(fs, fmtTable, fmtTable, fmtMarkdown, fmtJSON)
	budget := countFlag(fs, "naive-budget", 1_000_000, -1, maxNaiveBudget, "node budget of the naive (tree, per-parameter) derivatives; -1 or 0 skips them")
	examples := fs.Bool("examples", true, "add the classic swell examples (logistic map, y ← sin(y)·y) to the table")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("derive", args); err != nil {
			return err
		}
		if *latex && *format != fmtTable {
			return usageErr("--latex writes a LaTeX fragment; it takes no --format %s", *format)
		}
		net, err := nn.Parse(*netFlag)
		if err != nil {
			return usageErr("--net: %v", err)
		}
		opts := symbolic.MeasureOptions{NaiveBudget: *budget}
		if *budget == 0 {
			opts.NaiveBudget = -1
		}
		out := deriveOutput{}
		row, err := symbolic.MeasureNetwork(net, opts)
		if err != nil {
			return fmt.Errorf("derive %s: %w", net, err)
		}
		out.Swell = row
		out.Rows = append(out.Rows, row)
		if *swell != "" {
			for _, a := range strings.Split(*swell, ",") {
				n, err := nn.Parse(a)
				if err != nil {
					return usageErr("--swell: %v", err)
				}
				r, err := symbolic.MeasureNetwork(n, opts)
				if err != nil {
					return fmt.Errorf("derive %s: %w", n, err)
				}
				out.Rows = append(out.Rows, r)
			}
		}
		if *examples {
			for _, ex := range symbolic.Examples() {
				r, err := symbolic.Measure(ex.Name, ex.Build, ex.Wrt, opts)
				if err != nil {
					return fmt.Errorf("derive %s: %w", ex.Name, err)
				}
				out.Rows = append(out.Rows, r)
			}
		}
		if net.NumParams() <= maxPrintParams {
			d, err := symbolic.DeriveNetwork(net)
			if err != nil {
				return err
			}
			l := symbolic.NewListing(append([]symbolic.Expr{d.Cost}, d.Grad...)...)
			for _, t := range l.Temps {
				out.Intermediates = append(out.Intermediates, namedExpr{l.Name(t), l.Define(t, *latex)})
			}
			out.Cost = l.Format(d.Cost, *latex)
			for i, g := range d.Grad {
				out.Derivatives = append(out.Derivatives, namedExpr{d.Params[i], l.Format(g, *latex)})
			}
		}
		switch *format {
		case "json":
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		case "markdown":
			return lab.SwellMarkdown(stdout, out.Rows)
		}
		return writeDerive(stdout, net, out, *latex)
	}
}

func writeDerive(w io.Writer, net *nn.Network, out deriveOutput, latex bool) error {
	if out.Derivatives == nil {
		fmt.Fprintf(w, "%s has %d parameters: derivatives are printed up to %d; the table follows.\n\n", net, net.NumParams(), maxPrintParams)
	} else {
		fmt.Fprintf(w, "K = Σₖ (zₖ − zbar[k])² for one training pair of %s, inputs x[i]; shared sub-expressions as t1, t2, …\n\n", net)
		for _, t := range out.Intermediates {
			name := t.Name
			if latex {
				name = "t_{" + strings.TrimPrefix(name, "t") + "}"
			}
			fmt.Fprintf(w, "%s = %s\n", name, t.Expr)
		}
		fmt.Fprintf(w, "K = %s\n", out.Cost)
		d := "∂K/∂"
		if latex {
			d = `\frac{\partial K}{\partial ` // closed below
		}
		for _, g := range out.Derivatives {
			if latex {
				fmt.Fprintf(w, "%s%s} = %s\n", d, symbolic.LaTeX(&symbolic.Var{Name: g.Name}), g.Expr)
			} else {
				fmt.Fprintf(w, "%s%s = %s\n", d, g.Name, g.Expr)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "derived and compiled %s in %.3f ms (%d parameters: %d instructions for K and ∇K, %d for K alone, ratio %.2f)\n\n",
		net, out.DeriveMS, out.Params, out.Instructions, out.CostInstructions, out.Ratio)
	return lab.SwellTable(w, out.Rows)
}
