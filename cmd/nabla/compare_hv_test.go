package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareOrder2(t *testing.T) {
	code, out, errOut := runCLI(t, "compare", "--net", "4-8-3:tanh,sigmoid", "--order", "2", "--directions", "3")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "H·v (worst of 3 random directions) agreement on 4-8-3:tanh,sigmoid")
	for _, e := range []string{"backprop", "autodiff-reverse", "symbolic", "numeric-central", "numeric-complex"} {
		assert.Contains(t, out, e)
	}
	assert.Contains(t, out, "all 10 pairs agree")

	code, out, errOut = runCLI(t, "compare", "--net", "3-4-2", "--order", "2", "--engines", "backprop,autodiff-reverse", "--format", "json")
	require.Equal(t, 0, code, errOut)
	var got struct {
		Quantity string `json:"quantity"`
		Agree    bool   `json:"agree"`
		Pairs    []struct {
			MaxRelErr float64 `json:"max_rel_err"`
		} `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Contains(t, got.Quantity, "H·v")
	assert.True(t, got.Agree)
	require.Len(t, got.Pairs, 1)
	assert.LessOrEqual(t, got.Pairs[0].MaxRelErr, 1e-10)
}

func TestCompareOrder2Usage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"order 3", []string{"compare", "--net", "3-4-2", "--order", "3"}},
		{"no directions", []string{"compare", "--net", "3-4-2", "--order", "2", "--directions", "0"}},
		{"engine without Hv", []string{"compare", "--net", "3-4-2", "--order", "2", "--engines", "backprop,numeric-forward"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			assert.Equal(t, 2, code, errOut)
		})
	}
}

func TestMutateOrder2(t *testing.T) {
	code, out, errOut := runCLI(t, "mutate", "--order", "2", "--wide")
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{"sigmoid-second-deriv-typo", "missing-cross-term", "missing-curvature"} {
		assert.Contains(t, out, f)
	}
	assert.Contains(t, out, "no false alarm on the control")
	code, out, errOut = runCLI(t, "mutate", "--order", "2", "--cost", "xent", "--engines", "backprop,numeric-complex")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "cost xent")
	code, _, errOut = runCLI(t, "mutate", "--order", "2", "--engines", "backprop,numeric-forward")
	assert.Equal(t, 2, code, errOut)
}
