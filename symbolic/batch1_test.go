package symbolic

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

// TestSumOneRow checks the single-row path (run1, with its contiguous segments in both
// directions) against the vector path on the same row repeated: Sum over n copies of a row is
// n times Sum over the row.
func TestSumOneRow(t *testing.T) {
	for _, arch := range []string{"6-5-3", "12-9-4:tanh,identity", "5-8-2:relu,sigmoid"} {
		t.Run(arch, func(t *testing.T) {
			net := nn.MustParse(arch)
			e, err := New(net)
			require.NoError(t, err)
			A, b := net.Init(nil, 3), net.RandomBatch(1, 3)
			one := e.bp.Sum(nil, A, e.batchData(b), 1)
			const n = 3
			data := make([]float64, 0, n*len(e.batchData(b)))
			for _, v := range e.batchData(b) {
				for range n {
					data = append(data, v)
				}
			}
			many := e.bp.Sum(nil, A, data, n)
			require.Len(t, one, len(many))
			for i := range one {
				assert.InDelta(t, many[i]/n, one[i], 1e-12*(1+math.Abs(one[i])), "output %d", i)
			}
		})
	}
}
