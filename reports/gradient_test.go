package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

// fixedGradient is ∇K on 2-2-1:relu,identity as worked out in cmd/nabla's grad test.
func fixedGradient() GradientResult {
	net := nn.MustParse("2-2-1:relu,identity")
	return NewGradientResult(net, "backprop", 2, 24.25, []float64{36, 0, 4, 8, 18, 4, 18, -6, 5.000000000000001})
}

func TestGradientGolden(t *testing.T) {
	g := fixedGradient()
	var js, tb bytes.Buffer
	require.NoError(t, g.JSON(&js))
	require.NoError(t, g.Table(&tb))
	checkGolden(t, "gradient.json", js.Bytes())
	checkGolden(t, "gradient.txt", tb.Bytes())
}

func TestGradientJSON(t *testing.T) {
	g := fixedGradient()
	var buf bytes.Buffer
	require.NoError(t, g.JSON(&buf))
	var got struct {
		Net    string         `json:"net"`
		Cost   string         `json:"cost"`
		Engine string         `json:"engine"`
		Batch  int            `json:"batch"`
		K      float64        `json:"K"`
		Grad   []float64      `json:"grad"`
		Blocks map[string]any `json:"blocks"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&got))
	assert.Equal(t, "2-2-1:relu,identity", got.Net)
	assert.Equal(t, "quadratic", got.Cost)
	assert.Equal(t, g.Grad, got.Grad, "written exactly")
	assert.Equal(t, []any{[]any{36.0, 0.0}, []any{4.0, 8.0}}, got.Blocks["W1"])
	assert.Equal(t, []any{18.0, 4.0}, got.Blocks["b1"])
	assert.Equal(t, []any{[]any{18.0, -6.0}}, got.Blocks["W2"])
	assert.Equal(t, []any{5.000000000000001}, got.Blocks["b2"])
}

func TestGradientJSONNonFinite(t *testing.T) {
	net := nn.MustParse("1-1")
	g := NewGradientResult(net, "x", 1, math.Inf(1), []float64{math.NaN(), math.Inf(-1)})
	var buf bytes.Buffer
	require.NoError(t, g.JSON(&buf))
	assert.True(t, json.Valid(buf.Bytes()))
	assert.Contains(t, buf.String(), `"K": "+Inf"`)
	assert.Contains(t, buf.String(), `"grad": ["NaN","-Inf"]`)
}

func TestNewGradientResultPanics(t *testing.T) {
	assert.PanicsWithValue(t, "reports: NewGradientResult: len(grad) = 1, want 2", func() {
		NewGradientResult(nn.MustParse("1-1"), "x", 1, 0, []float64{1})
	})
}
