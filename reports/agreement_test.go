package reports

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// fixedAgreement is a cross-check on 2-3-1 of three made-up results: "exact" and "close"
// differ by about 1e-9, "broken" has a wrong entry at W2[1,2].
func fixedAgreement(t *testing.T, broken bool) Agreement {
	t.Helper()
	net := nn.MustParse("2-3-1")
	require.Equal(t, 13, net.NumParams())
	g := []float64{0.5, -0.25, 0.125, 1.5, -2, 0.75, 0.1, -0.3, 0.2, 1.25, -0.5, 0.875, -1}
	close := slices.Clone(g)
	for i := range close {
		close[i] += 1e-9 * float64(i%3)
	}
	results := []gradients.Result{
		{Engine: "exact", Tolerance: 1e-12, K: 0.8125, Grad: g},
		{Engine: "close", Tolerance: 1e-7, K: 0.8125 + 1e-12, Grad: close},
	}
	if broken {
		bad := slices.Clone(g)
		bad[net.Blocks()[2].Offset+1] = 1.3
		results = append(results, gradients.Result{Engine: "broken", Tolerance: 1e-12, K: 0.8125, Grad: bad})
	}
	a := NewAgreement(gradients.Compare(net, results), results)
	a.Params, a.Batch, a.Seed = net.NumParams(), 4, 7
	if broken {
		a.Skipped = []SkippedEngine{{Name: "slow", Reason: "estimated 2.0e+11 multiply-adds > budget 3.0e+10; name it in --engines to run it"}}
	}
	return a
}

func TestAgreementGolden(t *testing.T) {
	for _, c := range []struct {
		name   string
		broken bool
	}{{"agree", false}, {"disagree", true}} {
		t.Run(c.name, func(t *testing.T) {
			a := fixedAgreement(t, c.broken)
			assert.Equal(t, !c.broken, a.Agree)
			var tb, md bytes.Buffer
			require.NoError(t, a.Table(&tb))
			require.NoError(t, a.Markdown(&md))
			checkGolden(t, "agreement_"+c.name+".txt", tb.Bytes())
			checkGolden(t, "agreement_"+c.name+".md", md.Bytes())
		})
	}
}

func TestAgreementSummary(t *testing.T) {
	assert.Equal(t, "the pair agrees within its error bound", fixedAgreement(t, false).Summary())
	s := fixedAgreement(t, true).Summary()
	assert.Contains(t, s, "2 of 3 pairs disagree")
	assert.Contains(t, s, "at W2[1,2] (first bad block W2)")

	net := nn.MustParse("1-1")
	one := []gradients.Result{{Engine: "x", Grad: []float64{1, 2}, K: 1}, {Engine: "y", Grad: []float64{1, 2}, K: 2}}
	a := NewAgreement(gradients.Compare(net, one), one)
	assert.Equal(t, "engines disagree: x vs y: cost rel err 3.33e-01 > tolerance 2.00e-12", a.Summary())
}

func TestAgreementJSON(t *testing.T) {
	a := fixedAgreement(t, true)
	var buf bytes.Buffer
	require.NoError(t, a.JSON(&buf))

	// The keys the issue promises, read back without knowing the Go types.
	var raw struct {
		Net     string           `json:"net"`
		Batch   int              `json:"batch"`
		Seed    uint64           `json:"seed"`
		Engines []map[string]any `json:"engines"`
		Pairs   []map[string]any `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &raw))
	assert.Equal(t, "2-3-1", raw.Net)
	assert.Equal(t, 4, raw.Batch)
	assert.Equal(t, uint64(7), raw.Seed)
	require.Len(t, raw.Engines, 3)
	assert.Equal(t, "exact", raw.Engines[0]["name"])
	assert.InDelta(t, 0.8125, raw.Engines[0]["K"], 1e-15)
	require.Len(t, raw.Pairs, 3)
	for _, p := range raw.Pairs {
		for _, k := range []string{"a", "b", "max_abs_err", "max_rel_err", "worst", "agree"} {
			assert.Contains(t, p, k)
		}
	}
	assert.Equal(t, "exact", raw.Pairs[1]["a"])
	assert.Equal(t, "broken", raw.Pairs[1]["b"])
	assert.Equal(t, "W2[1,2]", raw.Pairs[1]["worst"])
	assert.Equal(t, false, raw.Pairs[1]["agree"])
	assert.Equal(t, true, raw.Pairs[0]["agree"])

	back, err := ReadAgreement(&buf)
	require.NoError(t, err)
	assert.Equal(t, a, back)
}

func TestAgreementJSONNonFinite(t *testing.T) {
	net := nn.MustParse("1-1")
	results := []gradients.Result{
		{Engine: "x", K: 1, Grad: []float64{1, 2}},
		{Engine: "y", K: math.NaN(), Grad: []float64{math.NaN(), 2}},
	}
	a := NewAgreement(gradients.Compare(net, results), results)
	var buf bytes.Buffer
	require.NoError(t, a.JSON(&buf))
	assert.Contains(t, buf.String(), `"max_rel_err": "+Inf"`)
	assert.Contains(t, buf.String(), `"K": "NaN"`)
	back, err := ReadAgreement(&buf)
	require.NoError(t, err)
	assert.True(t, math.IsInf(back.Pairs[0].MaxRelErr, 1))
	assert.True(t, math.IsNaN(back.Engines[1].K))
	assert.False(t, back.Agree)
}

func TestReadAgreementErrors(t *testing.T) {
	for name, in := range map[string]string{
		"malformed":     `{"net": `,
		"unknown field": `{"nett": "2-1"}`,
		"bad string":    `{"engines": [{"name": "x", "K": "lots"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadAgreement(strings.NewReader(in))
			assert.Error(t, err)
		})
	}
}

// jsonKeys returns the top-level keys of v's JSON form.
func jsonKeys(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	return slices.Sorted(maps.Keys(m))
}

// TestAgreementNonDifferentiable checks that parameters set aside at ReLU kinks are named in
// every rendering and survive the JSON round trip.
func TestAgreementNonDifferentiable(t *testing.T) {
	a := fixedAgreement(t, false)
	a.Pairs[0].NonDifferentiable = []string{"W1[2,1]", "b1[2]"}
	for _, render := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return a.Table(b) },
		func(b *bytes.Buffer) error { return a.Markdown(b) },
	} {
		var buf bytes.Buffer
		require.NoError(t, render(&buf))
		assert.Contains(t, buf.String(), "exact vs close: 2 parameters not comparable (a difference stencil crossed a ReLU kink)")
		assert.Contains(t, strings.Join(strings.Fields(buf.String()), " "), "W1[2,1], b1[2]")
	}
	var buf bytes.Buffer
	require.NoError(t, a.JSON(&buf))
	assert.Contains(t, buf.String(), `"non_differentiable": [`)
	back, err := ReadAgreement(&buf)
	require.NoError(t, err)
	assert.Equal(t, a, back)
}
