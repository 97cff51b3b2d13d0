package units

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatNs(t *testing.T) {
	for _, tc := range []struct {
		ns   float64
		want string
	}{
		{812, "812ns"}, {4312, "4.31µs"}, {43120, "43.1µs"}, {431200, "431µs"},
		{12.04e6, "12.0ms"}, {3.2e9, "3.20s"}, {320e9, "320s"},
	} {
		assert.Equal(t, tc.want, FormatNs(tc.ns))
	}
}
