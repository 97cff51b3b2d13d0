package symbolic

import (
	"errors"
	"fmt"
	"math"
	"nabla/internal/rng"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"nabla/gradients"
)

// CheckSettings says where Check looks and how strictly it judges. The zero value checks at
// five random points with a tolerance of 1e-9.
type CheckSettings struct {
	// Vars orders the components of the given gradient. Nil means the order in which the
	// formula's text first names its variables.
	Vars []string
	// At are points given by the caller, each a value for every variable (ParsePoint reads
	// them). A point where f or one of its derivatives is not finite is skipped and named in
	// CheckReport.Skipped.
	At []map[string]float64
	// Points is how many random points, uniform in [−2, 2] per variable, are checked besides
	// At. Zero means 5 when At is empty and none otherwise; negative means none. Random draws
	// where f or a derivative is not finite are drawn again (up to 1000 draws per point).
	Points int
	// Seed seeds the random points.
	Seed uint64
	// Tol is the largest relative error |given − symbolic|/max(1, |given|+|symbolic|)
	// accepted. Zero means 1e-9; a negative or NaN tolerance is an error.
	Tol float64
}

// CheckValue is one component of the gradient at one point.
type CheckValue struct {
	Given    float64 `json:"given"`    // the given derivative
	Symbolic float64 `json:"symbolic"` // the symbolic derivative
	Central  float64 `json:"central"`  // a central difference of f
	RelErr   float64 `json:"rel_err"`  // of Given against Symbolic; +Inf when Given is not finite
	// Reason says why the value failed when it is not a plain number out of tolerance (a
	// given value that is NaN or ±Inf).
	Reason string `json:"reason,omitempty"`
}

// CheckComponent is the verdict on one component ∂f/∂Var of the given gradient.
type CheckComponent struct {
	Var      string       `json:"var"`
	Given    string       `json:"given"`
	Expected string       `json:"expected"` // the symbolic derivative, simplified
	MaxErr   float64      `json:"max_rel_err"`
	OK       bool         `json:"ok"`
	Values   []CheckValue `json:"values"` // one per checked point
}

// SkippedPoint is a given point where the check is not possible: f or one of its
// derivatives is not finite there (outside the formula's domain, or not differentiable).
type SkippedPoint struct {
	Point  map[string]float64 `json:"point"`
	Reason string             `json:"reason"` // e.g. "f = NaN: outside the formula's domain"
}

// CheckReport is the verdict of Check. OK is true only when every component is within the
// tolerance at every checked point, at least one point was checked, and no value that the
// verdict rests on (given, symbolic or central difference) is NaN or ±Inf.
type CheckReport struct {
	F          string               `json:"f"`
	Vars       []string             `json:"vars"`
	Tol        float64              `json:"tol"`
	Points     []map[string]float64 `json:"points"` // the checked points
	Skipped    []SkippedPoint       `json:"skipped,omitempty"`
	Components []CheckComponent     `json:"components"`
	// CentralErr is the largest relative error of the central differences against the
	// symbolic derivative: a check of the checker.
	CentralErr float64 `json:"central_rel_err"`
	// Problems are the reasons, other than a wrong component, why the verdict is not ok: a
	// central difference that is not finite where f and its derivatives are.
	Problems []string `json:"problems,omitempty"`
	OK       bool     `json:"ok"`
}

// Wrong describes each wrong component in one phrase, "∂f/∂x is 2*x, want 3*x^2".
func (r CheckReport) Wrong() []string {
	var out []string
	for _, c := range r.Components {
		if !c.OK {
			out = append(out, fmt.Sprintf("∂f/∂%s is %s, want %s", c.Var, c.Given, c.Expected))
		}
	}
	return out
}

// ErrNoPoint is returned (wrapped) by Check when no point could be checked: every given
// point lies outside the formula's domain and no random point was found inside it.
var ErrNoPoint = errors.New("no point where the formula and its derivatives are finite")

// Check holds a hand-derived gradient (components joined by ',') of the formula f against
// its symbolic derivative, and both against central differences, at the points of s.
// Every error is about the input: a formula that does not parse, components that do not
// match the variables, a point that misses a variable or names an unknown one, a bad
// tolerance, or no point inside the formula's domain (ErrNoPoint). A wrong gradient is not
// an error: it is a report whose OK is false.
func Check(f, grad string, s CheckSettings) (CheckReport, error) {
	tol := s.Tol
	if tol == 0 {
		tol = 1e-9
	}
	if !(tol > 0) || math.IsInf(tol, 0) {
		return CheckReport{}, fmt.Errorf("tolerance %v: want a positive finite number", s.Tol)
	}
	b := NewBuilder()
	fe, err := b.Parse(f)
	if err != nil {
		return CheckReport{}, fmt.Errorf("formula %q: %w", f, err)
	}
	given, err := b.ParseList(grad)
	if err != nil {
		return CheckReport{}, fmt.Errorf("gradient %q: %w", grad, err)
	}
	vars, err := checkVars(f, fe, given, s.Vars)
	if err != nil {
		return CheckReport{}, err
	}
	at, err := pointRows(s.At, vars)
	if err != nil {
		return CheckReport{}, err
	}
	exact := b.Gradient(fe, vars)
	prog, err := Compile(append(append([]Expr{fe}, exact...), given...), vars)
	if err != nil {
		return CheckReport{}, err
	}
	r := CheckReport{F: fe.String(), Vars: vars, Tol: tol, OK: true}
	r.Components = make([]CheckComponent, len(vars))
	for i, v := range vars {
		r.Components[i] = CheckComponent{Var: v, Given: given[i].String(), Expected: b.Simplify(b.Diff(fe, v)).String(), OK: true}
	}
	c := checker{prog: prog, vals: make([]float64, prog.NumOutputs()), n: len(vars), tol: tol}
	for k, row := range at {
		if reason := c.outside(row); reason != "" {
			r.Skipped = append(r.Skipped, SkippedPoint{Point: s.At[k], Reason: reason})
			continue
		}
		c.judge(&r, row)
	}
	for _, row := range c.random(randomPoints(s.Points, len(at)), s.Seed) {
		c.judge(&r, row)
	}
	if len(r.Points) == 0 {
		var skipped []string
		for _, sp := range r.Skipped {
			skipped = append(skipped, formatPoint(sp.Point, vars)+" ("+sp.Reason+")")
		}
		if len(skipped) == 0 {
			return r, fmt.Errorf("%w; give one inside the domain with --at", ErrNoPoint)
		}
		return r, fmt.Errorf("%w: skipped %s", ErrNoPoint, strings.Join(skipped, ", "))
	}
	for _, comp := range r.Components {
		r.OK = r.OK && comp.OK
	}
	r.OK = r.OK && len(r.Problems) == 0
	return r, nil
}

// randomPoints is the number of random points for CheckSettings.Points.
func randomPoints(n, given int) int {
	switch {
	case n < 0:
		return 0
	case n == 0 && given == 0:
		return 5
	}
	return n
}

// checkVars returns the variables in the order of the gradient's components.
func checkVars(src string, f Expr, given []Expr, order []string) ([]string, error) {
	vars := varsInOrder(src, f)
	if order != nil {
		vars = order
		for _, v := range Vars(f) {
			if !slices.Contains(vars, v) {
				return nil, fmt.Errorf("variables %s miss %s, a variable of the formula", strings.Join(order, ","), v)
			}
		}
	}
	if len(given) != len(vars) {
		return nil, fmt.Errorf("the gradient has %d components but the formula has %d variables (%s)", len(given), len(vars), strings.Join(vars, ", "))
	}
	for i, g := range given {
		for _, v := range Vars(g) {
			if !slices.Contains(vars, v) {
				return nil, fmt.Errorf("gradient component %d (%s) uses %s, which is not a variable of the formula (%s)", i+1, g, v, strings.Join(vars, ", "))
			}
		}
	}
	return vars, nil
}

var identRE = regexp.MustCompile(`[\p{L}_][\p{L}\p{N}_]*(\[[0-9,]+\])?`)

// varsInOrder returns the variables of f in the order the formula text first names them.
func varsInOrder(src string, f Expr) []string {
	vars := Vars(f)
	var out []string
	for _, m := range identRE.FindAllString(src, -1) {
		if slices.Contains(vars, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// pointRows orders the values of each point by vars.
func pointRows(at []map[string]float64, vars []string) ([][]float64, error) {
	rows := make([][]float64, 0, len(at))
	for _, pt := range at {
		row := make([]float64, len(vars))
		for i, v := range vars {
			x, ok := pt[v]
			if !ok {
				return nil, fmt.Errorf("point %s gives no value for %s", formatPoint(pt, vars), v)
			}
			row[i] = x
		}
		for k := range pt {
			if !slices.Contains(vars, k) {
				return nil, fmt.Errorf("point %s: %s is not a variable of the formula (%s)", formatPoint(pt, vars), k, strings.Join(vars, ", "))
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// formatPoint prints a point as "x=1.5,y=0.3", the variables of vars first.
func formatPoint(pt map[string]float64, vars []string) string {
	var parts []string
	for _, v := range vars {
		if x, ok := pt[v]; ok {
			parts = append(parts, v+"="+strconv.FormatFloat(x, 'g', -1, 64))
		}
	}
	var rest []string
	for k, x := range pt {
		if !slices.Contains(vars, k) {
			rest = append(rest, k+"="+strconv.FormatFloat(x, 'g', -1, 64))
		}
	}
	slices.Sort(rest)
	return strings.Join(append(parts, rest...), ",")
}

// ParsePoint reads a point "x=1.5,y=0.3". A value that is not a finite number, a pair
// without '=', and a variable given twice are errors.
func ParsePoint(s string) (map[string]float64, error) {
	pt := map[string]float64{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("point %q: want name=value pairs joined by ',' (x=1.5,y=0.3)", s)
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !finite(x) {
			return nil, fmt.Errorf("point %q: %s=%q is not a finite number", s, k, strings.TrimSpace(v))
		}
		if _, dup := pt[k]; dup {
			return nil, fmt.Errorf("point %q gives %s twice", s, k)
		}
		pt[k] = x
	}
	return pt, nil
}

// checker evaluates f, its symbolic gradient and the given one (in this order) at points.
type checker struct {
	prog *Program
	vals []float64
	n    int // variables
	tol  float64
}

// outside says why row is outside the domain of f or of its derivatives, or "" when f and
// every symbolic derivative are finite there.
func (c *checker) outside(row []float64) string {
	c.prog.Eval(c.vals, row)
	if v := c.vals[0]; !finite(v) {
		return fmt.Sprintf("f = %v: outside the formula's domain", v)
	}
	for i, v := range c.vals[1 : 1+c.n] {
		if !finite(v) {
			return fmt.Sprintf("∂f/∂%s = %v: f is not differentiable here", c.prog.vars[i], v)
		}
	}
	return ""
}

// random draws n points inside the domain.
func (c *checker) random(n int, seed uint64) [][]float64 {
	var rows [][]float64
	rng := rng.New(seed)
	for tries := 0; len(rows) < n && tries < 1000*n; tries++ {
		row := make([]float64, c.n)
		for i := range row {
			row[i] = 4*rng.Float64() - 2
		}
		if c.outside(row) == "" {
			rows = append(rows, row)
		}
	}
	return rows
}

// judge checks every component at row, a point inside the domain, into r.
func (c *checker) judge(r *CheckReport, row []float64) {
	pt := map[string]float64{}
	for i, v := range r.Vars {
		pt[v] = row[i]
	}
	r.Points = append(r.Points, pt)
	c.prog.Eval(c.vals, row)
	res := slices.Clone(c.vals)
	for i := range r.Vars {
		comp := &r.Components[i]
		cv := CheckValue{Given: res[1+c.n+i], Symbolic: res[1+i], Central: c.central(row, i)}
		cv.RelErr = gradients.RelErr(cv.Given, cv.Symbolic)
		if !finite(cv.Given) {
			cv.Reason = fmt.Sprintf("the given value is %v", cv.Given)
		}
		if !(cv.RelErr <= c.tol) {
			comp.OK = false
		}
		comp.MaxErr = max(comp.MaxErr, cv.RelErr)
		comp.Values = append(comp.Values, cv)
		if !finite(cv.Central) {
			r.Problems = append(r.Problems, fmt.Sprintf("the central difference of ∂f/∂%s at %s is %v (its stencil leaves the domain)", r.Vars[i], formatPoint(pt, r.Vars), cv.Central))
			continue
		}
		r.CentralErr = max(r.CentralErr, gradients.RelErr(cv.Central, cv.Symbolic))
	}
}

// central is the central difference of f in coordinate i at row (restored afterwards).
func (c *checker) central(row []float64, i int) float64 {
	x := row[i]
	h := 6e-6 * max(1, math.Abs(x))
	row[i] = x + h
	fp := c.prog.Eval(c.vals, row)[0]
	row[i] = x - h
	fm := c.prog.Eval(c.vals, row)[0]
	row[i] = x
	return (fp - fm) / (2 * h)
}
