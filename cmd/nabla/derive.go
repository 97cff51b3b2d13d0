package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/lab"
	"nabla/nn"
	"nabla/symbolic"
)

func init() {
	register(&command{
		name:    "derive",
		summary: "symbolic derivatives of a network's cost, and the expression-swell table",
		usage:   "[--net ARCH] [--swell ARCH,…] [--cost quadratic|xent] [--latex] [--format table|markdown|json|csv] [--wide] [--naive-budget N] [--examples=false]",
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
	cost := costFlag(fs)
	latex := fs.Bool("latex", false, "print only the derivatives, as a LaTeX align* environment to paste into a document (needs amsmath)")
	out := outputFlag(fs, fmtTable)
	budget := countFlag(fs, "naive-budget", 1_000_000, -1, maxNaiveBudget, "node budget of the naive (tree, per-parameter) derivatives; -1 or 0 skips them")
	examples := fs.Bool("examples", true, "add the classic swell examples (logistic map, y ← sin(y)·y) to the table")
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("derive", args); err != nil {
			return err
		}
		if *latex && !out.is(fmtTable) {
			return usageErr("--latex writes a LaTeX fragment; it takes no --format %s", *out.format)
		}
		net, err := parseNet(*netFlag, "", *cost)
		if err != nil {
			return err
		}
		if *latex && net.NumParams() > maxPrintParams {
			return usageErr("--latex --net %s: %d parameters; derivatives are written up to %d", net, net.NumParams(), maxPrintParams)
		}
		opts := symbolic.MeasureOptions{NaiveBudget: *budget}
		if *budget == 0 {
			opts.NaiveBudget = -1
		}
		res := deriveOutput{}
		row, err := symbolic.MeasureNetwork(net, opts)
		if err != nil {
			return fmt.Errorf("derive %s: %w", net, err)
		}
		res.Swell = row
		res.Rows = append(res.Rows, row)
		if *swell != "" {
			for _, a := range strings.Split(*swell, ",") {
				n, err := nn.Parse(a)
				if err != nil {
					return usageErr("--swell: %v", err)
				}
				n = n.WithCost(*cost)
				r, err := symbolic.MeasureNetwork(n, opts)
				if err != nil {
					return fmt.Errorf("derive %s: %w", n, err)
				}
				res.Rows = append(res.Rows, r)
			}
		}
		if *examples {
			for _, ex := range symbolic.Examples() {
				r, err := symbolic.Measure(ex.Name, ex.Build, ex.Wrt, opts)
				if err != nil {
					return fmt.Errorf("derive %s: %w", ex.Name, err)
				}
				res.Rows = append(res.Rows, r)
			}
		}
		if net.NumParams() <= maxPrintParams {
			d, err := symbolic.DeriveNetwork(net)
			if err != nil {
				return err
			}
			l := symbolic.NewListing(append([]symbolic.Expr{d.Cost}, d.Grad...)...)
			for _, t := range l.Temps {
				res.Intermediates = append(res.Intermediates, namedExpr{l.Name(t), l.Define(t, *latex)})
			}
			res.Cost = l.Format(d.Cost, *latex)
			for i, g := range d.Grad {
				res.Derivatives = append(res.Derivatives, namedExpr{d.Params[i], l.Format(g, *latex)})
			}
		}
		switch {
		case *latex:
			return writeLaTeX(stdout, net, res)
		case out.is(fmtJSON):
			return jsonnum.Encode(stdout, res)
		case out.is(fmtTable):
			return writeDerive(stdout, net, res, out.table())
		}
		return lab.SwellTable(stdout, res.Rows, out.table())
	}
}

// costText is "K = " and the formula of the cost kind c: quadratic or xent (cross-entropy).
func costText(c nn.CostKind, quadratic, xent string) string {
	if c == nn.CrossEntropy {
		return "K = " + xent
	}
	return "K = " + quadratic
}

// writeLaTeX writes the derivatives as an align* environment (amsmath), preceded by
// comment lines: a fragment that compiles inside a document.
func writeLaTeX(w io.Writer, net *nn.Network, res deriveOutput) error {
	fmt.Fprintf(w, "%% %s for one training pair of %s, inputs x_i;\n", costText(net.CostKind(), "sum_k (z_k - zbar_k)^2", "-sum_k zbar_k log softmax(z)_k"), net)
	fmt.Fprintf(w, "%% shared sub-expressions as t_1, t_2, ... (written by nabla derive --latex; needs amsmath)\n")
	fmt.Fprintln(w, `\begin{align*}`)
	var lines []string
	for _, t := range res.Intermediates {
		lines = append(lines, fmt.Sprintf("t_{%s} &= %s", strings.TrimPrefix(t.Name, "t"), t.Expr))
	}
	lines = append(lines, "K &= "+res.Cost)
	for _, g := range res.Derivatives {
		lines = append(lines, fmt.Sprintf(`\frac{\partial K}{\partial %s} &= %s`, symbolic.LaTeX(&symbolic.Var{Name: g.Name}), g.Expr))
	}
	fmt.Fprintln(w, strings.Join(lines, " \\\\\n"))
	_, err := fmt.Fprintln(w, `\end{align*}`)
	return err
}

func writeDerive(w io.Writer, net *nn.Network, out deriveOutput, o table.Options) error {
	if out.Derivatives == nil {
		fmt.Fprintf(w, "%s has %d parameters: derivatives are printed up to %d; the table follows.\n\n", net, net.NumParams(), maxPrintParams)
	} else {
		fmt.Fprintf(w, "%s\n\n", table.Wrap(fmt.Sprintf("%s for one training pair of %s, inputs x[i]; shared sub-expressions as t1, t2, …", costText(net.CostKind(), "Σₖ (zₖ − zbar[k])²", "−Σₖ zbar[k]·log softmax(z)ₖ"), net), o.MaxWidth()))
		for _, t := range out.Intermediates {
			fmt.Fprintf(w, "%s = %s\n", t.Name, t.Expr)
		}
		fmt.Fprintf(w, "K = %s\n", out.Cost)
		for _, g := range out.Derivatives {
			fmt.Fprintf(w, "∂K/∂%s = %s\n", g.Name, g.Expr)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s\n\n", table.Wrap(fmt.Sprintf("derived and compiled %s in %.3f ms (%d parameters: %d instructions for K and ∇K, %d for K alone, ratio %.2f)",
		net, out.DeriveMS, out.Params, out.Instructions, out.CostInstructions, out.Ratio), o.MaxWidth()))
	return lab.SwellTable(w, out.Rows, o)
}
