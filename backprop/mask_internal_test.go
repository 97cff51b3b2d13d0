package backprop

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPositive holds the branch-free mask of mulDeriv's ReLU against v > 0 on the values
// where bit tricks go wrong: both zeros, subnormals, the largest finite values, both
// infinities and NaNs of either sign.
func TestPositive(t *testing.T) {
	for _, v := range []float64{
		1, -1, 0, math.Copysign(0, -1), 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(math.NaN(), -1),
		math.Float64frombits(0x7FF0000000000001), math.Float64frombits(0xFFFFFFFFFFFFFFFF),
	} {
		want := uint64(0)
		if v > 0 {
			want = math.MaxUint64
		}
		assert.Equal(t, want, positive(v), "%v (bits %#x)", v, math.Float64bits(v))
	}
}
