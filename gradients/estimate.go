package gradients

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"nabla/internal/stats"
	"nabla/internal/units"
	"nabla/nn"
)

// Point is one measured gradient/forward time ratio of an engine at a parameter count.
type Point struct {
	Params int     `json:"params"`
	Batch  int     `json:"batch"`
	Ratio  float64 `json:"ratio"`
}

// CostModel extrapolates an engine's gradient/forward ratio to larger networks from the ratios
// measured on smaller ones, so that an engine too slow for a case (forward-mode automatic
// differentiation at 784-100-10: one pass per parameter) is skipped on a stated estimate
// instead of being run for minutes. The ratio is taken to grow as params^k, with k fitted on
// log–log axes to the points (clamped to [0, 2]; k = 1 from a single point, the pessimistic
// choice).
type CostModel struct {
	Engine string
	Points []Point
}

// Add records a measured ratio.
func (m *CostModel) Add(params, batch int, ratio float64) {
	if params > 0 && ratio > 0 && !math.IsInf(ratio, 0) {
		m.Points = append(m.Points, Point{params, batch, ratio})
	}
}

// Estimate returns the estimated gradient/forward ratio at params and batch, and a phrase
// saying how it was found; ok is false when the model has no points. Ratios depend on the
// batch size (per-call overheads weigh more on one pair), so only the points of the same batch
// size are used when there are any.
func (m *CostModel) Estimate(params, batch int) (ratio float64, how string, ok bool) {
	if m == nil || len(m.Points) == 0 {
		return 0, "", false
	}
	points := m.Points
	var same []Point
	for _, p := range points {
		if p.Batch == batch {
			same = append(same, p)
		}
	}
	if len(same) > 0 {
		points = same
	}
	// Anchor at the largest parameter count measured (the worst ratio there), since the small
	// nets' ratios are dominated by per-call overheads.
	anchor := points[0]
	for _, p := range points[1:] {
		if p.Params > anchor.Params || (p.Params == anchor.Params && p.Ratio > anchor.Ratio) {
			anchor = p
		}
	}
	k := 1.0
	var xs, ys []float64
	for _, p := range points {
		xs, ys = append(xs, float64(p.Params)), append(ys, p.Ratio)
	}
	if s := stats.LogLogSlope(xs, ys); !math.IsNaN(s) {
		k = min(max(s, 0), 2)
	}
	if params <= anchor.Params {
		return anchor.Ratio, fmt.Sprintf("grad/fwd %.3g measured at %d params, batch %d", anchor.Ratio, anchor.Params, anchor.Batch), true
	}
	ratio = anchor.Ratio * math.Pow(float64(params)/float64(anchor.Params), k)
	return ratio, fmt.Sprintf("grad/fwd %.3g measured at %d params, batch %d, extrapolated as params^%.2f", anchor.Ratio, anchor.Params, anchor.Batch, k), true
}

// ProbeCase is a small network and batch size on which an engine's cost model starts.
type ProbeCase struct {
	Net   string
	Batch int
}

// ProbeCases are the small cases on which Probe starts an engine's cost model.
var ProbeCases = []ProbeCase{{"4-8-3:tanh,sigmoid", 16}, {"16-32-10", 16}}

// Probe starts an engine's cost model: it times the engine's second gradient call (the first
// warms it up) and the forward pass on each of ProbeCases, with parameters and batch drawn
// from seed. An engine that rejects a probe network with ErrUnsupported simply gets no point
// from it.
func Probe(info Info, seed uint64) (*CostModel, error) {
	m := &CostModel{Engine: info.Name}
	for _, c := range ProbeCases {
		net, err := nn.Parse(c.Net)
		if err != nil {
			return nil, err
		}
		A, b := net.Init(nil, seed), net.RandomBatch(c.Batch, seed)
		eng, err := info.New(net)
		if errors.Is(err, ErrUnsupported) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("engine %s on %s: %w", info.Name, net, err)
		}
		dst := make([]float64, net.NumParams())
		var d time.Duration
		for range 2 {
			start := time.Now()
			if _, _, err := eng.Gradient(dst, A, b); err != nil {
				return nil, fmt.Errorf("engine %s on %s: %w", info.Name, net, err)
			}
			d = time.Since(start)
		}
		m.Add(net.NumParams(), c.Batch, float64(d)/float64(ForwardTime(net, A, b)))
	}
	return m, nil
}

// ForwardTime returns the time of one reference forward pass and cost (nn.Evaluator.Cost) on
// A and the batch: the fastest of three windows after a warm-up, each window repeating the call
// until it lasts a millisecond (never below 1ns). It is the uncontended time: on a loaded
// machine a window that the scheduler interrupts can last many times longer (a median of
// three such windows overstated a 784-30-10 forward pass tenfold at load 22 on 2 cores), while
// the fastest window understates a long engine run by the share of the cores it gets (2–3× at
// load 17).
func ForwardTime(net *nn.Network, A []float64, b nn.Batch) time.Duration {
	ev := nn.NewEvaluator(net)
	sink := ev.Cost(A, b) // warm-up: sizes the buffers
	var windows [3]time.Duration
	for w := range windows {
		n := 0
		start := time.Now()
		for n == 0 || time.Since(start) < time.Millisecond {
			sink += ev.Cost(A, b)
			n++
		}
		windows[w] = time.Since(start) / time.Duration(n)
	}
	t := slices.Min(windows[:])
	if math.IsNaN(sink) {
		t++ // keeps sink alive; a NaN cost does not change the timing
	}
	return max(t, 1)
}

// Estimate is how long one gradient of an engine is expected to take on a case.
type Estimate struct {
	// Time is the estimated time of one gradient; zero means unknown.
	Time time.Duration
	// How says how it was found, e.g. "1000 cost evaluations × forward 12.0µs".
	How string
}

// EstimateTime estimates one gradient of the prepared engine e on a network with batch pairs
// from the forward time fwd: cost evaluations × fwd for an engine that counts them
// (CostCounter), the cost model's grad/fwd ratio × fwd otherwise (model may be nil: then the
// estimate is unknown).
func EstimateTime(e Engine, model *CostModel, net *nn.Network, batch int, fwd time.Duration) Estimate {
	if cc, ok := e.(CostCounter); ok {
		n := cc.CostEvaluations()
		return Estimate{Time: time.Duration(float64(n) * float64(fwd)),
			How: fmt.Sprintf("%d cost evaluations × forward %s", n, units.FormatNs(float64(fwd)))}
	}
	ratio, how, ok := model.Estimate(net.NumParams(), batch)
	if !ok {
		return Estimate{}
	}
	return Estimate{Time: time.Duration(ratio * float64(fwd)),
		How: fmt.Sprintf("%s, × forward %s", how, units.FormatNs(float64(fwd)))}
}
