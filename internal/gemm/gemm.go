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
	if m == nil || c.Rows*c.Cols*k < minParallel || m.pool.Threads() == 1 || (!splitFree && tiles < 2) {
		serial := Multiplier{tA: tA, tB: tB, alpha: alpha, beta: beta, a: a, b: b, c: c}
		serial.block(0, c.Rows, 0, c.Cols)
		return
	}
	m.tA, m.tB, m.alpha, m.beta, m.a, m.b, m.c = tA, tB, alpha, beta, a, b, c
	m.cols, m.tiles = cols, tiles
	if splitFree {
		m.parts = min(m.pool.Threads(), max(c.Rows, c.Cols))
	} else {
		m.parts = min(tiles, m.pool.Threads())
	}
	m.pool.Run(m.parts, m)
	m.a, m.b, m.c = blas64.General{}, blas64.General{}, blas64.General{}
}

// Run computes part i of the product (par.Task): with a BLAS whose result does not depend on
// how C is cut (splitFree), an even share of C's rows or, when C is wider than tall, of its
// columns; otherwise an even share of the fixed grid of tiles.
func (m *Multiplier) Run(i int) {
	c := m.c
	switch {
	case !splitFree:
		lo, hi := par.Span(m.tiles, m.parts, i)
		for t := lo; t < hi; t++ {
			r, s := t/m.cols*tileRows, t%m.cols*tileCols
			m.tile(r, min(r+tileRows, c.Rows), s, min(s+tileCols, c.Cols))
		}
	case c.Rows >= c.Cols:
		lo, hi := par.Span(c.Rows, m.parts, i)
		m.block(lo, hi, 0, c.Cols)
	default:
		lo, hi := par.Span(c.Cols, m.parts, i)
		m.block(0, c.Rows, lo, hi)
	}
}

// Gemm is a Multiplier's Gemm on the caller's goroutine.
func Gemm(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	(*Multiplier)(nil).Gemm(tA, tB, alpha, a, b, beta, c)
}

// block computes rows [i0, i1) × columns [j0, j1) of C, tile by tile.
func (m *Multiplier) block(i0, i1, j0, j1 int) {
	for i := i0; i < i1; i += tileRows {
		for j := j0; j < j1; j += tileCols {
			m.tile(i, min(i+tileRows, i1), j, min(j+tileCols, j1))
		}
	}
}

// tile computes rows [i0, i1) × columns [j0, j1) of C with one Dgemm call.
func (m *Multiplier) tile(i0, i1, j0, j1 int) {
	a, b, c := m.a, m.b, m.c
	k := a.Cols
	var ai, bj []float64 // rows i0… of op(a), columns j0… of op(b)
	if m.tA == blas.Trans {
		k, ai = a.Rows, a.Data[i0:]
	} else {
		ai = a.Data[i0*a.Stride:]
	}
	if m.tB == blas.Trans {
		bj = b.Data[j0*b.Stride:]
	} else {
		bj = b.Data[j0:]
	}
	blas64.Implementation().Dgemm(m.tA, m.tB, i1-i0, j1-j0, k, m.alpha, ai, max(1, a.Stride), bj, max(1, b.Stride), m.beta, c.Data[i0*c.Stride+j0:], max(1, c.Stride))
}
