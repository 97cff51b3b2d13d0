package bench

import (
	"fmt"
	"math"
	"time"

	"nabla/gradients"
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
	if s := LogLogSlope(xs, ys); !math.IsNaN(s) {
		k = min(max(s, 0), 2)
	}
	if params <= anchor.Params {
		return anchor.Ratio, fmt.Sprintf("grad/fwd %.3g measured at %d params, batch %d", anchor.Ratio, anchor.Params, anchor.Batch), true
	}
	ratio = anchor.Ratio * math.Pow(float64(params)/float64(anchor.Params), k)
	return ratio, fmt.Sprintf("grad/fwd %.3g measured at %d params, batch %d, extrapolated as params^%.2f", anchor.Ratio, anchor.Params, anchor.Batch, k), true
}

// ProbeCases are the small cases on which an engine's cost model starts.
var ProbeCases = []Case{{"4-8-3:tanh,sigmoid", 16}, {"16-32-10", 16}}

// Probe starts an engine's cost model: it times the engine's second gradient call (the first
// warms it up) and the forward pass on each of ProbeCases. An engine that rejects a probe
// network with gradients.ErrUnsupported simply gets no point from it.
func Probe(info gradients.Info, seed uint64) (*CostModel, error) {
	m := &CostModel{Engine: info.Name}
	for _, c := range ProbeCases {
		s, err := NewSetup(c, seed)
		if err != nil {
			return nil, err
		}
		eng, err := info.New(s.Network)
		if err != nil {
			if isUnsupported(err) {
				continue
			}
			return nil, fmt.Errorf("engine %s on %s: %w", info.Name, s.Net, err)
		}
		dst := make([]float64, s.Network.NumParams())
		var ns float64
		for range 2 {
			start := time.Now()
			if _, _, err := eng.Gradient(dst, s.A, s.B); err != nil {
				return nil, fmt.Errorf("engine %s on %s: %w", info.Name, s.Net, err)
			}
			ns = float64(time.Since(start))
		}
		fwd := MeasureForward(s, Options{MinTime: time.Millisecond, Repeats: 3})
		m.Add(s.Network.NumParams(), s.Batch, ns/fwd.Ns)
	}
	return m, nil
}
