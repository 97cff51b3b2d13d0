package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// BenchmarkGemm times the products of a gradient of 784-300-100-10 at batch 100 (forward
// X·Wᵀ, backward δ·W, weight gradients δᵀ·X) on every micro-kernel of this CPU and on gonum,
// on 1 and 2 threads, and reports GFLOP/s.
func BenchmarkGemm(b *testing.B) {
	shapes := []struct {
		name    string
		m, n, k int
		tA, tB  blas.Transpose
	}{
		{"fwd1", 100, 300, 784, blas.NoTrans, blas.Trans},
		{"fwd2", 100, 100, 300, blas.NoTrans, blas.Trans},
		{"fwd3", 100, 10, 100, blas.NoTrans, blas.Trans},
		{"bwd3", 100, 100, 10, blas.NoTrans, blas.NoTrans},
		{"bwd2", 100, 300, 100, blas.NoTrans, blas.NoTrans},
		{"grad1", 300, 784, 100, blas.Trans, blas.NoTrans},
		{"grad2", 100, 300, 100, blas.Trans, blas.NoTrans},
		{"grad3", 10, 100, 100, blas.Trans, blas.NoTrans},
	}
	saved := active
	defer func() { active = saved }()
	for _, kn := range append(append([]*kernel(nil), kernels...), nil) {
		name := "gonum"
		if kn != nil {
			name = kn.name
		}
		for _, sh := range shapes {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("blas=%s/shape=%s-%dx%dx%d/threads=%d", name, sh.name, sh.m, sh.n, sh.k, threads), func(b *testing.B) {
					active = kn
					rng := rand.New(rand.NewPCG(1, 1))
					a := random(rng, sh.m, sh.k, 0)
					if sh.tA == blas.Trans {
						a = random(rng, sh.k, sh.m, 0)
					}
					bb := random(rng, sh.k, sh.n, 0)
					if sh.tB == blas.Trans {
						bb = random(rng, sh.n, sh.k, 0)
					}
					c := random(rng, sh.m, sh.n, 0)
					mul := New(threads)
					b.ReportAllocs()
					for b.Loop() {
						mul.Gemm(sh.tA, sh.tB, 1, a, bb, 0, c)
					}
					b.ReportMetric(2*float64(sh.m*sh.n*sh.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
