package mutants

import (
	"fmt"
	"math"
	"nabla/internal/rng"
	"slices"
	"time"

	"nabla/gradients"
	"nabla/nn"
)

// Defaults of a detection run.
const (
	// DefaultNet has what every fault of the catalogue needs: a square hidden layer (for
	// w-not-transposed), adjacent layers with different activations, sigmoid and tanh. It has
	// no ReLU, so that finite differences with large steps (Richardson from h = 0.1) are a
	// valid reference for every parameter; ReLU networks work too (see Detection).
	DefaultNet = "4-6-6-3:tanh,sigmoid,sigmoid"
	// DefaultCNN has what every fault of CNNCatalogue needs: a convolution with stride 2 and
	// padding on a two-channel image, a second convolution above it (δ goes down through a
	// kernel), max pooling above that, outputs larger than one pixel.
	DefaultCNN = "2x9x9-conv3@3x3/s2+p1-conv4@3x3+p1-maxpool2-3:tanh,tanh,sigmoid"
	// DefaultBatch is the batch size of a run (two or more, for the batch faults).
	DefaultBatch = 8
	// DefaultDirections is the number of random directions v of the directional check.
	DefaultDirections = 3
	// CentralStep is the step h of the central difference (K(A+hv) − K(A−hv))/2h along a
	// unit vector v in the directional check.
	CentralStep = 1e-5
	// CentralTolerance is the relative error (gradients.RelErr) within which ∇K·v must match
	// the central difference along v.
	CentralTolerance = 1e-6
	// minKinkDistance is how far every ReLU pre-activation must be from 0 at the drawn point,
	// so that differences are valid references there.
	minKinkDistance = 1e-3
)

// Config sets up a detection run. The zero value runs the whole catalogue on DefaultNet with
// every registered engine.
type Config struct {
	Net        string      // architecture; "" means DefaultNet
	Cost       nn.CostKind // the cost the mutants and engines differentiate; zero is nn.Quadratic
	Batch      int         // training pairs; 0 means DefaultBatch
	Seed       uint64      // seed of parameters, batch and directions; 0 means 1
	Engines    []string    // engines to hold the mutants against; nil means gradients.Names()
	Directions int         // random directions of the fast check; 0 means DefaultDirections
	Faults     []Fault     // faults to run; nil means Catalogue(), and CNNCatalogue() too on a CNN
	// Budget is the longest estimated time of one engine's gradient (gradients.Runner);
	// engines estimated above it are listed in Report.Skipped. Zero means no limit.
	Budget time.Duration
}

// EngineInfo describes an engine taking part in a run.
type EngineInfo struct {
	Name        string  `json:"name"`
	Exact       bool    `json:"exact"`
	Tolerance   float64 `json:"tolerance"`
	Directional bool    `json:"directional"` // implements gradients.Directional
}

// Detection is one engine's verdict on one mutant.
type Detection struct {
	Engine   string `json:"engine"`
	Detected bool   `json:"detected"` // the full cross-check disagrees
	// Block is the first block, in the order backpropagation computes them (output layer
	// first: W_L, b_L, W_{L−1}, …), where the full check finds a disagreement beyond the
	// pair's tolerance: where the fault shows first ("" when not detected).
	Block string `json:"block,omitempty"`
	// FirstBad is the pair's FirstBad: the first wrong block in layout order (W1, b1, W2, …).
	FirstBad          string  `json:"first_bad_block,omitempty"`
	Worst             string  `json:"worst,omitempty"` // parameter with the largest relative error
	MaxRelErr         float64 `json:"max_rel_err"`
	NonDifferentiable int     `json:"non_differentiable,omitempty"` // parameters set aside at ReLU kinks
	// Directional reports whether the fast check (∇K·v for Directions random v) disagrees.
	Directional       bool    `json:"directional_detected"`
	DirectionalRelErr float64 `json:"directional_rel_err"` // largest over the directions
	// DirectionalKinks counts the directions set aside because the engine's differences
	// along them cross a ReLU kink (moving A by the engine's step along v changes the sign
	// of a ReLU pre-activation): there ∇K·v has no difference quotient as a reference.
	DirectionalKinks int `json:"directional_kinks,omitempty"`
}

// Outcome is the verdict of every engine on one fault.
type Outcome struct {
	Fault
	// Truth is the first block, in backward order (see Detection.Block), where the mutant's
	// gradient really differs from the clean control's ("" if the fault does not change the
	// gradient on this network).
	Truth      string      `json:"truth_block"`
	Detections []Detection `json:"engines"`
	// Central reports whether ∇K·v of the mutant disagrees with central differences of the
	// reference cost along v, an engine-free directional check.
	Central       bool    `json:"central_directional_detected"`
	CentralRelErr float64 `json:"central_directional_rel_err"`
}

// Report is the result of a detection run.
type Report struct {
	Net        string       `json:"net"`
	Cost       nn.CostKind  `json:"cost"` // "quadratic" or "xent"
	Batch      int          `json:"batch"`
	Seed       uint64       `json:"seed"`
	Directions int          `json:"directions"`
	Engines    []EngineInfo `json:"engine_info"`
	Skipped    []string     `json:"skipped,omitempty"` // engines that could not run, with why
	Control    Outcome      `json:"control"`
	Faults     []Outcome    `json:"faults"`
}

// Rate is an engine's detection count over the catalogue, for the full and the fast check.
type Rate struct {
	Engine      string `json:"engine"`
	Exact       bool   `json:"exact"`
	Faults      int    `json:"faults"`      // faults that change the gradient on the network
	Full        int    `json:"full"`        // detected by the full check
	Directional int    `json:"directional"` // detected by the directional check
	// AtKinks counts the faults for which every direction was set aside because the engine's
	// differences along it cross a ReLU kink: the directional check could not judge them.
	AtKinks    int  `json:"directional_at_kinks,omitempty"`
	FalseAlarm bool `json:"false_alarm"` // the control was flagged
}

// Rates returns per-engine detection counts, in the order of r.Engines, followed by the
// engine-free central-difference directional check under the name "central-along-v" (its
// Full count is its directional count).
func (r Report) Rates() []Rate {
	var rates []Rate
	for ei, e := range r.Engines {
		rt := Rate{Engine: e.Name, Exact: e.Exact, FalseAlarm: r.Control.Detections[ei].Detected || r.Control.Detections[ei].Directional}
		for _, o := range r.Faults {
			if o.Truth == "" {
				continue
			}
			rt.Faults++
			d := o.Detections[ei]
			if d.Detected {
				rt.Full++
			}
			if d.Directional {
				rt.Directional++
			}
			if d.DirectionalKinks == r.Directions {
				rt.AtKinks++
			}
		}
		rates = append(rates, rt)
	}
	c := Rate{Engine: "central-along-v", FalseAlarm: r.Control.Central}
	for _, o := range r.Faults {
		if o.Truth == "" {
			continue
		}
		c.Faults++
		if o.Central {
			c.Full++
			c.Directional++
		}
	}
	return append(rates, c)
}

// Undetected returns "fault/engine" for every fault that changes the gradient but escapes
// the full check of an exact engine (or of any engine, with exactOnly false), and
// "none/engine" for every false alarm on the control.
func (r Report) Undetected(exactOnly bool) []string {
	var miss []string
	for ei, e := range r.Engines {
		if exactOnly && !e.Exact {
			continue
		}
		if r.Control.Detections[ei].Detected {
			miss = append(miss, Control.Name+"/"+e.Name)
		}
		for _, o := range r.Faults {
			if o.Truth != "" && !o.Detections[ei].Detected {
				miss = append(miss, o.Name+"/"+e.Name)
			}
		}
	}
	return miss
}

// engineRun is one real engine's answer at the run's point.
type engineRun struct {
	info  gradients.Info
	res   gradients.Result
	dirs  []float64 // ∇K·v for each direction
	kinks []bool    // whether the engine's differences along each direction cross a kink
	// directional reports whether dirs come from the engine's gradients.Directional.
	directional bool
}

// Run draws a random point (parameters and batch, redrawn until every ReLU pre-activation is
// at least 1e-3 from 0), computes each real engine's gradient there once, and holds every
// mutant against each of them. The engines run under the one runner (gradients.Runner):
// engines that cannot handle the network or exceed Budget are listed in Skipped; an engine
// error on valid input is returned.
func Run(cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	if cfg.Batch < 1 {
		return Report{}, fmt.Errorf("mutants: batch %d: %w", cfg.Batch, nn.ErrEmptyBatch)
	}
	net, err := nn.Parse(cfg.Net)
	if err != nil {
		return Report{}, err
	}
	net = net.WithCost(cfg.Cost)
	if cfg.Faults == nil {
		cfg.Faults = Catalogue()
		if !net.InShape().IsVec() {
			cfg.Faults = append(cfg.Faults, CNNCatalogue()...)
		}
	}
	pt := point{net: net, vs: directions(net.NumParams(), cfg.Directions, cfg.Seed)}
	pt.A, pt.b = drawPoint(net, cfg.Batch, cfg.Seed)
	rep := Report{Net: net.String(), Cost: cfg.Cost, Batch: cfg.Batch, Seed: cfg.Seed, Directions: cfg.Directions}
	if err := pt.runEngines(cfg, &rep); err != nil {
		return Report{}, err
	}
	ev := nn.NewEvaluator(net)
	pt.central = make([]float64, len(pt.vs))
	for j, v := range pt.vs {
		pt.central[j] = centralAlong(ev, pt.A, v, pt.b)
	}
	if pt.control, err = mutantGradient(net, Control, pt.A, pt.b); err != nil {
		return Report{}, err
	}
	if rep.Control, err = pt.judge(Control); err != nil {
		return Report{}, err
	}
	for _, f := range cfg.Faults {
		o, err := pt.judge(f)
		if err != nil {
			return Report{}, err
		}
		rep.Faults = append(rep.Faults, o)
	}
	return rep, nil
}

// withDefaults applies the defaults stated on Config's fields.
func (cfg Config) withDefaults() Config {
	if cfg.Net == "" {
		cfg.Net = DefaultNet
	}
	if cfg.Batch == 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Directions <= 0 {
		cfg.Directions = DefaultDirections
	}
	if cfg.Engines == nil {
		cfg.Engines = gradients.Names()
	}
	return cfg
}

// point is the drawn point of a run and what every fault is judged against there.
type point struct {
	net     *nn.Network
	A       []float64
	b       nn.Batch
	vs      [][]float64      // the directions of the fast check
	runs    []engineRun      // the real engines' answers
	central []float64        // central differences of the reference cost along each v
	control gradients.Result // the clean variant's gradient
}

// runEngines computes each real engine's answer at the point under the one runner, filling
// the report's engines and skips.
func (pt *point) runEngines(cfg Config, rep *Report) error {
	infos, err := gradients.Infos(cfg.Engines)
	if err != nil {
		return err
	}
	out, err := (&gradients.Runner{Budget: cfg.Budget, Seed: cfg.Seed}).Run(infos, pt.net, pt.A, pt.b)
	if err != nil {
		return fmt.Errorf("mutants on %s: %w", pt.net, err)
	}
	for _, s := range out.Skipped {
		rep.Skipped = append(rep.Skipped, s.Engine+": "+s.Reason)
	}
	probe := nn.NewKinkProbe(pt.net).Reset(pt.A, pt.b)
	for i, res := range out.Results {
		er, err := directionalRun(probe, pt.net, out.Engines[i], res, pt.A, pt.b, pt.vs)
		if err != nil {
			return err
		}
		pt.runs = append(pt.runs, er)
		rep.Engines = append(rep.Engines, EngineInfo{Name: res.Engine, Exact: er.info.Exact, Tolerance: res.Tolerance, Directional: er.directional})
	}
	return nil
}

// judge holds the mutant with fault f against the clean control, the central differences
// along each direction and every engine.
func (pt *point) judge(f Fault) (Outcome, error) {
	g, err := mutantGradient(pt.net, f, pt.A, pt.b)
	if err != nil {
		return Outcome{}, err
	}
	o := Outcome{Fault: f, Truth: firstDiff(pt.net, g, pt.control.Grad)}
	for j, v := range pt.vs {
		o.CentralRelErr = max(o.CentralRelErr, gradients.RelErr(dot(g.Grad, v), pt.central[j]))
	}
	o.Central = o.CentralRelErr > CentralTolerance
	for _, er := range pt.runs {
		o.Detections = append(o.Detections, pt.detect(g, er))
	}
	return o, nil
}

// detect is one engine's verdict on the mutant's gradient g: the full check and the fast one.
func (pt *point) detect(g gradients.Result, er engineRun) Detection {
	p := gradients.ComparePairAt(pt.net, pt.A, pt.b, g, er.res)
	d := Detection{Engine: er.info.Name, Detected: !p.Agree, FirstBad: p.FirstBad, Worst: p.Worst,
		MaxRelErr: p.MaxRelErr, NonDifferentiable: len(p.NonDifferentiable)}
	if d.Detected {
		d.Block = backwardFirst(pt.net, func(blk int) bool { return p.Blocks[blk].MaxRelErr > p.Tolerance })
	}
	// An engine's own directional derivative is one number, held to the pair's tolerance; a
	// dot product of its gradient with v sums n rounded entries.
	tol := p.Tolerance
	if !er.directional {
		tol *= math.Sqrt(float64(pt.net.NumParams()))
	}
	for j, v := range pt.vs {
		if er.kinks[j] {
			d.DirectionalKinks++
			continue
		}
		d.DirectionalRelErr = max(d.DirectionalRelErr, gradients.RelErr(dot(g.Grad, v), er.dirs[j]))
	}
	d.Directional = d.DirectionalRelErr > tol
	return d
}

// directionalRun completes an engine's answer with ∇K·v along each direction: from its own
// Directional where it has one, the dot product of its gradient otherwise.
func directionalRun(probe *nn.KinkProbe, net *nn.Network, e gradients.Engine, res gradients.Result, A []float64, b nn.Batch, vs [][]float64) (engineRun, error) {
	info, err := gradients.Lookup(res.Engine)
	if err != nil {
		return engineRun{}, err
	}
	er := engineRun{info: info, res: res}
	de, isDir := e.(gradients.Directional)
	er.directional = isDir
	for _, v := range vs {
		dk := dot(res.Grad, v)
		if isDir {
			if _, dk, err = de.Directional(A, v, b); err != nil {
				return engineRun{}, fmt.Errorf("engine %s: directional on %s: %w", res.Engine, net, err)
			}
		}
		er.dirs = append(er.dirs, dk)
		er.kinks = append(er.kinks, isDir && !info.Exact && crossesAlong(probe, v, info.KinkStep()))
	}
	return er, nil
}

// Gradient returns the gradient and K of the mutant with fault f as a training loop gets
// them: the second of two calls into the same dst (so that stale-dst shows). A and b must be
// valid for the network.
func Gradient(net *nn.Network, f Fault, A []float64, b nn.Batch) ([]float64, float64, error) {
	r, err := mutantGradient(net, f, A, b)
	return r.Grad, r.K, err
}

// mutantGradient runs the mutant as a training loop would: twice into the same dst.
func mutantGradient(net *nn.Network, f Fault, A []float64, b nn.Batch) (gradients.Result, error) {
	e, err := New(net, f)
	if err != nil {
		return gradients.Result{}, err
	}
	dst, _, err := e.Gradient(nil, A, b)
	if err != nil {
		return gradients.Result{}, err
	}
	g, k, err := e.Gradient(dst, A, b)
	if err != nil {
		return gradients.Result{}, err
	}
	return gradients.Result{Engine: e.Name(), K: k, Grad: g}, nil
}

// firstDiff names the first block in backward order where g differs from the control
// beyond rounding.
func firstDiff(net *nn.Network, g gradients.Result, control []float64) string {
	return backwardFirst(net, func(k int) bool {
		blk := net.Blocks()[k]
		for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
			if gradients.RelErr(g.Grad[i], control[i]) > 1e-10 {
				return true
			}
		}
		return false
	})
}

// backwardFirst returns the name of the first block, in the order backpropagation computes
// them (W_L, b_L, W_{L−1}, b_{L−1}, …), for which wrong(block index) holds, or "".
func backwardFirst(net *nn.Network, wrong func(k int) bool) string {
	blocks := net.Blocks()
	for hi := len(blocks); hi > 0; {
		lo := hi - 1 // blocks[lo:hi] are one layer's, in layout order
		for lo > 0 && blocks[lo-1].Layer == blocks[hi-1].Layer {
			lo--
		}
		for k := lo; k < hi; k++ {
			if wrong(k) {
				return blocks[k].Name
			}
		}
		hi = lo
	}
	return ""
}

// drawPoint draws parameters and a batch from the seed, redrawing (seed + 1000, …) until
// the nearest non-smooth point of K (a ReLU pre-activation at 0) is at least minKinkDistance
// away, for at most 100 redraws.
func drawPoint(net *nn.Network, batch int, seed uint64) ([]float64, nn.Batch) {
	probe := nn.NewKinkProbe(net)
	for s, tries := seed, 0; ; s, tries = s+1000, tries+1 {
		A := net.Init(nil, s)
		b := net.RandomBatch(batch, s)
		if probe.Reset(A, b).Nearest().Distance >= minKinkDistance || tries == 100 {
			return A, b
		}
	}
}

// directions returns k seeded random unit vectors of length n.
func directions(n, k int, seed uint64) [][]float64 {
	return rng.UnitVectors(rng.New(seed^0xd1ec7), n, k)
}

// crossesAlong reports whether moving A to A ± reach·v/max|vᵢ| (the farthest points a
// difference formula with that step evaluates along v) moves K onto another smooth piece
// (see nn.KinkProbe).
func crossesAlong(probe *nn.KinkProbe, v []float64, reach float64) bool {
	vmax := 0.0
	for _, x := range v {
		vmax = max(vmax, math.Abs(x))
	}
	return probe.CrossesAlong(v, reach/vmax, -reach/vmax)
}

// centralAlong is (K(A+hv) − K(A−hv)) / 2h with the reference cost.
func centralAlong(ev *nn.Evaluator, A, v []float64, b nn.Batch) float64 {
	a := slices.Clone(A)
	for i := range a {
		a[i] = A[i] + CentralStep*v[i]
	}
	up := ev.Cost(a, b)
	for i := range a {
		a[i] = A[i] - CentralStep*v[i]
	}
	return (up - ev.Cost(a, b)) / (2 * CentralStep)
}

func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}
