package gemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestBoth requires Both on 1, 2 and 3 threads to give the bits of the two products computed
// one after the other on the caller's goroutine: pairs computed at once (a layer's ∂W and ∂x
// at batch 100) and pairs that are not (sizes too far apart, too small, alpha 0).
func TestBoth(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	type shape struct {
		m, n, k int
		tA, tB  blas.Transpose
		alpha   float64
	}
	for _, tc := range []struct {
		name string
		x, y shape
		pair bool // computed at once on two threads (with an assembly kernel)
	}{
		{"dW and dx", shape{100, 300, 100, blas.Trans, blas.NoTrans, 1}, shape{100, 300, 100, blas.NoTrans, blas.NoTrans, 1}, true},
		{"odd shapes", shape{97, 131, 263, blas.NoTrans, blas.Trans, 0.5}, shape{131, 97, 300, blas.Trans, blas.Trans, -2}, true},
		{"too large for one thread", shape{100, 2880, 100, blas.Trans, blas.NoTrans, 1}, shape{100, 2880, 100, blas.NoTrans, blas.NoTrans, 1}, false},
		{"sizes apart", shape{300, 784, 100, blas.Trans, blas.NoTrans, 1}, shape{100, 300, 100, blas.NoTrans, blas.NoTrans, 1}, false},
		{"small", shape{10, 100, 10, blas.Trans, blas.NoTrans, 1}, shape{10, 100, 10, blas.NoTrans, blas.NoTrans, 1}, false},
		{"alpha 0", shape{100, 300, 100, blas.Trans, blas.NoTrans, 0}, shape{100, 300, 100, blas.NoTrans, blas.NoTrans, 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := func(s shape) Product {
				a, b, c := operands(rng, s.m, s.n, s.k, s.tA, s.tB)
				return Product{TA: s.tA, TB: s.tB, Alpha: s.alpha, Beta: 0.25, A: a, B: b, C: c}
			}
			x, y := mk(tc.x), mk(tc.y)
			clone := func(p Product) Product {
				p.C.Data = append([]float64(nil), p.C.Data...)
				return p
			}
			wx, wy := clone(x), clone(y)
			Gemm(wx.TA, wx.TB, wx.Alpha, wx.A, wx.B, wx.Beta, wx.C)
			Gemm(wy.TA, wy.TB, wy.Alpha, wy.A, wy.B, wy.Beta, wy.C)
			for _, threads := range []int{1, 2, 3} {
				m := New(threads)
				_, k := size(&x)
				asm := m.kernel(x.C.Rows, x.C.Cols, k) != nil // not in the builds noasm and openblas
				assert.Equal(t, tc.pair && threads == 2 && asm, m.pairable(&x, &y) != nil, "threads=%d: computed at once", threads)
				gx, gy := clone(x), clone(y)
				m.Both(gx, gy)
				for _, c := range [][2]blas64.General{{wx.C, gx.C}, {wy.C, gy.C}} {
					for i := range c[0].Data {
						if u, v := math.Float64bits(c[0].Data[i]), math.Float64bits(c[1].Data[i]); u != v && BitIdentical {
							require.Equal(t, u, v, "threads=%d: element %d", threads, i)
						}
					}
					if !BitIdentical {
						assert.InDeltaSlice(t, c[0].Data, c[1].Data, 1e-10, "threads=%d", threads)
					}
				}
			}
		})
	}
}

func TestBothNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	a, b, c := operands(rng, 100, 300, 100, blas.Trans, blas.NoTrans)
	d, e, f := operands(rng, 100, 300, 100, blas.NoTrans, blas.NoTrans)
	x := Product{TA: blas.Trans, TB: blas.NoTrans, Alpha: 1, A: a, B: b, C: c}
	y := Product{TA: blas.NoTrans, TB: blas.NoTrans, Alpha: 1, A: d, B: e, C: f}
	m := New(2)
	m.Both(x, y)
	assert.Zero(t, testing.AllocsPerRun(50, func() { m.Both(x, y) }))
}
