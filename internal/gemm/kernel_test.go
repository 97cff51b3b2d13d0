package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// TestKernels holds every micro-kernel this CPU runs against the definition on odd shapes,
// every transpose, beta 0 (C full of NaN, which must not leak), 1 and another value, and
// requires the same bits from 1, 2 and 3 threads as from the caller's goroutine alone.
func TestKernels(t *testing.T) {
	if len(kernels) == 0 {
		t.Skip("no assembly micro-kernel in this build or on this CPU")
	}
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {3, 5, 7}, {8, 24, 256}, {9, 25, 257}, {97, 131, 263}, {5, 7, 0},
		{300, 100, 100}, {2, 500, 600}, {400, 3, 520}, {13, 490, 9},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, kn := range kernels {
		for _, sh := range shapes {
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
					for _, beta := range []float64{0, 1, -0.7} {
						name := fmt.Sprintf("%s/%dx%dx%d/%c%c/beta=%g", kn.name, sh.m, sh.n, sh.k, tA, tB, beta)
						t.Run(name, func(t *testing.T) { checkKernel(t, rng, kn, sh.m, sh.n, sh.k, tA, tB, beta) })
					}
				}
			}
		}
	}
}

func checkKernel(t *testing.T, rng *rand.Rand, kn *kernel, m, n, k int, tA, tB blas.Transpose, beta float64) {
	a, b, c0 := operands(rng, m, n, k, tA, tB)
	if beta == 0 {
		for i := range c0.Data {
			c0.Data[i] = math.NaN()
		}
	}
	want := naive(tA, tB, 1.5, a, b, beta, c0)
	if beta == 0 { // naive read the NaNs: the definition with beta = 0 does not
		c1 := c0
		c1.Data = make([]float64, len(c0.Data))
		want = naive(tA, tB, 1.5, a, b, 0, c1)
	}
	checkThreads(t, want, c0, k, func(mul *Multiplier, c blas64.General) {
		mul.asm(kn, product{tA: tA, tB: tB, alpha: 1.5, beta: beta, a: a, b: b, c: c, k: k})
	})
}

// checkThreads runs do on a copy of c0 without a Multiplier and with 1, 2 and 3 threads, and
// requires every result to be within 1e-13·(k+1) of want, the same bits as the first (where
// BitIdentical), and the padding between C's rows untouched.
func checkThreads(t *testing.T, want []float64, c0 blas64.General, k int, do func(*Multiplier, blas64.General)) {
	m, n := c0.Rows, c0.Cols
	var first []float64
	for _, threads := range []int{0, 1, 2, 3} {
		c := c0
		c.Data = append([]float64(nil), c0.Data...)
		var mul *Multiplier
		if threads > 0 {
			mul = New(threads)
		}
		do(mul, c)
		got := make([]float64, 0, m*n)
		for i := range m {
			got = append(got, c.Data[i*c.Stride:i*c.Stride+n]...)
		}
		for i := range want { // testify only for the first mismatch: it is slow per element
			if d := math.Abs(want[i] - got[i]); !(d <= 1e-13*float64(k+1)) {
				require.InDelta(t, want[i], got[i], 1e-13*float64(k+1), "element %d, threads=%d", i, threads)
			}
		}
		for i := range m - 1 { // the padding between rows is not written
			if x, y := math.Float64bits(c0.Data[i*c.Stride+n]), math.Float64bits(c.Data[i*c.Stride+n]); x != y {
				require.Equal(t, x, y, "padding after row %d", i)
			}
		}
		if first == nil {
			first = got
			continue
		}
		if !BitIdentical { // the OpenBLAS build: the bits depend on the cut (see BitIdentical)
			continue
		}
		for i := range got {
			if x, y := math.Float64bits(first[i]), math.Float64bits(got[i]); x != y {
				require.Equal(t, x, y, "element %d with %d threads differs from serial", i, threads)
			}
		}
	}
}

// TestKernelEdgeMatchesFull requires a tile computed through the edge path (a C one column
// narrower than the kernel) to equal bit for bit the same tile computed whole.
func TestKernelEdgeMatchesFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kn := range kernels {
		k := 300
		a, b := random(rng, kn.mr, k, 0), random(rng, k, kn.nr, 0)
		full := random(rng, kn.mr, kn.nr, 0)
		part := blas64.General{Rows: kn.mr, Cols: kn.nr - 1, Stride: kn.nr, Data: append([]float64(nil), full.Data...)}
		bp := blas64.General{Rows: k, Cols: kn.nr - 1, Stride: kn.nr, Data: b.Data}
		(*Multiplier)(nil).asm(kn, product{alpha: 0.3, beta: 0.9, a: a, b: b, c: full, k: k})
		(*Multiplier)(nil).asm(kn, product{alpha: 0.3, beta: 0.9, a: a, b: bp, c: part, k: k})
		for i := range kn.mr {
			for j := range kn.nr - 1 {
				require.Equal(t, math.Float64bits(full.Data[i*kn.nr+j]), math.Float64bits(part.Data[i*kn.nr+j]), "%s: element %d,%d", kn.name, i, j)
			}
		}
	}
}

// TestTilesAnyParts computes products as 2 to 7 parts of their micro-tiles (split), the parts
// one after another on one goroutine as when no worker is idle, and requires the same bits as
// the serial product: ranges that start and end inside a column (or row) of tiles, across the
// edge tiles, and with k in several blocks.
func TestTilesAnyParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, kn := range kernels {
		for _, sh := range []struct{ m, n, k int }{{100, 300, 300}, {300, 100, 100}, {13, 490, 9}, {97, 131, 600}, {41, 41, 50}} {
			for _, parts := range []int{2, 3, 5, 7} {
				t.Run(fmt.Sprintf("%s/%dx%dx%d/parts=%d", kn.name, sh.m, sh.n, sh.k, parts), func(t *testing.T) {
					a, b, c0 := operands(rng, sh.m, sh.n, sh.k, blas.NoTrans, blas.Trans)
					p := product{tA: blas.NoTrans, tB: blas.Trans, alpha: 0.7, beta: 0.4, a: a, b: b, k: sh.k}
					want := blas64.General{Rows: c0.Rows, Cols: c0.Cols, Stride: c0.Stride, Data: append([]float64(nil), c0.Data...)}
					p.c = want
					(*Multiplier)(nil).asm(kn, p)
					got := blas64.General{Rows: c0.Rows, Cols: c0.Cols, Stride: c0.Stride, Data: append([]float64(nil), c0.Data...)}
					p.c = got
					m := &Multiplier{ws: make([]workspace, parts), p: p, kn: kn, byCols: sh.n > sh.m, parts: parts}
					m.units = ((sh.m + kn.mr - 1) / kn.mr) * ((sh.n + kn.nr - 1) / kn.nr)
					for i := range parts {
						asmTask{m}.Run(i)
					}
					for i := range got.Data {
						if x, y := math.Float64bits(want.Data[i]), math.Float64bits(got.Data[i]); x != y {
							require.Equal(t, x, y, "element %d", i)
						}
					}
				})
			}
		}
	}
}

// TestRects holds the rectangles of a range of tiles against the tiles themselves: every tile
// of the range in exactly one rectangle, none outside it.
func TestRects(t *testing.T) {
	for _, S := range []int{1, 2, 5, 13} {
		for lo := range 3 * S {
			for hi := lo + 1; hi <= 3*S+1; hi++ {
				rs, n := rects(lo, hi, S)
				seen := make(map[int]int)
				for _, r := range rs[:n] {
					for c := r.c0; c < r.c1; c++ {
						for s := r.s0; s < r.s1; s++ {
							seen[c*S+s]++
						}
					}
				}
				require.Len(t, seen, hi-lo, "S=%d [%d, %d)", S, lo, hi)
				for tile, k := range seen {
					require.True(t, tile >= lo && tile < hi && k == 1, "S=%d [%d, %d): tile %d seen %d times", S, lo, hi, tile, k)
				}
			}
		}
	}
}

// TestPackT holds packT and packRuns (on AVX where the CPU has it) against their definitions
// on sizes around the blocks of 4, leaving the entries between the runs untouched.
func TestPackT(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, wd := range []int{4, 8, 12, 24} {
		for _, n := range []int{1, 3, 4, 5, 8, 11, 24} {
			for _, kb := range []int{1, 3, 4, 7, 8, 13} {
				if n > wd {
					continue
				}
				ld := max(kb, wd) + 3
				s := random(rng, max(n, kb), ld, 0).Data
				d := make([]float64, kb*wd)
				for i := range d {
					d[i] = -1
				}
				packT(d, wd, s, ld, kb, n)
				for l := range kb {
					for x := range wd {
						want := -1.0
						if x < n {
							want = s[x*ld+l]
						}
						require.Equal(t, want, d[l*wd+x], "packT wd=%d n=%d kb=%d: entry (%d, %d)", wd, n, kb, x, l)
					}
				}
				packRuns(d, wd, s, ld, kb)
				for l := range kb {
					require.Equal(t, s[l*ld:l*ld+wd], d[l*wd:l*wd+wd], "packRuns wd=%d kb=%d: run %d", wd, kb, l)
				}
			}
		}
	}
}
