package backprop_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/backprop"
	"nabla/internal/gemm"
	"nabla/internal/par"
	"nabla/nn"
)

// TestThreadsBitIdentical checks that K and the gradient do not depend on the number of
// threads: on networks large enough that the products, σ and σ', the bias rows and the bias
// gradients' column sums are split between threads, one thread, two and three give the same
// bits (except in the OpenBLAS build, whose products are not bit-identical across thread
// counts: there the results must agree to rounding).
func TestThreadsBitIdentical(t *testing.T) {
	cases := []struct {
		arch  string
		batch int
	}{
		{"64-256-10:tanh,sigmoid", 64},
		{"784-300-100-10", 100},
		{"1x12x12-conv8@3x3-maxpool2-10:relu,sigmoid", 64},
	}
	defer par.SetThreads(par.Threads())
	for _, c := range cases {
		t.Run(c.arch, func(t *testing.T) {
			net := nn.MustParse(c.arch)
			A, b := net.Init(nil, 5), net.RandomBatch(c.batch, 5)
			run := func(threads int) ([]float64, float64) {
				par.SetThreads(threads)
				e, err := backprop.New(net)
				require.NoError(t, err)
				g, k, err := e.Gradient(nil, A, b)
				require.NoError(t, err)
				return g, k
			}
			g1, k1 := run(1)
			for _, threads := range []int{2, 3} {
				g, k := run(threads)
				if !gemm.BitIdentical {
					assert.InDelta(t, k1, k, 1e-9*max(1, k1), "threads=%d", threads)
					assert.InDeltaSlice(t, g1, g, 1e-9, "threads=%d", threads)
					continue
				}
				assert.Equal(t, k1, k, "threads=%d", threads)
				assert.Equal(t, g1, g, "threads=%d", threads)
			}
		})
	}
}
