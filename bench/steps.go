package bench

import (
	"cmp"
	"fmt"
	"math"
	"nabla/results"
	"slices"

	"gonum.org/v1/gonum/diff/fd"

	"nabla/gradients"
	"nabla/nn"
	"nabla/numeric"
)

// StepOptions choose the network, data and steps of a step-size sweep. The zero value of
// every field but Net means the default stated on it.
type StepOptions struct {
	// Net is the architecture, as nn.Parse reads it ("4-8-3"). Required.
	Net string
	// Cost is the cost kind K is measured with; the zero value is the notes' quadratic cost.
	Cost nn.CostKind
	// Batch is the number of training pairs. Zero means 16.
	Batch int
	// Seed draws the parameters (nn.Network.Init) and the batch (RandomBatch). Zero is a
	// valid seed.
	Seed uint64
	// Param names the parameter whose curves are shown ("W1[2,3]"). Empty means the parameter
	// with the largest |∂K/∂Aⱼ|.
	Param string
	// Sample is the number of parameters over which the spread of the errors and the sign
	// flips are measured, spread evenly over those whose |∂K/∂Aⱼ| is at least 1% of the
	// largest (so that a relative error means something). Zero means 32.
	Sample int
	// PerDecade is the number of steps per decade of h. Zero means 4.
	PerDecade int
	// Exact is the registered engine that gives the exact gradient. Empty means "backprop".
	Exact string
	// MinComplexStep is the smallest complex step; below 1e-16 the complex step is swept one
	// decade at a time. Zero means 1e-200.
	MinComplexStep float64
}

// Step range of the sweep for the difference formulas (results.MaxStep, results.MinStep).
const (
	MaxStep = results.MaxStep
	MinStep = results.MinStep
)

// StepPoint is one step of one curve (results.StepPoint).
type StepPoint = results.StepPoint

// StepCurve is the sweep of one method in one precision (results.StepCurve).
type StepCurve = results.StepCurve

// StepSweep is the result of Steps (results.StepSweep).
type StepSweep = results.StepSweep

// partialer is what the sweep asks of an engine: one partial derivative.
type partialer interface {
	Partial(A []float64, b nn.Batch, j int) (float64, error)
}

type stepMethod struct {
	name  string
	prec  numeric.Precision
	order int
	make  func(net *nn.Network, h float64) (partialer, error)
}

func formulaMethod(name string, f fd.Formula, prec numeric.Precision) stepMethod {
	return stepMethod{name, prec, numeric.Order(f), func(net *nn.Network, h float64) (partialer, error) {
		return numeric.New(net, &numeric.Settings{Formula: f, Step: h, Precision: prec, KeepStep: true})
	}}
}

// StepMethods lists the methods of the sweep as "method/precision".
func StepMethods() []string {
	var names []string
	for _, m := range stepMethods() {
		names = append(names, m.name+"/"+m.prec.String())
	}
	return names
}

func stepMethods() []stepMethod {
	var ms []stepMethod
	for _, prec := range []numeric.Precision{numeric.Float64, numeric.Float32} {
		ms = append(ms,
			formulaMethod("forward", numeric.Forward, prec),
			formulaMethod("backward", numeric.Backward, prec),
			formulaMethod("central", numeric.Central, prec),
			formulaMethod("central5", numeric.Central5, prec),
			stepMethod{"richardson", prec, 2 * numeric.RegisteredRichardson, func(net *nn.Network, h float64) (partialer, error) {
				return numeric.New(net, &numeric.Settings{Richardson: numeric.RegisteredRichardson, Step: h, Precision: prec, KeepStep: true})
			}})
		if prec == numeric.Float64 {
			ms = append(ms, stepMethod{"complex", prec, 2, func(net *nn.Network, h float64) (partialer, error) {
				return numeric.NewComplex(net, h)
			}})
		}
	}
	return ms
}

// stepGrid returns h from MaxStep down to MinStep with perDecade steps a decade, and then for
// the complex step one a decade down to minComplex.
func stepGrid(perDecade int, minComplex float64, complexStep bool) []float64 {
	var hs []float64
	lo, hi := math.Log10(MinStep), math.Log10(MaxStep)
	n := int(math.Round((hi-lo)*float64(perDecade))) + 1
	for i := range n {
		hs = append(hs, math.Pow(10, hi-float64(i)/float64(perDecade)))
	}
	if complexStep {
		for e := math.Log10(MinStep) - 1; e >= math.Log10(minComplex)-1e-9; e-- {
			hs = append(hs, math.Pow(10, e))
		}
	}
	return hs
}

// Steps runs the step-size sweep: for every difference formula (forward, backward, central,
// five-point, Richardson) in float64 and float32, and the complex step in float64, the
// estimate of ∂K/∂Aⱼ for h from 1e-1 down to 1e-16 (the complex step down to 1e-200), held
// against the exact gradient of the registered engine opts.Exact; the error at the chosen
// parameter and its spread and sign flips over a sample of parameters; and per curve the
// measured optimal step against the theoretical one.
func Steps(opts StepOptions) (*StepSweep, error) {
	net, err := nn.Parse(opts.Net)
	if err != nil {
		return nil, err
	}
	net = net.WithCost(opts.Cost)
	batch := cmp.Or(opts.Batch, 16)
	if batch < 1 {
		return nil, fmt.Errorf("steps: batch %d < 1", batch)
	}
	if opts.Sample < 0 || opts.PerDecade < 0 || opts.MinComplexStep < 0 || opts.MinComplexStep > MinStep {
		return nil, fmt.Errorf("steps: sample %d, steps per decade %d and smallest complex step %g must not be negative (nor the last above %g)",
			opts.Sample, opts.PerDecade, opts.MinComplexStep, MinStep)
	}
	exactName := cmp.Or(opts.Exact, "backprop")
	A := net.Init(nil, opts.Seed)
	b := net.RandomBatch(batch, opts.Seed)
	ex, err := gradients.New(exactName, net)
	if err != nil {
		return nil, fmt.Errorf("steps: exact gradient: %w", err)
	}
	g, k, err := ex.Gradient(nil, A, b)
	if err != nil {
		return nil, fmt.Errorf("steps: exact gradient by %s: %w", exactName, err)
	}
	sample, err := stepSample(net, g, opts.Param, cmp.Or(opts.Sample, 32))
	if err != nil {
		return nil, err
	}
	s := &StepSweep{Net: net.String(), Cost: opts.Cost, Params: net.NumParams(), Batch: batch, Seed: opts.Seed, K: k,
		Index: sample[0], Param: net.ParamName(sample[0]), Exact: g[sample[0]], ExactEngine: exactName}
	for _, j := range sample {
		s.Sample = append(s.Sample, net.ParamName(j))
	}
	cx, err := numeric.NewComplex(net, 1e-20)
	if err != nil {
		return nil, err
	}
	for _, j := range sample {
		d, err := cx.Partial(A, b, j)
		if err != nil {
			return nil, err
		}
		s.ComplexCheck = max(s.ComplexCheck, relErr(d, g[j]))
	}
	scales, err := derivativeScales(net, A, b, sample)
	if err != nil {
		return nil, err
	}
	perDecade := cmp.Or(opts.PerDecade, 4)
	minComplex := cmp.Or(opts.MinComplexStep, 1e-200)
	errs := make([]float64, len(sample))
	for _, m := range stepMethods() {
		c := StepCurve{Method: m.name, Precision: m.prec.String(), Order: m.order}
		if m.name != "richardson" && m.name != "complex" {
			c.Theory = math.Pow(m.prec.Epsilon(), 1/float64(m.order+1))
			c.Scaled = scaledTheory(m.name, m.prec.Epsilon(), k, scales)
		}
		for _, h := range stepGrid(perDecade, minComplex, m.name == "complex") {
			e, err := m.make(net, h)
			if err != nil {
				return nil, fmt.Errorf("steps: %s %s at h = %g: %w", m.name, m.prec, h, err)
			}
			p := StepPoint{H: h}
			for i, j := range sample {
				d, err := e.Partial(A, b, j)
				if err != nil {
					return nil, fmt.Errorf("steps: %s %s at h = %g: %w", m.name, m.prec, h, err)
				}
				errs[i] = relErr(d, g[j])
				if !(d*g[j] > 0) {
					p.SignFlips++
				}
				if i == 0 {
					p.Value, p.RelErr = d, errs[i]
				}
			}
			p.Median = Median(slices.Clone(errs))
			p.Max = slices.Max(errs)
			c.Points = append(c.Points, p)
		}
		summarize(&c)
		s.Curves = append(s.Curves, c)
	}
	return s, nil
}

// relErr is |d − g|/|g|: +Inf when d or g is NaN or ±Inf (a comparison with NaN never
// passes), 0 when they are equal (even both 0).
func relErr(d, g float64) float64 {
	if math.IsNaN(d) || math.IsInf(d, 0) || math.IsNaN(g) || math.IsInf(g, 0) {
		return math.Inf(1)
	}
	if d == g {
		return 0
	}
	return math.Abs(d-g) / math.Abs(g)
}

// summarize fills a curve's optimum, flat region, recommendation and first sign flip.
func summarize(c *StepCurve) {
	best := 0
	for i, p := range c.Points {
		if p.Median < c.Points[best].Median {
			best = i
		}
	}
	c.Best, c.BestErr = c.Points[best].H, c.Points[best].Median
	if c.Theory > 0 {
		c.Ratio = c.Best / c.Theory
	}
	if c.Scaled > 0 {
		c.ScaledRatio = c.Best / c.Scaled
	}
	c.Flat = c.Best
	for _, p := range c.Points {
		if p.Median <= 2*c.BestErr {
			c.Flat = p.H
			break
		}
	}
	c.Recommended = c.Best
	if c.Method == "complex" {
		c.Recommended = c.Flat / 1e4
	}
	for _, p := range c.Points {
		if p.SignFlips > 0 {
			c.FirstFlip = p.H
			break
		}
	}
}

// stepSample picks the chosen parameter (first) and up to n−1 others, evenly spread over the
// parameters whose |gradient| is at least 1% of the largest.
func stepSample(net *nn.Network, g []float64, param string, n int) ([]int, error) {
	var gmax float64
	for _, v := range g {
		gmax = max(gmax, math.Abs(v))
	}
	if gmax == 0 {
		return nil, fmt.Errorf("steps: the gradient is zero on %s; no relative errors to measure", net)
	}
	chosen := -1
	if param != "" {
		j, err := net.ParamIndex(param)
		if err != nil {
			return nil, fmt.Errorf("steps: %w", err)
		}
		if g[j] == 0 {
			return nil, fmt.Errorf("steps: ∂K/∂%s is exactly 0; choose another parameter", net.ParamName(j))
		}
		chosen = j
	} else {
		for j, v := range g {
			if chosen < 0 || math.Abs(v) > math.Abs(g[chosen]) {
				chosen = j
			}
		}
	}
	var eligible []int
	for j, v := range g {
		if math.Abs(v) >= 0.01*gmax && j != chosen {
			eligible = append(eligible, j)
		}
	}
	sample := []int{chosen}
	m := min(n-1, len(eligible))
	for i := range m {
		sample = append(sample, eligible[i*len(eligible)/m])
	}
	return sample, nil
}

// scales are |K”|, |K”'| and |K⁽⁵⁾| along one parameter.
type scales struct{ d2, d3, d5 float64 }

// derivativeScales returns the higher derivatives of K along each sampled parameter, from
// central differences of complex-step first derivatives (accurate to rounding, so the
// differences lose little): K” and K”' with spacing 1e-2, K⁽⁵⁾ with spacing 5e-2.
func derivativeScales(net *nn.Network, A []float64, b nn.Batch, sample []int) ([]scales, error) {
	cx, err := numeric.NewComplex(net, 1e-20)
	if err != nil {
		return nil, err
	}
	a := slices.Clone(A)
	// f fills d1[i] = K' at Aⱼ + (i−2)·h, i = 0..4.
	var d1 [5]float64
	f := func(j int, h float64) error {
		for i := range d1 {
			a[j] = A[j] + float64(i-2)*h
			d, err := cx.Partial(a, b, j)
			if err != nil {
				return err
			}
			d1[i] = d
		}
		a[j] = A[j]
		return nil
	}
	out := make([]scales, len(sample))
	for n, j := range sample {
		const h, H = 1e-2, 5e-2
		if err := f(j, h); err != nil {
			return nil, err
		}
		out[n].d2 = math.Abs(d1[3]-d1[1]) / (2 * h)
		out[n].d3 = math.Abs(d1[3]-2*d1[2]+d1[1]) / (h * h)
		if err := f(j, H); err != nil {
			return nil, err
		}
		out[n].d5 = math.Abs(d1[4]-4*d1[3]+6*d1[2]-4*d1[1]+d1[0]) / (H * H * H * H)
	}
	return out, nil
}

// scaledTheory is the median over the sample of the optimal step of a formula with the
// network's own scales (see StepCurve.Scaled), or 0 for a method without a rule.
func scaledTheory(method string, eps, k float64, sc []scales) float64 {
	noise := eps * math.Abs(k)
	hs := make([]float64, 0, len(sc))
	for _, s := range sc {
		var h float64
		switch method {
		case "forward", "backward":
			h = 2 * math.Sqrt(noise/s.d2)
		case "central":
			h = math.Cbrt(3 * noise / s.d3)
		case "central5":
			h = math.Pow(11.25*noise/s.d5, 0.2)
		default:
			return 0
		}
		if math.IsNaN(h) || h > 1 {
			h = 1
		}
		hs = append(hs, max(h, MinStep))
	}
	return Median(hs)
}
