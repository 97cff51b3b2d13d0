package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

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
			return writeSwellMarkdown(stdout, out.Rows)
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
	return writeSwellTable(w, out.Rows)
}

// swellColumns are the headers of the swell table and the cells of a row.
var swellHeader = []string{"function", "vars", "cost DAG", "gradient tree", "gradient DAG", "instructions", "cost instr.", "ratio", "derive+compile", "naive tree", "naive time"}

func swellCells(r symbolic.Swell) []string {
	naive := strconv.Itoa(r.NaiveNodes)
	if r.NaiveErr != "" {
		naive = "> " + strconv.Itoa(r.NaiveNodes-1) + " (budget)"
	}
	if r.NaiveNodes == 0 && r.NaiveErr == "" {
		naive = "-"
	}
	return []string{r.Name, strconv.Itoa(r.Params), strconv.Itoa(r.CostNodes), formatCount(r.TreeNodes),
		strconv.Itoa(r.DAGNodes), strconv.Itoa(r.Instructions), strconv.Itoa(r.CostInstructions),
		fmt.Sprintf("%.2f", r.Ratio), formatMS(r.DeriveMS), naive, formatMS(r.NaiveMS)}
}

// formatCount prints a count exactly when it is small and as 4.8e+60 when it is not.
func formatCount(v float64) string {
	if v < 1e9 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'e', 2, 64)
}

func formatMS(ms float64) string {
	switch {
	case ms == 0:
		return "-"
	case ms < 1:
		return fmt.Sprintf("%.0f µs", ms*1000)
	case ms < 1000:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

func writeSwellTable(w io.Writer, rows []symbolic.Swell) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(swellHeader, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(swellCells(r), "\t")+"\t")
	}
	return tw.Flush()
}

func writeSwellMarkdown(w io.Writer, rows []symbolic.Swell) error {
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(swellHeader, " | "), strings.Repeat(" ---: |", len(swellHeader)))
	for _, r := range rows {
		if _, err := fmt.Fprintf(w, "| %s |\n", strings.Join(swellCells(r), " | ")); err != nil {
			return err
		}
	}
	return nil
}
