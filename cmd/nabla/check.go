package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/symbolic"
)

func init() {
	register(&command{
		name:    "check",
		summary: "check a hand-derived gradient of a formula against symbolic differentiation and central differences",
		usage:   "--f FORMULA --grad 'G1, G2, …' [--vars x,y] [--at x=1.5,y=0.3 …] [--points N] [--seed S] [--tol T] [--format table|markdown|json|csv] [--wide]",
		setup:   setupCheck,
	})
}

// maxCheckPoints bounds --points.
const maxCheckPoints = 100_000

func setupCheck(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	fSrc := fs.String("f", "", "the formula, e.g. 'x*(x^2 - sin(y))'")
	gSrc := fs.String("grad", "", "the hand-derived gradient, components joined by ',' in the order of --vars")
	varsFlag := fs.String("vars", "", "the variables in the order of --grad (default: as the formula first names them)")
	var at []string
	fs.Func("at", "a point 'x=1.5,y=0.3' (repeatable; points may also be joined by ';'); points outside the formula's domain are skipped and named", func(s string) error {
		for _, p := range strings.Split(s, ";") {
			if strings.TrimSpace(p) != "" {
				at = append(at, p)
			}
		}
		return nil
	})
	points := countFlag(fs, "points", 5, 0, maxCheckPoints, "random points to check at, uniform in [-2, 2]; 0 with --at unless given")
	seed := seedFlag(fs, 1, "the random points")
	tol := numberFlag(fs, "tol", 1e-9, math.SmallestNonzeroFloat64, 1, "largest relative error |given − symbolic|/max(1, |given|+|symbolic|) accepted (> 0)")
	out := outputFlag(fs, fmtTable)
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("check", args); err != nil {
			return err
		}
		if *fSrc == "" || *gSrc == "" {
			return usageErr("want --f FORMULA and --grad 'G1, G2, …'")
		}
		pointsSet := false
		fs.Visit(func(f *flag.Flag) { pointsSet = pointsSet || f.Name == "points" })
		s := symbolic.CheckSettings{Seed: *seed, Tol: *tol, Points: *points}
		if *points == 0 || (len(at) > 0 && !pointsSet) {
			s.Points = -1 // none
		}
		if *varsFlag != "" {
			for _, v := range strings.Split(*varsFlag, ",") {
				s.Vars = append(s.Vars, strings.TrimSpace(v))
			}
		}
		for _, a := range at {
			pt, err := symbolic.ParsePoint(a)
			if err != nil {
				return usageErr("--at: %v", err)
			}
			s.At = append(s.At, pt)
		}
		rep, err := symbolic.Check(*fSrc, *gSrc, s)
		if err != nil {
			return usageErr("%v", err)
		}
		if out.is(fmtJSON) {
			err = writeCheckJSON(stdout, rep)
		} else {
			err = writeCheck(stdout, rep, out.table())
		}
		if err != nil {
			return err
		}
		if !rep.OK {
			return finding("%s", strings.Join(append(rep.Wrong(), rep.Problems...), "; "))
		}
		return nil
	}
}

// checkValues is the table of the given, symbolic and central-difference value of each
// component at each point.
func checkValues(out symbolic.CheckReport) table.Table {
	values := table.Table{Header: []string{"point", "component", "given", "symbolic", "central diff."}, Align: "rrrrr"}
	for p, pt := range out.Points {
		var parts []string
		for _, v := range out.Vars {
			parts = append(parts, fmt.Sprintf("%s=%.4g", v, pt[v]))
		}
		for _, c := range out.Components {
			cp := c.Values[p]
			values.Rows = append(values.Rows, []string{strings.Join(parts, ","), "∂f/∂" + c.Var,
				fmt.Sprintf("%.10g", cp.Given), fmt.Sprintf("%.10g", cp.Symbolic), fmt.Sprintf("%.10g", cp.Central)})
		}
	}
	return values
}

// writeCheckJSON writes the report with its non-finite values as strings (internal/jsonnum).
func writeCheckJSON(w io.Writer, r symbolic.CheckReport) error {
	return jsonnum.Encode(w, r)
}

// writeCheck writes the report as tables (CSV: the table of values alone).
func writeCheck(w io.Writer, out symbolic.CheckReport, o table.Options) error {
	if o.Format == table.CSV {
		return checkValues(out).Write(w, o)
	}
	fmt.Fprintf(w, "f = %s, variables %s, %s checked, tolerance %.2g\n\n", out.F, strings.Join(out.Vars, ", "), count(len(out.Points), "point"), out.Tol)
	comps := table.Table{Header: []string{"component", "given", "symbolic", "max rel err", "verdict"}, Align: "lllrl"}
	for _, c := range out.Components {
		verdict := "ok"
		if !c.OK {
			verdict = "WRONG"
		}
		comps.Rows = append(comps.Rows, []string{"∂f/∂" + c.Var, c.Given, c.Expected, fmt.Sprintf("%.2g", c.MaxErr), verdict})
	}
	if err := comps.Write(w, o); err != nil {
		return err
	}
	fmt.Fprintln(w)
	values := checkValues(out)
	if err := values.Write(w, o); err != nil {
		return err
	}
	fmt.Fprintf(w, "\ncentral differences vs symbolic: max rel err %.2g\n", out.CentralErr)
	for _, s := range out.Skipped {
		var parts []string
		for _, v := range out.Vars {
			parts = append(parts, fmt.Sprintf("%s=%g", v, s.Point[v]))
		}
		fmt.Fprintf(w, "skipped %s: %s\n", strings.Join(parts, ","), s.Reason)
	}
	for _, c := range out.Components {
		for p, v := range c.Values {
			if v.Reason != "" {
				fmt.Fprintf(w, "∂f/∂%s at point %d: %s\n", c.Var, p+1, v.Reason)
			}
		}
	}
	for _, p := range out.Problems {
		fmt.Fprintln(w, "problem:", p)
	}
	return nil
}
