package autodiff_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/internal/gemm"
	"nabla/internal/par"
	"nabla/nn"
)

func TestReverseConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewReverse(net) }, gradtest.Options{Tolerance: 1e-7})
}

func TestForwardConformance(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewForward(net) }, gradtest.Options{Tolerance: 1e-7})
}

// TestStridedBatch checks batches whose rows are not adjacent in memory (column views of a
// wider matrix): they give the same K and ∇K as contiguous copies.
func TestStridedBatch(t *testing.T) {
	net := nn.MustParse("3-5-2:tanh,sigmoid")
	A := net.Init(nil, 2)
	wideX := mat.NewDense(6, 5, nil)
	wideZ := mat.NewDense(6, 4, nil)
	rng := nn.NewRand(3)
	for i := range 6 {
		for j := range 5 {
			wideX.Set(i, j, rng.Float64())
		}
		for j := range 4 {
			wideZ.Set(i, j, rng.Float64())
		}
	}
	strided := nn.Batch{X: wideX.Slice(0, 6, 1, 4).(*mat.Dense), Z: wideZ.Slice(0, 6, 2, 4).(*mat.Dense)}
	packed := nn.Batch{X: mat.DenseCopyOf(strided.X), Z: mat.DenseCopyOf(strided.Z)}
	for _, name := range []string{"autodiff-reverse", "autodiff-forward"} {
		t.Run(name, func(t *testing.T) {
			e, err := gradients.New(name, net)
			require.NoError(t, err)
			g1, k1, err := e.Gradient(nil, A, strided)
			require.NoError(t, err)
			g2, k2, err := e.Gradient(nil, A, packed)
			require.NoError(t, err)
			assert.InDelta(t, k2, k1, 1e-14)
			assert.InDeltaSlice(t, g2, g1, 1e-14)
		})
	}
}

func TestForwardCostEvaluations(t *testing.T) {
	net := nn.MustParse("784-100-10")
	e, err := autodiff.NewForward(net)
	require.NoError(t, err)
	assert.Equal(t, 79511, e.CostEvaluations())
}

// TestThreadsBitIdentical checks that the gradient, K and Hv do not depend on the number of
// threads: on networks large enough that the products, the elementwise rules, the bias rows
// and the bias adjoints' column sums are split between threads, one thread, two and three
// give the same bits (in the OpenBLAS build, where products' bits depend on how they are cut,
// the same values to 1e-9).
func TestThreadsBitIdentical(t *testing.T) {
	cases := []struct {
		arch  string
		batch int
	}{
		{"64-256-10:tanh,sigmoid", 64},
		{"100-300-100-10", 40},
		{"784-300-100-10", 100},
		{"1x12x12-conv8@3x3-maxpool2-10:relu,sigmoid", 64},
		{"1x10x10-conv6@3x3/s1+p1-avgpool2-conv4@3x3-12-10:relu,tanh,relu,sigmoid", 48},
	}
	defer par.SetThreads(par.Threads())
	for _, c := range cases {
		t.Run(c.arch, func(t *testing.T) {
			net := nn.MustParse(c.arch)
			A, b, v := net.Init(nil, 5), net.RandomBatch(c.batch, 5), net.Init(nil, 9)
			type result struct {
				g, hv []float64
				k     float64
			}
			run := func(threads int) result {
				par.SetThreads(threads)
				e, err := autodiff.NewReverse(net)
				require.NoError(t, err)
				var r result
				r.g, r.k, err = e.Gradient(nil, A, b)
				require.NoError(t, err)
				r.hv, _, err = e.Hv(nil, A, v, b)
				require.NoError(t, err)
				return r
			}
			one := run(1)
			for _, threads := range []int{2, 3} {
				r := run(threads)
				if !gemm.BitIdentical { // the OpenBLAS build: products' bits depend on the cut
					assert.InDelta(t, one.k, r.k, 1e-9*max(1, one.k), "threads=%d", threads)
					assert.InDeltaSlice(t, one.g, r.g, 1e-9, "threads=%d", threads)
					assert.InDeltaSlice(t, one.hv, r.hv, 1e-9, "threads=%d", threads)
					continue
				}
				assert.Equal(t, one.k, r.k, "threads=%d", threads)
				assert.Equal(t, one.g, r.g, "threads=%d", threads)
				assert.Equal(t, one.hv, r.hv, "threads=%d", threads)
			}
		})
	}
}
