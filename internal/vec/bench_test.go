package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkComb4 times Comb4 on 100 rows (the symbolic engine's batch of 100) and 60 terms,
// at each kernel level this CPU has (0 Go, 1 AVX2, 2 AVX-512) in the same run.
func BenchmarkComb4(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const stride, nvec, n, nt = 128, 64, 100, 60
	buf, w := randVec(rng, stride*(nvec+4)), randVec(rng, 4*nt)
	terms := make([]Term4, nt)
	for k := range terms {
		terms[k] = Term4{Off: int32(rng.IntN(nvec) * stride), W: [4]int32{int32(4 * k), int32(4*k + 1), int32(4*k + 2), int32(4*k + 3)}}
	}
	dst := [4]int{nvec * stride, (nvec + 1) * stride, (nvec + 2) * stride, (nvec + 3) * stride}
	defer func(l int) { level = l }(level)
	for l := maxLevel; l >= 0; l-- {
		level = l
		b.Run(fmt.Sprintf("level=%d", l), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Comb4(buf, dst, n, terms, w)
			}
			b.ReportMetric(float64(4*n*nt)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
	}
}

// BenchmarkDots times Dots on 100 rows and 25 products at each kernel level.
func BenchmarkDots(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const stride, nvec, n, nt = 128, 64, 100, 25
	buf, out := randVec(rng, stride*nvec), make([]float64, nt)
	terms := make([]DotTerm, nt)
	for k := range terms {
		terms[k] = DotTerm{Off: int32(rng.IntN(nvec) * stride), Out: int32(k)}
	}
	defer func(l int) { level = l }(level)
	for l := maxLevel; l >= 0; l-- {
		level = l
		b.Run(fmt.Sprintf("level=%d", l), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Dots(out, buf, 0, n, terms)
			}
			b.ReportMetric(float64(n*nt)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
	}
}
