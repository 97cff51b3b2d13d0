package reports

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNestedAnyRank(t *testing.T) {
	values := make([]float64, 2*1*2*3)
	for i := range values {
		values[i] = float64(i)
	}
	for _, tc := range []struct {
		dims []int
		want string
	}{
		{[]int{12}, `[0,1,2,3,4,5,6,7,8,9,10,11]`},
		{[]int{3, 4}, `[[0,1,2,3],[4,5,6,7],[8,9,10,11]]`},
		{[]int{2, 1, 2, 3}, `[[[[0,1,2],[3,4,5]]],[[[6,7,8],[9,10,11]]]]`},
	} {
		b, err := json.Marshal(nested(tc.dims, values))
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, string(b), "dims %v", tc.dims)
	}
}
