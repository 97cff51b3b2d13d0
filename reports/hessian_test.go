package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/train"
)

// spectrumFixture is a hand-made spectrum: H of a 1-1 network, 2 × 2, with blocks W1 and b1.
var spectrumFixture = Spectrum{
	Net: "1-1", Params: 2, Batch: 4, Seed: 7, Engine: "backprop", K: 1.25, Symmetry: 1.1e-16,
	Values: []float64{-0.5, 4},
	Blocks: []gradients.BlockEigen{{Block: "W1", Values: []float64{2}}, {Block: "b1", Values: []float64{-0.25}}},
}

func TestSpectrumTable(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		file string
	}{{Terminal, "spectrum.txt"}, {Markdown, "spectrum.md"}} {
		var b bytes.Buffer
		require.NoError(t, spectrumFixture.Table(&b, tc.f))
		checkGolden(t, tc.file, b.Bytes())
	}
}

func TestSpectrumPlot(t *testing.T) {
	lp := spectrumFixture.Plot()
	require.Len(t, lp.Series, 3)
	assert.Equal(t, []float64{0.5, 4}, []float64{lp.Series[0].XY[0].Y, lp.Series[0].XY[1].Y}, "|λ| sorted")
	assert.Equal(t, 0.25, lp.Series[2].XY[0].Y)
	svg, err := lp.SVG()
	require.NoError(t, err)
	assert.Contains(t, string(svg), "block W1")
}

func TestNewtonPlot(t *testing.T) {
	ep := func(i int, k float64) train.Epoch { return train.Epoch{Epoch: i, TrainCost: k, TestAccuracy: 0.5} }
	gd := &train.Result{Net: "2-3-1", TrainSet: "xor", Eta: 0.5, Cost: "sum", Initial: ep(0, 1), Epochs: []train.Epoch{ep(1, 0.9), ep(2, 0.8)}}
	nt := &train.NewtonResult{Result: &train.Result{Engine: "newton-cg:backprop", Initial: ep(0, 1), Epochs: []train.Epoch{ep(1, 0.5), ep(2, 0)}},
		Products: []int{2, 3}, Damping: []float64{1, 0.5}, StepLength: []float64{1, 1}}
	c := NewtonComparison{GD: gd, Newton: nt}
	lp := c.Plot()
	require.Len(t, lp.Series, 2)
	assert.Len(t, lp.Series[1].XY, 2, "the zero cost is left out of the log axis")
	var b bytes.Buffer
	require.NoError(t, c.Write(&b, Markdown))
	checkGolden(t, "newton.md", b.Bytes())
}
