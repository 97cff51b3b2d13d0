package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/internal/gemm"
)

// TestSmallMatchesGemmSmall checks that the tiny products' loops give gemm.Small's bits (the
// same products summed in the same order) for every transposition, the outer products of
// batch 1 (k = 1) included, overwriting c and adding to it.
func TestSmallMatchesGemmSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	rnd := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 2*rng.Float64() - 1
		}
		return v
	}
	for _, s := range [][3]int{{1, 3, 2}, {1, 1, 3}, {1, 3, 1}, {3, 2, 1}, {2, 3, 4}, {4, 4, 4}, {1, 1, 1}, {3, 1, 5}} {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, add := range []bool{false, true} {
					t.Run(fmt.Sprintf("m=%d/n=%d/k=%d/ta=%v/tb=%v/add=%v", m, n, k, ta, tb, add), func(t *testing.T) {
						a, b, c := rnd(m*k), rnd(k*n), rnd(m*n)
						lda, ldb := k, n
						if ta {
							lda = m
						}
						if tb {
							ldb = k
						}
						want := append([]float64(nil), c...)
						beta := 0.0
						if add {
							beta = 1
						}
						gemm.Small(ta, tb, m, n, k, 1, a, lda, b, ldb, beta, want, n)
						small(ta, tb, m, n, k, a, b, add, c)
						require.Equal(t, bitsOf(want), bitsOf(c))
					})
				}
			}
		}
	}
}

// TestLinearSmallMatchesBiasThenProduct checks that Linear's tiny path gives the bits of the
// general one: the bias written into every row, then the product added by gemm.Small.
func TestLinearSmallMatchesBiasThenProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 71))
	for _, s := range [][3]int{{1, 3, 2}, {1, 1, 3}, {4, 3, 2}, {2, 5, 6}} {
		n, m, k := s[0], s[1], s[2]
		x, w, b := make([]float64, n*k), make([]float64, m*k), make([]float64, m)
		for _, v := range [][]float64{x, w, b} {
			for i := range v {
				v[i] = 2*rng.Float64() - 1
			}
		}
		want := make([]float64, n*m)
		for i := range n {
			copy(want[i*m:], b)
		}
		gemm.Small(false, true, n, m, k, 1, x, k, w, k, 1, want, m)
		got := make([]float64, n*m)
		linearSmall(got, x, w, b, n, m, k)
		require.Equal(t, bitsOf(want), bitsOf(got), "n=%d m=%d k=%d", n, m, k)
	}
}

func bitsOf(x []float64) []uint64 {
	b := make([]uint64, len(x))
	for i, v := range x {
		b[i] = math.Float64bits(v)
	}
	return b
}

// TestTinyValueNearKernels checks that σ, tanh and exp of fewer than minVector entries, which
// unaryValues computes by scalar functions, are within 2 ulp of the vectorized values of
// longer slices, over a range that covers both branches and saturation.
func TestTinyValueNearKernels(t *testing.T) {
	const n = 2001
	x := make([]float64, n)
	for i := range x {
		x[i] = -40 + 80*float64(i)/(n-1)
	}
	for _, op := range []opKind{opSigmoid, opTanh, opExp} {
		want := make([]float64, n)
		unaryValue(op, want, x)
		got := make([]float64, n)
		for i := 0; i < n; i += minVector - 1 {
			j := min(i+minVector-1, n)
			tinyValue(op, got[i:j], x[i:j])
		}
		for i := range x {
			assert.InDelta(t, want[i], got[i], 2*ulp(want[i]), "%s(%v)", op, x[i])
		}
	}
}

// ulp returns the spacing of float64 values at v.
func ulp(v float64) float64 {
	v = math.Abs(v)
	return math.Nextafter(v, math.Inf(1)) - v
}
