package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"nabla/symbolic"
)

func init() {
	register(&command{
		name:    "check",
		summary: "check a hand-derived gradient of a formula against symbolic differentiation and central differences",
		usage:   "--f FORMULA --grad 'G1, G2, …' [--vars x,y] [--at x=1.5,y=0.3 …] [--points N] [--seed S] [--tol T] [--format table|json]",
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
	format := formatFlag(fs, fmtTable, fmtTable, fmtJSON)
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
		if *format == "json" {
			err = writeCheckJSON(stdout, rep)
		} else {
			err = writeCheck(stdout, rep)
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

// jsonNum is v, or its name ("NaN", "+Inf", "-Inf") when JSON has no number for it.
func jsonNum(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return v
}

// writeCheckJSON writes the report with its non-finite values as strings.
func writeCheckJSON(w io.Writer, r symbolic.CheckReport) error {
	type value struct {
		Given    any    `json:"given"`
		Symbolic any    `json:"symbolic"`
		Central  any    `json:"central"`
		RelErr   any    `json:"rel_err"`
		Reason   string `json:"reason,omitempty"`
	}
	type component struct {
		symbolic.CheckComponent
		MaxErr any     `json:"max_rel_err"`
		Values []value `json:"values"`
	}
	out := struct {
		symbolic.CheckReport
		Components []component `json:"components"`
		CentralErr any         `json:"central_rel_err"`
	}{CheckReport: r, CentralErr: jsonNum(r.CentralErr)}
	for _, c := range r.Components {
		jc := component{CheckComponent: c, MaxErr: jsonNum(c.MaxErr)}
		for _, v := range c.Values {
			jc.Values = append(jc.Values, value{jsonNum(v.Given), jsonNum(v.Symbolic), jsonNum(v.Central), jsonNum(v.RelErr), v.Reason})
		}
		out.Components = append(out.Components, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeCheck(w io.Writer, out symbolic.CheckReport) error {
	fmt.Fprintf(w, "f = %s, variables %s, %d point(s) checked, tolerance %.2g\n\n", out.F, strings.Join(out.Vars, ", "), len(out.Points), out.Tol)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "component\tgiven\tsymbolic\tmax rel err\tverdict")
	for _, c := range out.Components {
		verdict := "ok"
		if !c.OK {
			verdict = "WRONG"
		}
		fmt.Fprintf(tw, "∂f/∂%s\t%s\t%s\t%.2g\t%s\n", c.Var, c.Given, c.Expected, c.MaxErr, verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "point\tcomponent\tgiven\tsymbolic\tcentral diff.\t")
	for p, pt := range out.Points {
		var parts []string
		for _, v := range out.Vars {
			parts = append(parts, fmt.Sprintf("%s=%.4g", v, pt[v]))
		}
		for _, c := range out.Components {
			cp := c.Values[p]
			fmt.Fprintf(tw, "%s\t∂f/∂%s\t%.10g\t%.10g\t%.10g\t\n", strings.Join(parts, ","), c.Var, cp.Given, cp.Symbolic, cp.Central)
		}
	}
	if err := tw.Flush(); err != nil {
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
