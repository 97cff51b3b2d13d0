package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
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
