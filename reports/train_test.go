package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/train"
)

// fixedRun is a hand-made training result, so that the rendering is tested without training.
func fixedRun() *train.Result {
	return &train.Result{
		Net: "784-30-10", Engine: "backprop", TrainSet: "mnist-train", TestSet: "mnist-test",
		TrainSize: 60000, TestSize: 10000, BatchSize: 10, Eta: 3, Cost: "quadratic", Convention: "mean", EtaSum: 0.15, Seed: 1,
		Initial: train.Epoch{Epoch: 0, TrainCost: 1.1704, TestCost: 1.17019, TestAccuracy: 0.0962, EvalSeconds: 0.5},
		Epochs: []train.Epoch{
			{Epoch: 1, TrainCost: 0.0469512, TestCost: 0.0486232, TestAccuracy: 0.9408, Seconds: 1.5, CPUSeconds: 1.25, EvalSeconds: 0.5},
			{Epoch: 2, TrainCost: 0.0371, TestCost: 0.0392, TestAccuracy: 0.9521, Seconds: 1.75, CPUSeconds: 1.5, EvalSeconds: 0.25},
		},
	}
}

func TestTrainTable(t *testing.T) {
	for _, md := range []bool{false, true} {
		var b bytes.Buffer
		f := Terminal
		if md {
			f = Markdown
		}
		require.NoError(t, TrainTable(&b, fixedRun(), f))
		name := "train.txt"
		if md {
			name = "train.md"
		}
		checkGolden(t, name, b.Bytes())
		assert.Contains(t, b.String(), "final test accuracy 95.21% after 2 epochs, 1.62 s per epoch (1.38 s CPU")
	}
}

func TestTrainJSON(t *testing.T) {
	r := fixedRun()
	r.Epochs[0].TestAccuracy = math.NaN() // a set without labels
	var b bytes.Buffer
	require.NoError(t, TrainJSON(&b, r))
	var got struct {
		Net    string `json:"net"`
		Epochs []map[string]any
		Final  *float64 `json:"final_test_accuracy"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	assert.Equal(t, "784-30-10", got.Net)
	require.Len(t, got.Epochs, 2)
	for _, key := range []string{"epoch", "train_cost", "test_cost", "test_accuracy", "seconds"} {
		assert.Contains(t, got.Epochs[1], key)
	}
	assert.Nil(t, got.Epochs[0]["test_accuracy"])
	assert.InDelta(t, 0.9521, got.Epochs[1]["test_accuracy"], 1e-12)
	assert.InDelta(t, 2, got.Epochs[1]["epoch"], 0)
	require.NotNil(t, got.Final)
	assert.InDelta(t, 0.9521, *got.Final, 1e-12)
	assert.NotContains(t, b.String(), "params")
}

func TestTrainCurve(t *testing.T) {
	p := filepath.Join(t.TempDir(), "curve.svg")
	require.NoError(t, TrainCurve(p, fixedRun(), 16, 10))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	s := string(b)
	assert.True(t, strings.HasPrefix(s, "<?xml") || strings.Contains(s[:200], "<svg"), "an SVG file")
	assert.Contains(t, s, "test error")
	assert.Contains(t, s, "784-30-10")

	empty := fixedRun()
	empty.Initial.TrainCost, empty.Initial.TestCost, empty.Initial.TestAccuracy = 0, 0, 1
	empty.Epochs = nil
	assert.ErrorContains(t, TrainCurve(p, empty, 16, 10), "nothing positive")
	assert.Error(t, TrainCurve(filepath.Join(t.TempDir(), "no-such-dir", "c.svg"), fixedRun(), 16, 10))
}

func TestTrajectoryTable(t *testing.T) {
	a, b := fixedRun(), fixedRun()
	b.Engine = "autodiff-reverse"
	b.Epochs[1].TrainCost *= 1 + 3e-15
	tr := &train.Trajectories{
		Net: "2-6-2", Set: "spirals", BatchSize: 20, Eta: 2, Convention: "mean", Seed: 1,
		Engines: []string{"backprop", "autodiff-reverse"}, Exact: []bool{true, true},
		Results: []*train.Result{a, b}, MaxRelDiff: []float64{0, 3e-15},
	}
	var out bytes.Buffer
	require.NoError(t, TrajectoryTable(&out, tr, Markdown))
	checkGolden(t, "train_trajectory.md", out.Bytes())
	assert.Contains(t, out.String(), "autodiff-reverse 3.0e-15")
}

// TestTrainCurveThinnedZerosMarked: a 3000-epoch run is drawn with at most maxCurvePoints
// epochs, and a test error of 0 is marked and named, not dropped.
func TestTrainCurveThinnedZerosMarked(t *testing.T) {
	r := fixedRun()
	r.Epochs = nil
	for e := 1; e <= 3000; e++ {
		acc := 0.9
		if e > 1500 {
			acc = 1
		}
		r.Epochs = append(r.Epochs, train.Epoch{Epoch: e, TrainCost: 1 / float64(e), TestCost: 1 / float64(e), TestAccuracy: acc})
	}
	path := filepath.Join(t.TempDir(), "curve.svg")
	require.NoError(t, TrainCurve(path, r, 16, 10))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(b), "drawn at the floor")
	assert.Len(t, thinEpochs(append([]train.Epoch{r.Initial}, r.Epochs...), maxCurvePoints), maxCurvePoints)
	assert.Less(t, len(b), 400_000, "a few hundred points, not thousands")
}
