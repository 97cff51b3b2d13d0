package train_test

import (
	"context"
	"strings"
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
	// All four engine packages are imported above, so each family must be there.
	require.Len(t, engines, 4, "one engine per family from %v", gradients.Names())
	for i, fam := range []string{"backprop", "autodiff", "symbolic", "numeric"} {
		require.True(t, strings.HasPrefix(engines[i], fam), "engine %d is %s, want a %s engine", i+1, engines[i], fam)
	}
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
	assert.InDelta(t, 0, tr.MaxRelDiff[0], 0)
}

func TestCompareTrajectoriesErrors(t *testing.T) {
	net, xor := nn.MustParse("2-2-1"), data.XOR()
	cfg := train.Config{Eta: 1, Epochs: 2}
	_, err := train.CompareTrajectories(context.Background(), net, xor, xor, cfg, []string{"backprop"})
	assert.ErrorContains(t, err, "at least two engines")
	_, err = train.CompareTrajectories(context.Background(), net, xor, xor, cfg, []string{"backprop", "no-such"})
	assert.ErrorIs(t, err, gradients.ErrUnknownEngine)
}
