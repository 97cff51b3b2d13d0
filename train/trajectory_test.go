package train_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "nabla/autodiff"
	_ "nabla/backprop"
	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
	_ "nabla/numeric"
	_ "nabla/symbolic"
	"nabla/train"
)

// TestTrajectories trains the same network with the same seed under one engine of each
// family and requires the same cost trajectory: 1e-9 relative for exact engines, 1e-7 for
// finite differences.
func TestTrajectories(t *testing.T) {
	engines := train.TrajectoryEngines()
	// All four engine packages are imported above, so every engine of the comparison is there.
	require.Equal(t, []string{"backprop", "autodiff-reverse", "symbolic", "numeric-central"}, engines)
	tr, err := train.DefaultTrajectories(context.Background())
	require.NoError(t, err)
	require.Equal(t, engines, tr.Engines)
	header, rows := tr.Table()
	require.Len(t, header, len(engines)+1)
	require.Len(t, rows, 10+2)
	for i, name := range tr.Engines {
		r := tr.Results[i]
		require.Len(t, r.Epochs, 10, name)
		tol := 1e-9
		if !tr.Exact[i] {
			tol = 1e-7
		}
		t.Logf("%-18s final cost %.12f, max rel. diff %.1e (tolerance %.0e)", name, r.Final().TrainCost, tr.MaxRelDiff[i], tol)
		assert.LessOrEqual(t, tr.MaxRelDiff[i], tol, name)
		assert.Less(t, r.Final().TrainCost, r.Initial.TrainCost, "%s: training lowers the cost", name)
	}
}

// halfEngine is backprop with every gradient halved: training with it is training with η/2,
// a different trajectory that CompareTrajectories must measure as one.
type halfEngine struct{ gradients.Engine }

func (h halfEngine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	g, k, err := h.Engine.Gradient(dst, A, b)
	for i := range g {
		g[i] /= 2
	}
	return g, k, err
}

func TestTrajectoriesSeeADifference(t *testing.T) {
	gradients.Register(gradients.Info{Name: "test-half-backprop", Exact: true, New: func(net *nn.Network) (gradients.Engine, error) {
		e, err := gradients.New("backprop", net)
		return halfEngine{e}, err
	}})
	net, xor := nn.MustParse("2-3-1"), data.XOR()
	cfg := train.Config{Eta: 1, Epochs: 5, Seed: 1}
	tr, err := train.CompareTrajectories(context.Background(), net, xor, xor, cfg, []string{"backprop", "symbolic", "test-half-backprop"})
	require.NoError(t, err)
	assert.Less(t, tr.MaxRelDiff[1], 1e-9, "an exact engine follows the reference")
	assert.Greater(t, tr.MaxRelDiff[2], 1e-3, "half the gradient is another trajectory")
}

func TestCompareTrajectoriesErrors(t *testing.T) {
	net, xor := nn.MustParse("2-2-1"), data.XOR()
	cfg := train.Config{Eta: 1, Epochs: 2}
	_, err := train.CompareTrajectories(context.Background(), net, xor, xor, cfg, []string{"backprop"})
	assert.ErrorContains(t, err, "at least two engines")
	_, err = train.CompareTrajectories(context.Background(), net, xor, xor, cfg, []string{"backprop", "no-such"})
	assert.ErrorIs(t, err, gradients.ErrUnknownEngine)
}
