package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/par"
)

// minParallel is the number of multiply-adds (m·n·k) below which a product runs on the
// caller's goroutine alone: waking a worker costs a few microseconds.
const minParallel = 1 << 17

// Multiplier multiplies matrices on a pool of threads. A nil *Multiplier multiplies on the
// caller's goroutine. A Multiplier is not safe for concurrent use.
type Multiplier struct {
	pool *par.Pool

	// The call in progress, read by the pool's threads.
	tA, tB      blas.Transpose
	alpha, beta float64
	a, b, c     blas64.General
	cols, tiles int // tile columns of C, tiles in all
	parts       int
}

// New returns a Multiplier on threads threads (0: par.Threads(), all cores or --threads).
func New(threads int) *Multiplier {
	return &Multiplier{pool: par.NewPool(threads)}
}

// Threads returns the number of threads the Multiplier uses: 1 for nil.
func (m *Multiplier) Threads() int {
	if m == nil {
		return 1
	}
	return m.pool.Threads()
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C with the conventions of blas64.Gemm: a and b
// as stored, op transposing them when tA or tB is blas.Trans. Mismatched shapes panic as in
// blas64.Gemm.
func (m *Multiplier) Gemm(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	k := a.Cols
	if tA == blas.Trans {
		k = a.Rows
	}
	rows, cols := (c.Rows+tileRows-1)/tileRows, (c.Cols+tileCols-1)/tileCols
	tiles := rows * cols
	if m == nil || tiles < 2 || c.Rows*c.Cols*k < minParallel || m.pool.Threads() == 1 {
		for t := range tiles {
			tile(t, cols, tA, tB, alpha, a, b, beta, c)
		}
		return
	}
	m.tA, m.tB, m.alpha, m.beta, m.a, m.b, m.c = tA, tB, alpha, beta, a, b, c
	m.cols, m.tiles, m.parts = cols, tiles, min(tiles, m.pool.Threads())
	m.pool.Run(m.parts, m)
	m.a, m.b, m.c = blas64.General{}, blas64.General{}, blas64.General{}
}

// Run computes part i's share of the tiles (par.Task).
func (m *Multiplier) Run(i int) {
	lo, hi := par.Span(m.tiles, m.parts, i)
	for t := lo; t < hi; t++ {
		tile(t, m.cols, m.tA, m.tB, m.alpha, m.a, m.b, m.beta, m.c)
	}
}

// Gemm is a Multiplier's Gemm on the caller's goroutine.
func Gemm(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	(*Multiplier)(nil).Gemm(tA, tB, alpha, a, b, beta, c)
}

// tile computes tile t of C (tile row t/cols, tile column t%cols) with one Dgemm call.
func tile(t, cols int, tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	i, j := t/cols*tileRows, t%cols*tileCols
	r, s := min(tileRows, c.Rows-i), min(tileCols, c.Cols-j)
	k := a.Cols
	var ai, bj []float64 // rows i… of op(a), columns j… of op(b)
	if tA == blas.Trans {
		k, ai = a.Rows, a.Data[i:]
	} else {
		ai = a.Data[i*a.Stride:]
	}
	if tB == blas.Trans {
		bj = b.Data[j*b.Stride:]
	} else {
		bj = b.Data[j:]
	}
	blas64.Implementation().Dgemm(tA, tB, r, s, k, alpha, ai, max(1, a.Stride), bj, max(1, b.Stride), beta, c.Data[i*c.Stride+j:], max(1, c.Stride))
}
