package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/par"
)

// minParallel is the number of multiply-adds (m·n·k) below which a product runs on the
// caller's goroutine alone: waking a worker costs a few microseconds.
const minParallel = 1 << 17

// minSplit is minParallel for the assembly GEMM, whose threads share C's micro-tiles evenly
// (split.go): products of about 10^5 multiply-adds (the last layer's of 784-300-100-10 and the
// second layer's of 784-100-10 at batch 100) took 1.3–1.5× less time on two threads than on
// one when timed alone.
const minSplit = 1 << 16

// Multiplier multiplies matrices on a pool of threads. A nil *Multiplier multiplies on the
// caller's goroutine. A Multiplier is not safe for concurrent use.
type Multiplier struct {
	pool *par.Pool
	ws   []workspace // the assembly GEMM's packed panels, one per thread

	// The call in progress, read by the pool's threads.
	tA, tB      blas.Transpose
	alpha, beta float64
	a, b, c     blas64.General
	parts       int // parts of the call in progress (the OpenBLAS build: pieces of C)

	// The call in progress on the assembly GEMM: its operands, the kernel, its micro-tiles
	// (units), whether C's columns are cut (byCols) rather than its rows, and the shared
	// operand (split.go).
	p      product
	kn     *kernel
	units  int
	byCols bool
	pair   [2]product // the products of a Both call in progress (both.go)
}

// New returns a Multiplier on threads threads (0: par.Threads(), all cores or --threads).
func New(threads int) *Multiplier {
	p := par.NewPool(threads)
	return &Multiplier{pool: p, ws: make([]workspace, p.Threads())}
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
	if c.Rows*c.Cols*k <= maxSmall {
		small(tA, tB, alpha, a, b, beta, c, k)
		return
	}
	if kn := m.kernel(c.Rows, c.Cols, k); kn != nil {
		m.asm(kn, product{tA: tA, tB: tB, alpha: alpha, beta: beta, a: a, b: b, c: c, k: k})
		return
	}
	if !splitFree {
		m.pieces(product{tA: tA, tB: tB, alpha: alpha, beta: beta, a: a, b: b, c: c, k: k})
		return
	}
	if m == nil || c.Rows*c.Cols*k < minParallel || m.pool.Threads() == 1 {
		serial := Multiplier{tA: tA, tB: tB, alpha: alpha, beta: beta, a: a, b: b, c: c}
		serial.block(0, c.Rows, 0, c.Cols)
		return
	}
	m.tA, m.tB, m.alpha, m.beta, m.a, m.b, m.c = tA, tB, alpha, beta, a, b, c
	m.parts = min(m.pool.Threads(), max(c.Rows, c.Cols))
	m.pool.Run(m.parts, m)
	m.a, m.b, m.c = blas64.General{}, blas64.General{}, blas64.General{}
}

// pieces computes the product p with a BLAS whose result depends on how C is cut (OpenBLAS):
// one call on one thread, as PyTorch makes it; on a pool of n threads, and for products of at
// least minParallel multiply-adds, C is cut along its longer side into n pieces, one call
// each. The last bits of C may then differ between thread counts (see BitIdentical).
func (m *Multiplier) pieces(p product) {
	c := p.c
	if m == nil || m.pool.Threads() == 1 || c.Rows*c.Cols*p.k < minParallel {
		serial := Multiplier{tA: p.tA, tB: p.tB, alpha: p.alpha, beta: p.beta, a: p.a, b: p.b, c: c, parts: 1}
		serial.piece(0)
		return
	}
	m.tA, m.tB, m.alpha, m.beta, m.a, m.b, m.c = p.tA, p.tB, p.alpha, p.beta, p.a, p.b, c
	m.parts = min(m.pool.Threads(), max(c.Rows, c.Cols))
	m.pool.Run(m.parts, m)
	m.a, m.b, m.c = blas64.General{}, blas64.General{}, blas64.General{}
}

// piece computes piece t of the m.parts pieces of C (see pieces) with one call.
func (m *Multiplier) piece(t int) {
	c := m.c
	if c.Rows >= c.Cols {
		lo, hi := par.Span(c.Rows, m.parts, t)
		m.tile(lo, hi, 0, c.Cols)
		return
	}
	lo, hi := par.Span(c.Cols, m.parts, t)
	m.tile(0, c.Rows, lo, hi)
}

// Run computes part i of the product (par.Task): with a BLAS whose result does not depend on
// how C is cut (splitFree), an even share of C's rows or, when C is wider than tall, of its
// columns; otherwise piece i (see pieces).
func (m *Multiplier) Run(i int) {
	c := m.c
	switch {
	case !splitFree:
		m.piece(i)
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

// kernel returns the micro-kernel for an m×n×k product, nil for gonum's Dgemm (OpenBLAS in
// the build with the tag openblas): products too small or too thin to pay for packing, or
// below minKernel, go to gonum. The choice depends on the shape alone.
func (m *Multiplier) kernel(rows, cols, k int) *kernel {
	if active == nil || rows < 2 || cols < 4 || k < 4 || rows*cols*k < minKernel {
		return nil
	}
	return active
}

// asm computes the product p on the assembly GEMM: on the caller's goroutine, or shared by the
// threads (split.go).
func (m *Multiplier) asm(kn *kernel, p product) {
	c := p.c
	if p.alpha == 0 || p.k == 0 { // BLAS: C = beta·C, and beta = 0 does not read C
		scale(p.beta, c)
		return
	}
	checkShapes(&p)
	if m == nil || c.Rows*c.Cols*p.k < minSplit || m.pool.Threads() == 1 {
		var w *workspace
		if m != nil {
			w = &m.ws[0]
		} else {
			w = serial.Get().(*workspace)
			defer serial.Put(w)
		}
		w.run(kn, &p, 0, c.Rows, 0, c.Cols)
		return
	}
	m.split(kn, p)
}

// scale sets C = beta·C, to zero without reading C when beta is 0.
func scale(beta float64, c blas64.General) {
	for i := range c.Rows {
		row := c.Data[i*c.Stride : i*c.Stride+c.Cols]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// checkShapes panics, as blas64.Gemm does, when the operands do not fit together or their
// data is too short for their shapes and strides.
func checkShapes(p *product) {
	am, ak := p.a.Rows, p.a.Cols
	if p.tA == blas.Trans {
		am, ak = ak, am
	}
	bk, bn := p.b.Rows, p.b.Cols
	if p.tB == blas.Trans {
		bk, bn = bn, bk
	}
	if am != p.c.Rows || bn != p.c.Cols || ak != bk {
		panic("gemm: shapes of A, B and C do not match")
	}
	for _, g := range []*blas64.General{&p.a, &p.b, &p.c} {
		if g.Rows > 0 && g.Cols > 0 && (g.Stride < g.Cols || len(g.Data) < (g.Rows-1)*g.Stride+g.Cols) {
			panic("gemm: matrix data shorter than its shape and stride")
		}
	}
}

// maxSmall is the number of multiply-adds up to which a product is computed by small: for
// products this small (tiny networks, batch 1) the set-up of a BLAS call costs more than the
// arithmetic.
const maxSmall = 256

// small computes C = alpha·op(A)·op(B) + beta·C by the definition (see Small), after the
// shape checks of Gemm.
func small(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General, k int) {
	p := product{tA: tA, tB: tB, a: a, b: b, c: c, k: k}
	checkShapes(&p)
	if alpha == 0 || k == 0 {
		scale(beta, c)
		return
	}
	Small(tA == blas.Trans, tB == blas.Trans, c.Rows, c.Cols, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
}

// Small computes C = alpha·op(A)·op(B) + beta·C for an m×n×k product of row-major matrices
// given as slices and strides (op transposing when tA or tB is set) by the definition: each
// element a sum over k in order, then alpha·sum, plus beta·C unless beta is 0 (then C is not
// read). It is for products of a few hundred multiply-adds at most (tiny networks, batch 1),
// where a BLAS call's set-up costs more than the arithmetic; it does not check shapes beyond
// the slices' bounds.
func Small(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	ai, al := lda, 1 // op(A)[i][l] at a[i·ai + l·al]
	if tA {
		ai, al = 1, lda
	}
	bl, bj := ldb, 1 // op(B)[l][j] at b[l·bl + j·bj]
	if tB {
		bl, bj = 1, ldb
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			var s float64
			for l := range k {
				s += a[i*ai+l*al] * b[l*bl+j*bj]
			}
			if beta == 0 {
				row[j] = alpha * s
			} else {
				row[j] = float64(alpha*s) + float64(beta*row[j])
			}
		}
	}
}
