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
	"nabla/train"
)

// Newton–CG must beat full-batch gradient descent per step on small sets, and end lower
// after the same number of steps.
func TestNewtonBeatsGradientDescent(t *testing.T) {
	for _, tc := range []struct {
		set  string
		arch string
		eta  float64
	}{
		{"xor", "2-3-1", 0.5},
		{"blobs", "2-8-4", 0.01},
	} {
		t.Run(tc.set, func(t *testing.T) {
			trainSet, testSet, err := data.Builtin(tc.set, 1)
			require.NoError(t, err)
			trainSet, testSet = trainSet.Head(200), testSet.Head(100)
			net := nn.MustParse(tc.arch)
			const steps = 15
			gd, err := train.Run(context.Background(), net, trainSet, testSet, train.Config{Epochs: steps, Eta: tc.eta, Cost: train.CostSum, Seed: 3})
			require.NoError(t, err)
			nt, err := train.Newton(context.Background(), net, trainSet, testSet, train.NewtonConfig{Iterations: steps, Cost: train.CostSum, Seed: 3})
			require.NoError(t, err)
			require.Len(t, nt.Epochs, steps)
			assert.Equal(t, gd.Initial.TrainCost, nt.Initial.TrainCost, "same start")
			t.Logf("%s: GD %.4g → %.4g, Newton–CG → %.4g with %v H·v products", tc.set, gd.Initial.TrainCost, gd.Final().TrainCost, nt.Final().TrainCost, nt.Products)
			assert.Less(t, nt.Final().TrainCost, gd.Final().TrainCost/2)
			for i := 1; i < steps; i++ {
				assert.LessOrEqual(t, nt.Epochs[i].TrainCost, nt.Epochs[i-1].TrainCost, "step %d increased K", i+1)
			}
		})
	}
}

func TestNewtonErrors(t *testing.T) {
	trainSet, testSet, err := data.Builtin("xor", 1)
	require.NoError(t, err)
	net := nn.MustParse("2-3-1")
	_, err = train.Newton(context.Background(), net, trainSet, testSet, train.NewtonConfig{Engine: "numeric-forward"})
	assert.ErrorIs(t, err, gradients.ErrUnsupported)
	_, err = train.Newton(context.Background(), net, trainSet, testSet, train.NewtonConfig{Damping: -1})
	assert.Error(t, err)
	_, err = train.Newton(context.Background(), nn.MustParse("3-3-1"), trainSet, testSet, train.NewtonConfig{})
	assert.Error(t, err)
}
