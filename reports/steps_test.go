package reports

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/results"
)

// sweep is a small hand-made step sweep: errors of a forward formula e = h + 1e-16/h and of
// a central one e = h² + 1e-16/h, the same in float32 with 1e-7, and a complex step at the
// rounding floor.
func sweep() *results.StepSweep {
	s := &results.StepSweep{Net: "2-2-1", Params: 9, Batch: 3, Seed: 1, K: 0.75, Param: "W1[1,2]", Index: 1,
		Exact: -0.5, ExactEngine: "backprop", ComplexCheck: 2.2e-16, Sample: []string{"W1[1,2]", "b2[1]"}}
	curve := func(method, prec string, order int, theory float64, noise float64) results.StepCurve {
		c := results.StepCurve{Method: method, Precision: prec, Order: order, Theory: theory}
		for e := 1; e <= 16; e++ {
			h := math.Pow(10, -float64(e))
			rel := math.Pow(h, float64(order)) + noise/h
			flips := 0
			if rel > 0.5 {
				flips = 1
			}
			c.Points = append(c.Points, results.StepPoint{H: h, Value: -0.5 * (1 + rel), RelErr: rel, Median: rel, Max: 2 * rel, SignFlips: flips})
		}
		return c
	}
	fw := curve("forward", "float64", 1, 1.5e-8, 1e-16)
	fw.Best, fw.BestErr, fw.Ratio, fw.Flat, fw.Recommended, fw.FirstFlip = 1e-8, 2e-8, 0.67, 1e-8, 1e-8, 1e-16
	fw.Scaled, fw.ScaledRatio = 2e-8, 0.5
	ce := curve("central", "float64", 2, 6.1e-6, 1e-16)
	ce.Best, ce.BestErr, ce.Ratio, ce.Flat, ce.Recommended, ce.FirstFlip = 1e-5, 1.1e-10, 1.6, 1e-5, 1e-5, 1e-16
	f32 := curve("forward", "float32", 1, 3.5e-4, 1e-7)
	f32.Best, f32.BestErr, f32.Ratio, f32.Flat, f32.Recommended, f32.FirstFlip = 1e-4, 1.1e-3, 0.29, 1e-3, 1e-4, 1e-7
	cx := results.StepCurve{Method: "complex", Precision: "float64", Order: 2}
	for e := 1; e <= 40; e++ {
		h := math.Pow(10, -float64(e))
		rel := max(h*h, 1.1e-16)
		if e == 30 {
			rel = 0
		}
		cx.Points = append(cx.Points, results.StepPoint{H: h, Value: -0.5, RelErr: rel, Median: rel, Max: rel})
	}
	cx.Best, cx.BestErr, cx.Flat, cx.Recommended = 1e-30, 0, 1e-8, 1e-12
	s.Curves = []results.StepCurve{fw, ce, cx, f32}
	return s
}

func TestStepsGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(w *bytes.Buffer) error
	}{
		{"steps.txt", func(w *bytes.Buffer) error { return StepsTable(w, sweep()) }},
		{"steps.md", func(w *bytes.Buffer) error { return StepsMarkdown(w, sweep()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tc.render(&buf))
			checkGolden(t, tc.name, buf.Bytes())
		})
	}
}

func TestStepsGuidance(t *testing.T) {
	lines := StepsGuidance(sweep())
	require.Len(t, lines, 3)
	assert.Equal(t, "forward: float64 h ≈ 1e-08 (theory 1.5e-08, ×0.7; with the network's scales 2e-08, ×0.50), median error 2.00e-08, wrong signs from h = 1e-16; float32 h ≈ 0.0001 (theory 0.00035, ×0.3), median error 1.10e-03, wrong signs from h = 1e-07", lines[0])
	assert.Contains(t, lines[2], "complex: any h ≤ 1e-08")
}

func TestStepsJSONRoundTrip(t *testing.T) {
	s := sweep()
	s.Curves[0].Points[15].RelErr = math.Inf(1) // a non-finite estimate
	s.Curves[0].Points[15].Value = math.NaN()
	var buf bytes.Buffer
	require.NoError(t, StepsJSON(&buf, s))
	assert.Contains(t, buf.String(), `"rel_err": "+Inf"`)
	assert.Contains(t, buf.String(), `"theory_step": 1.5e-8`)
	back, err := ReadSteps(&buf)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(back.Curves[0].Points[15].Value))
	back.Curves[0].Points[15].Value = 0
	s.Curves[0].Points[15].Value = 0
	assert.Equal(t, s, back)

	_, err = ReadSteps(bytes.NewBufferString(`{"net": "2-2-1", "bogus": 1}`))
	assert.Error(t, err)
}

func TestStepsPlot(t *testing.T) {
	for _, format := range []string{"svg", "png"} {
		var buf bytes.Buffer
		require.NoError(t, StepsPlot(&buf, sweep(), format))
		assert.Greater(t, buf.Len(), 1000, format)
		if format == "svg" {
			out := buf.String()
			assert.Contains(t, out, "<svg")
			for _, label := range []string{"forward f32", "central", "complex", "1e-8", "step h"} {
				assert.Contains(t, out, label)
			}
		}
	}
	var buf bytes.Buffer
	assert.Error(t, StepsPlot(&buf, sweep(), "gif"))
}

func TestDecadeTicks(t *testing.T) {
	ticks := decadeTicks{every: 2}.Ticks(1e-5, 1e-1)
	require.Len(t, ticks, 5)
	assert.Equal(t, "", ticks[0].Label)
	assert.Equal(t, "1e-4", ticks[1].Label)
	assert.InEpsilon(t, 1e-1, ticks[4].Value, 1e-12)
}
