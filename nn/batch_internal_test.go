package nn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFirstNonFinite puts each kind of non-finite value at every position of slices around the
// unrolled scan's stride, so that both the unrolled body and the tail are covered.
func TestFirstNonFinite(t *testing.T) {
	for n := 0; n <= 19; n++ {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i) - 7.5
		}
		assert.Equal(t, -1, firstNonFinite(x), "finite, n=%d", n)
		for pos := range n {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				old := x[pos]
				x[pos] = bad
				assert.Equal(t, pos, firstNonFinite(x), "n=%d pos=%d %v", n, pos, bad)
				x[pos] = old
			}
		}
	}
	assert.Equal(t, -1, firstNonFinite([]float64{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64}))
}
