package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runTrainCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(append([]string{"train"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestTrainCLITable(t *testing.T) {
	code, out, stderr := runTrainCLI("--set", "xor", "--net", "2-3-1", "--batch", "0", "--convention", "sum", "--eta", "2", "--epochs", "300", "-v")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "2-3-1 on xor (4 pairs; test xor, 4 pairs), engine backprop, batch 4, η = 2 on the sum cost")
	assert.Contains(t, out, "│   300 │")
	assert.Contains(t, out, "final test accuracy")
	assert.Contains(t, stderr, "epoch 300: train cost")
	assert.NotContains(t, stderr, "epoch 1/300", "no progress bar when stderr is not a terminal")
}

func TestTrainCLIJSONAndPlot(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "curve.svg")
	code, out, stderr := runTrainCLI("--set", "blobs", "--net", "2-6-4", "--epochs", "5", "--batch", "10", "--eta", "3", "--format", "json", "--plot", plot, "--seed", "2")
	require.Equal(t, 0, code, stderr)
	var res struct {
		Net    string `json:"net"`
		Engine string `json:"engine"`
		Epochs []struct {
			Epoch        int      `json:"epoch"`
			TrainCost    float64  `json:"train_cost"`
			TestCost     float64  `json:"test_cost"`
			TestAccuracy *float64 `json:"test_accuracy"`
			Seconds      *float64 `json:"seconds"`
		} `json:"epochs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, "2-6-4", res.Net)
	require.Len(t, res.Epochs, 5)
	last := res.Epochs[4]
	assert.Equal(t, 5, last.Epoch)
	require.NotNil(t, last.TestAccuracy)
	assert.Greater(t, *last.TestAccuracy, 0.9)
	assert.Less(t, last.TrainCost, res.Epochs[0].TrainCost)
	require.NotNil(t, last.Seconds)
	svg, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.Contains(t, string(svg), "<svg")
}

func TestTrainCLIMNISTSubset(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the MNIST files; skipped with -short")
	}
	code, out, stderr := runTrainCLI("--train-size", "2000", "--test-size", "500", "--epochs", "2", "--format", "markdown")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "784-30-10 on mnist-train[:2000] (2000 pairs; test mnist-test[:500], 500 pairs)")
	assert.Contains(t, out, "|     2 |")
}

func TestTrainCLIErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"format", []string{"--set", "xor", "--format", "yaml"}, 2, `--format yaml: want one of`},
		{"convention", []string{"--set", "xor", "--convention", "avg"}, 2, `want one of mean, sum`},
		{"cost", []string{"--set", "xor", "--cost", "avg"}, 2, `unknown cost "avg" (want quadratic or xent)`},
		{"weight decay", []string{"--set", "xor", "--lambda", "-1"}, 2, `want a number from 0`},
		{"set", []string{"--set", "iris"}, 2, `--set iris: want one of mnist, xor, spirals, blobs`},
		{"engine", []string{"--set", "xor", "--net", "2-2-1", "--engine", "magic"}, 2, `unknown engine "magic"`},
		{"net does not fit", []string{"--set", "xor", "--net", "3-2-1"}, 2, "set xor has 2 inputs"},
		{"bad net", []string{"--set", "xor", "--net", "2-x-1"}, 2, "bad architecture"},
		{"eta", []string{"--set", "xor", "--net", "2-2-1", "--eta", "0"}, 2, "--eta 0: want a number from"},
		{"epochs", []string{"--set", "xor", "--epochs", "0"}, 2, "--epochs 0"},
		{"mnist dir", []string{"--data", "/no/such/dir"}, 2, "not found in /no/such/dir; --data names"},
		{"args", []string{"--set", "xor", "extra"}, 2, "unexpected arguments"},
		{"flag", []string{"--no-such-flag"}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runTrainCLI(tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.msg)
		})
	}
}

func TestTrainCLICompare(t *testing.T) {
	code, out, stderr := runTrainCLI("--set", "blobs", "--net", "2-4-4", "--train-size", "100", "--test-size", "50", "--batch", "20", "--epochs", "3", "--compare", "all", "--format", "markdown")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "| max rel. diff |")
	for _, e := range []string{"backprop", "autodiff-reverse", "symbolic", "numeric-central"} {
		assert.Contains(t, out, e)
	}
	code, _, stderr = runTrainCLI("--set", "xor", "--net", "2-2-1", "--compare", "backprop")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "at least two engines")
	// JSON too: the trajectories with every engine's run.
	code, out, stderr = runTrainCLI("--set", "xor", "--net", "2-2-1", "--epochs", "2", "--compare", "all", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var tr struct {
		Engines    []string          `json:"engines"`
		Convention string            `json:"convention"`
		Results    []json.RawMessage `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &tr), out)
	assert.Len(t, tr.Results, len(tr.Engines))
	assert.Equal(t, "mean", tr.Convention)
}

// TestTrainBuiltinDefaults: a built-in set sizes the network itself and its defaults
// converge; XOR reaches 100% test accuracy.
func TestTrainBuiltinDefaults(t *testing.T) {
	code, out, stderr := runTrainCLI("--set", "xor")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "2-4-1 on xor")
	assert.Contains(t, out, "final test accuracy 100.00% after 1000 epochs")
	if testing.Short() {
		t.Skip("spirals and blobs train for seconds; skipped with -short")
	}
	for _, set := range []string{"spirals", "blobs"} {
		code, out, stderr := runTrainCLI("--set", set)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, out, "final test accuracy 9", set)
	}
}

// TestResults writes RESULTS.md from a real quick run: it names the command, the machine, the
// load and the duration.
func TestResults(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the lab; skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	var out, errOut bytes.Buffer
	code := run([]string{"results", "--out", path}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, want := range []string{"Generated by `go run ./cmd/nabla results`", "- Machine: ", "Load average", "This run took", "| backprop "} {
		assert.Contains(t, string(b), want)
	}
}

// TestSaveLoadRoundTrip: train --save writes the parameters; predict --load classifies with
// them as training measured; grad --params reads the same file and finds the same cost.
func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	code, out, stderr := runTrainCLI("--set", "xor", "--save", model, "--format", "json")
	require.Equal(t, 0, code, stderr)
	var trained struct {
		FinalAccuracy float64 `json:"final_test_accuracy"`
		Epochs        []struct {
			TrainCost float64 `json:"train_cost"`
		} `json:"epochs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &trained))
	require.NotEmpty(t, trained.Epochs)

	var pout, perr bytes.Buffer
	require.Equal(t, 0, run([]string{"predict", "--load", model, "--set", "xor", "--format", "json"}, &pout, &perr), perr.String())
	var pred struct {
		Net       string  `json:"net"`
		Accuracy  float64 `json:"accuracy"`
		Confusion [][]int `json:"confusion"`
	}
	require.NoError(t, json.Unmarshal(pout.Bytes(), &pred))
	assert.Equal(t, "2-4-1", pred.Net, "the net comes from the file")
	assert.Equal(t, trained.FinalAccuracy, pred.Accuracy)
	assert.Equal(t, [][]int{{2, 0}, {0, 2}}, pred.Confusion)

	// XOR's four pairs as a batch: grad's K (the notes' sum) is 2·4 times the mean cost.
	batch := filepath.Join(dir, "xor.json")
	require.NoError(t, os.WriteFile(batch, []byte(`{"X": [[0,0],[0,1],[1,0],[1,1]], "Z": [[0],[1],[1],[0]]}`), 0o644))
	var gout, gerr bytes.Buffer
	require.Equal(t, 0, run([]string{"grad", "--net", "2-4-1", "--params", model, "--batch", batch}, &gout, &gerr), gerr.String())
	var g struct {
		K float64 `json:"K"`
	}
	require.NoError(t, json.Unmarshal(gout.Bytes(), &g))
	assert.InEpsilon(t, 8*trained.Epochs[len(trained.Epochs)-1].TrainCost, g.K, 1e-9)

	// A file saved for another network is an input error naming both.
	var eout, eerr bytes.Buffer
	assert.Equal(t, exitUsage, run([]string{"grad", "--net", "2-3-1", "--params", model, "--batch", batch}, &eout, &eerr))
	assert.Contains(t, eerr.String(), "2-4-1")
}
