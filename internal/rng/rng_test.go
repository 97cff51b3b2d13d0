package rng

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewIsSeeded(t *testing.T) {
	a, b, c := New(7), New(7), New(8)
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	assert.Equal(t, x, y, "same seed, same numbers")
	assert.NotEqual(t, x, z, "another seed, other numbers")
}

func TestUnitVectors(t *testing.T) {
	vs := UnitVectors(New(1), 5, 3)
	require.Len(t, vs, 3)
	for _, v := range vs {
		require.Len(t, v, 5)
		var s float64
		for _, x := range v {
			s += x * x
		}
		assert.InDelta(t, 1, math.Sqrt(s), 1e-15)
	}
	assert.NotEqual(t, vs[0], vs[1])
}
