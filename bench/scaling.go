package bench

import (
	"fmt"
	"nabla/internal/stats"
	"nabla/results"

	"nabla/gradients"
)

// DefaultWidths are the hidden widths of the scaling study: networks w-w-w from 8 to 512, whose
// parameter counts span 144 to 525,312.
var DefaultWidths = []int{8, 16, 32, 64, 128, 256, 512}

// QuickWidths are the widths nabla report --quick studies.
var QuickWidths = []int{8, 16, 32, 64, 128}

// ScalingBatch is the batch size of the scaling study.
const ScalingBatch = 16

// ScalingCase is the network of the scaling study at width w: w inputs, a hidden layer of w
// sigmoid units and w outputs, so that the parameter count grows as 2w² + 2w.
func ScalingCase(w, batch int) Case { return Case{Net: fmt.Sprintf("%d-%d-%d", w, w, w), Batch: batch} }

// Fit is a power law fitted to one engine's scaling points (results.Fit).
type Fit = results.Fit

// Scaling is the outcome of the scaling study (results.Scaling).
type Scaling = results.Scaling

// RunScaling times the forward pass and every engine on the scaling networks of the given
// widths at the given batch size, and fits each engine's exponent.
func RunScaling(engines []gradients.Info, widths []int, batch int, o Options) (Scaling, error) {
	cases := make([]Case, len(widths))
	for i, w := range widths {
		cases[i] = ScalingCase(w, batch)
	}
	s, err := Run(engines, cases, o)
	if err != nil {
		return Scaling{}, err
	}
	sc := Scaling{Batch: batch, Widths: widths, Forward: s.Forward, Gradient: s.Gradient}
	sc.Fits = FitAll(engines, s)
	return sc, nil
}

// FitAll fits the forward pass and every engine with at least two measured points.
func FitAll(engines []gradients.Info, s Suite) []Fit {
	var fits []Fit
	var fp, ft []float64
	for _, f := range s.Forward {
		fp, ft = append(fp, float64(f.Params)), append(ft, f.Ns)
	}
	if f, ok := fitPoints("forward", fp, ft, nil); ok {
		fits = append(fits, f)
	}
	for _, info := range engines {
		var ps, ts, rs []float64
		for _, r := range s.Gradient {
			if r.Engine == info.Name && !r.Skipped && r.GradientNs > 0 && r.Ratio > 0 {
				ps, ts, rs = append(ps, float64(r.Params)), append(ts, r.GradientNs), append(rs, r.Ratio)
			}
		}
		if f, ok := fitPoints(info.Name, ps, ts, rs); ok {
			fits = append(fits, f)
		}
	}
	return fits
}

func fitPoints(name string, params, times, ratios []float64) (Fit, bool) {
	if len(params) < 2 {
		return Fit{}, false
	}
	f := Fit{Engine: name, Points: len(params), MinParams: int(params[0]), MaxParams: int(params[0])}
	for _, p := range params {
		f.MinParams, f.MaxParams = min(f.MinParams, int(p)), max(f.MaxParams, int(p))
	}
	if f.MinParams == f.MaxParams {
		return Fit{}, false
	}
	f.Exponent = LogLogSlope(params, times)
	if ratios != nil {
		f.RatioExponent = LogLogSlope(params, ratios)
	}
	return f, true
}

// LogLogSlope returns the least-squares slope of log y against log x: the exponent k of
// y ≈ c·x^k. All values must be positive; it returns NaN for fewer than two distinct x.
func LogLogSlope(x, y []float64) float64 { return stats.LogLogSlope(x, y) }
