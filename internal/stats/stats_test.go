package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLogLogSlope(t *testing.T) {
	x := []float64{1, 10, 100}
	assert.InDelta(t, 2, LogLogSlope(x, []float64{3, 300, 30000}), 1e-12)
	assert.InDelta(t, 0, LogLogSlope(x, []float64{5, 5, 5}), 1e-12)
	assert.True(t, math.IsNaN(LogLogSlope([]float64{4, 4}, []float64{1, 2})))
	assert.True(t, math.IsNaN(LogLogSlope([]float64{4}, []float64{1})))
	assert.Panics(t, func() { LogLogSlope(x, x[:2]) })
}
