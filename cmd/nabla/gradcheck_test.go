package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompareIssueRuns: the three runs that used to cry wolf (a fixed tolerance against a K
// in the hundreds or thousands, a ReLU network at batch 256) agree, with the exact engines'
// agreement said first.
func TestCompareIssueRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("about 10 s of finite differences")
	}
	for _, args := range [][]string{
		{"--net", "16-32-10", "--batch", "256"},
		{"--net", "1-1-26-13-28:identity", "--batch", "64"},
		{"--net", "16-32-10", "--act", "relu", "--batch", "256"},
	} {
		code, out, stderr := runCLI(t, append([]string{"compare"}, args...)...)
		assert.Equal(t, 0, code, "%v: %s", args, stderr)
		assert.Contains(t, out, "the exact engines agree among themselves; all 45 pairs agree", "%v", args)
	}
}

func TestCompareGradcheckKnobs(t *testing.T) {
	two := []string{"compare", "--net", "4-8-3", "--engines", "backprop,numeric-central", "--format", "json"}
	// --atol alone, far below central differences' error: the pair disagrees, every element
	// beyond it named with --detail all.
	code, out, _ := runCLI(t, append(two, "--atol", "1e-14", "--detail", "all")...)
	assert.Equal(t, 1, code)
	var rep struct {
		Agree bool `json:"agree"`
		Pairs []struct {
			Disagreeing int `json:"disagreeing"`
			Detail      []struct {
				Name     string  `json:"name"`
				Ratio    float64 `json:"ratio"`
				Category string  `json:"category"`
			} `json:"detail"`
		} `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Pairs, 1)
	assert.False(t, rep.Agree)
	assert.Len(t, rep.Pairs[0].Detail, rep.Pairs[0].Disagreeing)
	for _, e := range rep.Pairs[0].Detail {
		assert.Greater(t, e.Ratio, 1.0, e.Name)
		assert.Equal(t, "disagreeing", e.Category)
	}
	// A generous --rtol agrees; --detail 2 names the two closest to their allowance.
	code, out, _ = runCLI(t, append(two, "--rtol", "1e-3", "--detail", "2")...)
	assert.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Pairs[0].Detail, 2)
	assert.GreaterOrEqual(t, rep.Pairs[0].Detail[0].Ratio, rep.Pairs[0].Detail[1].Ratio)
	// --step replaces central differences' step: at 1e-2 their truncation error shows.
	maxRel := func(args ...string) float64 {
		code, out, stderr := runCLI(t, append(two, args...)...)
		require.Equal(t, 0, code, stderr)
		var r struct {
			Pairs []struct {
				MaxRelErr float64 `json:"max_rel_err"`
			} `json:"pairs"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &r))
		return r.Pairs[0].MaxRelErr
	}
	assert.Greater(t, maxRel("--step", "1e-2"), 100*maxRel())
}

func TestCompareDirectional(t *testing.T) {
	code, out, stderr := runCLI(t, "compare", "--net", "4-8-3:tanh,relu", "--directional", "3", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var rep struct {
		Witness   string    `json:"witness"`
		Reference []float64 `json:"reference"`
		Rows      []struct {
			Engine string    `json:"engine"`
			How    string    `json:"how"`
			Values []float64 `json:"values"`
			Agree  bool      `json:"agree"`
		} `json:"engines"`
		Agree bool `json:"agree"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Agree)
	assert.Len(t, rep.Reference, 3)
	hows := map[string]string{}
	for _, r := range rep.Rows {
		hows[r.Engine] = r.How
		assert.Len(t, r.Values, 3)
	}
	assert.Equal(t, "gradient·v", hows["backprop"])
	assert.Equal(t, "directional", hows["numeric-central"])
}

func TestCompareGradcheckUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--detail", "x"},
		{"--detail", "-3"},
		{"--atol", "-1"},
		{"--rtol", "NaN"},
		{"--step", "2"},
		{"--directional", "-1"},
	} {
		code, _, _ := runCLI(t, append([]string{"compare", "--net", "2-2-1"}, args...)...)
		assert.Equal(t, 2, code, "%v", args)
	}
	code, _, stderr := runCLI(t, "compare", "--net", "2-2-1", "--engines", "backprop,symbolic", "--step", "1e-3")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "none of the engines has a difference step")
}
