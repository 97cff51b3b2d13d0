package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// random returns an r×c matrix with stride c+pad and seeded entries in [-1, 1).
func random(rng *rand.Rand, r, c, pad int) blas64.General {
	g := blas64.General{Rows: r, Cols: c, Stride: c + pad, Data: make([]float64, max(0, (r-1)*(c+pad)+c))}
	for i := range g.Data {
		g.Data[i] = 2*rng.Float64() - 1
	}
	return g
}

// operands returns seeded A, B and C for an m×n×k product with the given transposes, every
// matrix with some padding between its rows.
func operands(rng *rand.Rand, m, n, k int, tA, tB blas.Transpose) (a, b, c blas64.General) {
	a = random(rng, m, k, 1)
	if tA == blas.Trans {
		a = random(rng, k, m, 2)
	}
	b = random(rng, k, n, 0)
	if tB == blas.Trans {
		b = random(rng, n, k, 3)
	}
	return a, b, random(rng, m, n, 1)
}

// naive computes alpha·op(a)·op(b) + beta·c by the definition.
func naive(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) []float64 {
	at := func(g blas64.General, t blas.Transpose, i, j int) float64 {
		if t == blas.Trans {
			i, j = j, i
		}
		return g.Data[i*g.Stride+j]
	}
	k := a.Cols
	if tA == blas.Trans {
		k = a.Rows
	}
	out := make([]float64, c.Rows*c.Cols)
	for i := range c.Rows {
		for j := range c.Cols {
			var s float64
			for l := range k {
				s += at(a, tA, i, l) * at(b, tB, l, j)
			}
			out[i*c.Cols+j] = alpha*s + beta*c.Data[i*c.Stride+j]
		}
	}
	return out
}

// TestGemm holds the public Gemm (small products by the definition, larger ones on the
// assembly kernels or gonum) against the definition, with beta 2 and with beta 0 on a C full of
// NaN, which must not leak.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ m, n, k int }{{1, 1, 1}, {3, 5, 7}, {4, 3, 0}, {2, 3, 40}, {70, 200, 9}, {130, 30, 784 / 4}, {300, 1, 65}, {1, 400, 3}, {40, 700, 50}, {257, 300, 31}} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				for _, beta := range []float64{2, 0} {
					t.Run(fmt.Sprintf("%dx%dx%d/%c%c/beta=%g", tc.m, tc.n, tc.k, tA, tB, beta), func(t *testing.T) {
						a, b, c0 := operands(rng, tc.m, tc.n, tc.k, tA, tB)
						want := naive(tA, tB, 0.5, a, b, beta, c0)
						if beta == 0 {
							for i := range c0.Data {
								c0.Data[i] = math.NaN()
							}
						}
						checkThreads(t, want, c0, tc.k, func(mul *Multiplier, c blas64.General) { mul.Gemm(tA, tB, 0.5, a, b, beta, c) })
					})
				}
			}
		}
	}
}

func TestGemmNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a, b, c := random(rng, 100, 784, 0), random(rng, 300, 784, 0), random(rng, 100, 300, 0)
	for _, threads := range []int{1, 2, 4} {
		m := New(threads)
		assert.Equal(t, threads, m.Threads())
		m.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, c)
		// 50 runs: AllocsPerRun rounds the mean down, so one allocation per call fails the test
		// while the runtime's own rare ones (a new thread when a cgo call of the OpenBLAS build
		// holds its own under load) do not.
		assert.Zero(t, testing.AllocsPerRun(50, func() { m.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, c) }), "threads=%d", threads)
	}
	assert.Equal(t, 1, (*Multiplier)(nil).Threads())
}
