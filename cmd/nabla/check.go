package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"nabla/gradients"
	"nabla/nn"
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

type checkPoint struct {
	Given    float64 `json:"given"`
	Symbolic float64 `json:"symbolic"`
	Central  float64 `json:"central"`
}

type checkComponent struct {
	Var      string       `json:"var"`
	Given    string       `json:"given"`
	Expected string       `json:"expected"` // the symbolic derivative, simplified
	MaxErr   float64      `json:"max_rel_err"`
	OK       bool         `json:"ok"`
	Values   []checkPoint `json:"values"` // one per point
}

type checkOutput struct {
	F          string               `json:"f"`
	Vars       []string             `json:"vars"`
	Points     []map[string]float64 `json:"points"`
	Components []checkComponent     `json:"components"`
	// CentralErr is the largest relative error of the central differences against the
	// symbolic derivative: a check of the checker.
	CentralErr float64 `json:"central_rel_err"`
	OK         bool    `json:"ok"`
}

var identRE = regexp.MustCompile(`[\p{L}_][\p{L}\p{N}_]*(\[[0-9,]+\])?`)

// varsInOrder returns the variables of f in the order the formula text first names them.
func varsInOrder(src string, f symbolic.Expr) []string {
	vars := symbolic.Vars(f)
	var out []string
	for _, m := range identRE.FindAllString(src, -1) {
		if slices.Contains(vars, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// parsePoint reads "x=1.5,y=0.3".
func parsePoint(s string) (map[string]float64, error) {
	pt := map[string]float64{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usageErr("--at %q: want name=value pairs joined by ',' (x=1.5,y=0.3)", s)
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, usageErr("--at %q: %s=%q is not a finite number", s, k, strings.TrimSpace(v))
		}
		pt[k] = x
	}
	return pt, nil
}

// maxCheckPoints bounds --points.
const maxCheckPoints = 100_000

func setupCheck(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	fSrc := fs.String("f", "", "the formula, e.g. 'x*(x^2 - sin(y))'")
	gSrc := fs.String("grad", "", "the hand-derived gradient, components joined by ',' in the order of --vars")
	varsFlag := fs.String("vars", "", "the variables in the order of --grad (default: as the formula first names them)")
	var at []string
	fs.Func("at", "a point 'x=1.5,y=0.3' (repeatable; points may also be joined by ';')", func(s string) error {
		for _, p := range strings.Split(s, ";") {
			if strings.TrimSpace(p) != "" {
				at = append(at, p)
			}
		}
		return nil
	})
	points := countFlag(fs, "points", 5, 0, maxCheckPoints, "random points to check at, uniform in [-2, 2]; 0 with --at unless given")
	seed := seedFlag(fs, 1, "the random points")
	tol := numberFlag(fs, "tol", 1e-9, 0, 1, "largest relative error |given − symbolic|/max(1, |given|+|symbolic|) accepted")
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
		b := symbolic.NewBuilder()
		f, err := b.Parse(*fSrc)
		if err != nil {
			return inputErr(fmt.Errorf("--f %s: %w", quoteShort(*fSrc), err))
		}
		given, err := b.ParseList(*gSrc)
		if err != nil {
			return inputErr(fmt.Errorf("--grad %s: %w", quoteShort(*gSrc), err))
		}
		vars := varsInOrder(*fSrc, f)
		if *varsFlag != "" {
			vars = nil
			for _, v := range strings.Split(*varsFlag, ",") {
				vars = append(vars, strings.TrimSpace(v))
			}
			for _, v := range symbolic.Vars(f) {
				if !slices.Contains(vars, v) {
					return usageErr("--vars %q misses %s, a variable of the formula", *varsFlag, v)
				}
			}
		}
		if len(given) != len(vars) {
			return usageErr("--grad has %d components but the formula has %d variables (%s)", len(given), len(vars), strings.Join(vars, ", "))
		}
		for i, g := range given {
			for _, v := range symbolic.Vars(g) {
				if !slices.Contains(vars, v) {
					return usageErr("--grad component %d (%s) uses %s, which is not a variable of the formula (%s)", i+1, g, v, strings.Join(vars, ", "))
				}
			}
		}
		// Points: the given ones, then random ones where f and its derivatives are finite.
		var pts [][]float64
		out := checkOutput{F: f.String(), Vars: vars, OK: true}
		for _, s := range at {
			pt, err := parsePoint(s)
			if err != nil {
				return inputErr(err)
			}
			row := make([]float64, len(vars))
			for i, v := range vars {
				x, ok := pt[v]
				if !ok {
					return usageErr("--at %q gives no value for %s", s, v)
				}
				row[i] = x
			}
			for k := range pt {
				if !slices.Contains(vars, k) {
					return usageErr("--at %q: %s is not a variable of the formula (%s)", s, k, strings.Join(vars, ", "))
				}
			}
			pts = append(pts, row)
		}
		nrand := *points
		if len(at) > 0 && !pointsSet {
			nrand = 0
		}
		exact := b.Gradient(f, vars)
		prog, err := symbolic.Compile(append(append([]symbolic.Expr{f}, exact...), given...), vars)
		if err != nil {
			return err
		}
		vals := make([]float64, prog.NumOutputs())
		rng := nn.NewRand(*seed)
		for tries := 0; nrand > 0 && tries < 1000*nrand; tries++ {
			row := make([]float64, len(vars))
			for i := range row {
				row[i] = 4*rng.Float64() - 2
			}
			prog.Eval(vals, row)
			if allFinite(vals[:1+len(vars)]) {
				pts = append(pts, row)
				nrand--
			}
		}
		if len(pts) == 0 {
			return usageErr("found no point where the formula and its derivatives are finite; give one with --at")
		}
		out.Components = make([]checkComponent, len(vars))
		for i, v := range vars {
			out.Components[i] = checkComponent{Var: v, Given: given[i].String(), Expected: b.Simplify(b.Diff(f, v)).String(), OK: true}
		}
		fAt := func(row []float64) float64 { return prog.Eval(vals, row)[0] }
		for _, row := range pts {
			pt := map[string]float64{}
			for i, v := range vars {
				pt[v] = row[i]
			}
			out.Points = append(out.Points, pt)
			prog.Eval(vals, row)
			res := slices.Clone(vals)
			for i := range vars {
				c := &out.Components[i]
				cp := checkPoint{Given: res[1+len(vars)+i], Symbolic: res[1+i], Central: central(fAt, row, i)}
				c.Values = append(c.Values, cp)
				e := gradients.RelErr(cp.Given, cp.Symbolic)
				c.MaxErr = max(c.MaxErr, e)
				if e > *tol {
					c.OK = false
				}
				out.CentralErr = max(out.CentralErr, gradients.RelErr(cp.Central, cp.Symbolic))
			}
		}
		var wrong []string
		for _, c := range out.Components {
			if !c.OK {
				out.OK = false
				wrong = append(wrong, fmt.Sprintf("∂f/∂%s is %s, want %s", c.Var, c.Given, c.Expected))
			}
		}
		if *format == "json" {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(out); err != nil {
				return err
			}
		} else if err := writeCheck(stdout, out); err != nil {
			return err
		}
		if len(wrong) > 0 {
			return finding("%s", strings.Join(wrong, "; "))
		}
		return nil
	}
}

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// central returns the central difference of f in coordinate i at row (restored afterwards).
func central(f func([]float64) float64, row []float64, i int) float64 {
	x := row[i]
	h := 6e-6 * max(1, math.Abs(x))
	row[i] = x + h
	fp := f(row)
	row[i] = x - h
	fm := f(row)
	row[i] = x
	return (fp - fm) / (2 * h)
}

func writeCheck(w io.Writer, out checkOutput) error {
	fmt.Fprintf(w, "f = %s, variables %s, %d point(s)\n\n", out.F, strings.Join(out.Vars, ", "), len(out.Points))
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
	return nil
}
