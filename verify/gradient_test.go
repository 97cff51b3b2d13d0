package verify

import (
	"math"

	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/mutants"
	"nabla/nn"
)

// verifyCase is the mutants' default network with a seeded point and batch.
func verifyCase(t *testing.T, arch string, batch int) (*nn.Network, []float64, nn.Batch) {
	t.Helper()
	net, err := nn.Parse(arch)
	require.NoError(t, err)
	return net, net.Init(nil, 3), net.RandomBatch(batch, 4)
}

// TestGradientNamesEveryFault: the gradient of each catalogued mutant is wrong, localised to
// the blocks where it differs, and diagnosed as that fault.
func TestGradientNamesEveryFault(t *testing.T) {
	net, A, b := verifyCase(t, mutants.DefaultNet, mutants.DefaultBatch)
	for _, f := range mutants.Catalogue() {
		t.Run(f.Name, func(t *testing.T) {
			G, _, err := mutants.Gradient(net, f, A, b)
			require.NoError(t, err)
			r, err := Gradient(net, A, b, G, Settings{})
			require.NoError(t, err)
			assert.True(t, r.ExactAgree)
			require.False(t, r.OK, "the fault changes the gradient on %s", net)
			var names []string
			for _, d := range r.Faults {
				names = append(names, d.Fault)
			}
			assert.Contains(t, names, f.Name)
			assert.Equal(t, "exact", r.Witness.Sides)
			assert.Contains(t, r.Summary(), "WRONG")
		})
	}
}

func TestGradientPatterns(t *testing.T) {
	net, A, b := verifyCase(t, "3-5-4-2:tanh,sigmoid,sigmoid", 6)
	ref, _, err := gradients.Grad("backprop", net, A, b)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		change  func(g []float64)
		block   string // the block whose pattern is checked
		pattern string
		whole   string
	}{
		{"scaled by 2", func(g []float64) { scale(g, 2) }, "W1", "scaled by 2", "every block scaled by 2"},
		{"scaled by ½", func(g []float64) { scale(g, 0.5) }, "b3", "scaled by ½", "every block scaled by ½"},
		{"scaled by N", func(g []float64) { scale(g, 6) }, "W2", "scaled by the batch size N = 6", "every block scaled by the batch size N = 6"},
		{"sign flipped", func(g []float64) { scale(g, -1) }, "W3", "sign flipped", "every block sign flipped"},
		{"zero block", func(g []float64) { clear(blockOf(net, g, "W2")) }, "W2", "zero", ""},
		{"transposed block", func(g []float64) { transpose(net, g, "W2") }, "W2", "transposed (written column-major)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			G := append([]float64(nil), ref...)
			tc.change(G)
			r, err := Gradient(net, A, b, G, Settings{})
			require.NoError(t, err)
			require.False(t, r.OK)
			for _, bv := range r.Blocks {
				if bv.Block == tc.block {
					assert.Equal(t, tc.pattern, bv.Pattern)
				}
			}
			assert.Equal(t, tc.whole, r.Pattern)
		})
	}
}

// TestGradientLayerDerivLeftOut: a gradient without one layer's σ' is named as such.
func TestGradientLayerDerivLeftOut(t *testing.T) {
	net, A, b := verifyCase(t, "3-5-4-2:tanh,sigmoid,sigmoid", 6)
	for l := 1; l <= 3; l++ {
		G, _, err := mutants.Gradient(net, mutants.MissingLayerDeriv(l), A, b)
		require.NoError(t, err)
		r, err := Gradient(net, A, b, G, Settings{})
		require.NoError(t, err)
		assert.False(t, r.OK)
		if l == 3 {
			// The output layer's σ' left out is also the catalogue's missing-output-deriv.
			assert.Equal(t, "missing-output-deriv", r.Faults[0].Fault)
			continue
		}
		assert.Contains(t, r.Pattern, "layer "+string(rune('0'+l)), "layer %d", l)
	}
}

func TestGradientRightAndLocalised(t *testing.T) {
	net, A, b := verifyCase(t, "4-7-3:relu,sigmoid", 9)
	G, _, err := gradients.Grad("autodiff-reverse", net, A, b)
	require.NoError(t, err)
	r, err := Gradient(net, A, b, G, Settings{Engines: []string{"backprop", "symbolic"}})
	require.NoError(t, err)
	assert.True(t, r.OK, r.Summary())
	assert.Empty(t, r.Faults)
	assert.Equal(t, "random", r.Witness.Direction)
	assert.Contains(t, r.Summary(), "agree among themselves")

	rng := nn.NewRand(5)
	for range 5 {
		i := rng.IntN(len(G))
		bad := append([]float64(nil), G...)
		bad[i] += 1e-3 * (1 + rng.Float64())
		r, err := Gradient(net, A, b, bad, Settings{Engines: []string{"backprop"}})
		require.NoError(t, err)
		require.False(t, r.OK)
		assert.Equal(t, 1, r.Wrong)
		assert.Equal(t, net.ParamName(i), r.Worst[0].Name)
		assert.Equal(t, "exact", r.Witness.Sides)
	}
}

func TestGradientBadInput(t *testing.T) {
	net, A, b := verifyCase(t, "2-3-1", 4)
	_, err := Gradient(net, A, b, make([]float64, 3), Settings{})
	assert.ErrorContains(t, err, "has 3 entries")
	G := make([]float64, net.NumParams())
	G[2] = math.Inf(1)
	_, err = Gradient(net, A, b, G, Settings{})
	assert.ErrorContains(t, err, "W1[2,1] is +Inf")
	_, err = Gradient(net, A, b, make([]float64, net.NumParams()), Settings{Engines: []string{"nope"}})
	assert.ErrorIs(t, err, gradients.ErrUnknownEngine)
}

func scale(g []float64, c float64) {
	for i := range g {
		g[i] *= c
	}
}

func blockOf(net *nn.Network, g []float64, name string) []float64 {
	for _, blk := range net.Blocks() {
		if blk.Name == name {
			return g[blk.Offset : blk.Offset+blk.Len()]
		}
	}
	panic("no block " + name)
}

// transpose writes block name column-major.
func transpose(net *nn.Network, g []float64, name string) {
	for _, blk := range net.Blocks() {
		if blk.Name == name {
			src := append([]float64(nil), g[blk.Offset:blk.Offset+blk.Len()]...)
			rows, cols := blk.Dims[0], blk.Dims[1]
			for k := 0; k < rows; k++ {
				for j := 0; j < cols; j++ {
					g[blk.Offset+j*rows+k] = src[k*cols+j]
				}
			}
		}
	}
}
