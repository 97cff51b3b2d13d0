package gemm

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/par"
)

// Cache blocking of the assembly GEMM (the loops of BLIS, with the roles of A and B swapped
// because the micro-kernels broadcast A and load B as vectors): k is cut into blocks of at
// most kcMax, the same for every thread count; op(A) into row blocks of mcMax packed once per
// k block, whose micro-panels (kc × mr, 16 KiB) stay in L1 while a packed block of op(B)
// (kc × ncMax, under 1 MiB) streams from L2.
const (
	kcMax = 256
	mcMax = 384
	ncMax = 480
)

// kernel is an assembly micro-kernel: fn computes the mr×nr tile C = alpha·(Ã·B̃) + beta·C
// (beta = 0: C is not read) from packed micro-panels a (k × mr) and b (k × nr), C's rows
// ldc apart.
type kernel struct {
	name   string
	mr, nr int
	fn     func(k int, a, b, c *float64, ldc int, alpha, beta float64)
}

// kernels lists the micro-kernels of this CPU and build, fastest first; active is the one
// the products use (nil: gonum's Dgemm).
var (
	kernels = available()
	active  = first(kernels)
)

func first(ks []*kernel) *kernel {
	if len(ks) == 0 {
		return nil
	}
	return ks[0]
}

// workspace holds one thread's packed panels and an edge tile, grown on first use and kept.
type workspace struct {
	a, b, ab []float64
}

// serial holds the workspaces of products computed without a Multiplier.
var serial = sync.Pool{New: func() any { return new(workspace) }}

// grow returns s with length n, reallocated only when its capacity is short.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// product is one call's operands, as Gemm received them.
type product struct {
	tA, tB      blas.Transpose
	alpha, beta float64
	a, b, c     blas64.General
	k           int
}

// run computes rows [i0, i1) × columns [j0, j1) of C with kernel kn. Every element of C gets
// the same operations in the same order whichever block it lies in: the k blocks in order,
// each the micro-kernel's FMA chain and its alpha/beta update (edge tiles through zero-padded
// panels and the Go copy of that update).
func (w *workspace) run(kn *kernel, p *product, i0, i1, j0, j1 int) {
	nk := (p.k + kcMax - 1) / kcMax
	w.ab = grow(w.ab, kn.mr*kn.nr)
	for q := range nk {
		l0, l1 := par.Span(p.k, nk, q)
		beta := p.beta
		if q > 0 {
			beta = 1
		}
		for ic := i0; ic < i1; ic += mcMax {
			ie := min(ic+mcMax, i1)
			w.packA(kn.mr, p, ic, ie, l0, l1)
			for jc := j0; jc < j1; jc += ncMax {
				je := min(jc+ncMax, j1)
				w.packB(kn.nr, p, jc, je, l0, l1)
				macro(kn, l1-l0, p.alpha, beta, p.c, w.a, ic, w.b, jc, w.ab, ic, ie, jc, je)
			}
		}
	}
}

// macro runs the micro-kernel over packed blocks: rows [i0, i1) × columns [j0, j1) of C, the
// micro-panel of row ir at a[(ir−ia)·kb] and that of column jr at b[(jr−jb)·kb], edge tiles
// through the scratch tile ab.
func macro(kn *kernel, kb int, alpha, beta float64, c blas64.General, a []float64, ia int, b []float64, jb int, ab []float64, i0, i1, j0, j1 int) {
	mr, nr := kn.mr, kn.nr
	for ir := i0; ir < i1; ir += mr {
		ap := &a[(ir-ia)*kb]
		rows := min(mr, i1-ir)
		for jr := j0; jr < j1; jr += nr {
			bp := &b[(jr-jb)*kb]
			cols := min(nr, j1-jr)
			if rows == mr && cols == nr {
				kn.fn(kb, ap, bp, &c.Data[ir*c.Stride+jr], c.Stride, alpha, beta)
				continue
			}
			kn.fn(kb, ap, bp, &ab[0], nr, 1, 0)
			edge(c.Data[ir*c.Stride+jr:], c.Stride, ab, nr, rows, cols, alpha, beta)
		}
	}
}

// edge stores the rows × cols corner of the tile ab (rows nr apart) into C as the kernels do:
// alpha·ab, plus beta·C unless beta is 0, each product rounded before the sum.
func edge(c []float64, ldc int, ab []float64, nr, rows, cols int, alpha, beta float64) {
	for r := range rows {
		dst, src := c[r*ldc:r*ldc+cols], ab[r*nr:r*nr+cols]
		if beta == 0 {
			for j, v := range src {
				dst[j] = alpha * v
			}
			continue
		}
		for j, v := range src {
			dst[j] = float64(alpha*v) + float64(beta*dst[j])
		}
	}
}

// packA packs rows [i0, i1) × columns [l0, l1) of op(A) into micro-panels of mr rows, each
// column of a panel contiguous, the last panel padded with zeros.
func (w *workspace) packA(mr int, p *product, i0, i1, l0, l1 int) {
	w.a = pack(w.a, mr, p.a, p.tA == blas.Trans, i0, i1, l0, l1)
}

// packB packs rows [l0, l1) × columns [j0, j1) of op(B) into micro-panels of nr columns, each
// row of a panel contiguous, the last panel padded with zeros.
func (w *workspace) packB(nr int, p *product, j0, j1, l0, l1 int) {
	w.b = pack(w.b, nr, p.b, p.tB == blas.NoTrans, j0, j1, l0, l1)
}

// pack copies the entries x ∈ [x0, x1), l ∈ [l0, l1) of g into dst (grown as needed) as
// panels of width wd: panel q holds x0+q·wd… as kb = l1−l0 runs of wd entries, one per l,
// zero-padded past x1. The entry (x, l) is g[l][x] when xRows (x runs along g's rows) and
// g[x][l] otherwise.
func pack(dst []float64, wd int, g blas64.General, xRows bool, x0, x1, l0, l1 int) []float64 {
	kb, panels := l1-l0, (x1-x0+wd-1)/wd
	dst = grow(dst, panels*wd*kb)
	src, ld := g.Data, g.Stride
	for q := range panels {
		d := dst[q*wd*kb : (q+1)*wd*kb]
		s0 := x0 + q*wd
		n := min(wd, x1-s0)
		if xRows { // a run is contiguous in g
			if n == wd {
				packRuns(d, wd, src[l0*ld+s0:], ld, kb)
				continue
			}
			for l := range kb {
				run := d[l*wd : l*wd+wd]
				copy(run, src[(l0+l)*ld+s0:(l0+l)*ld+s0+n])
				clear(run[n:])
			}
			continue
		}
		packT(d, wd, src[s0*ld+l0:], ld, kb, n)
		for x := n; x < wd; x++ {
			for l := range kb {
				d[l*wd+x] = 0
			}
		}
	}
	return dst
}

// packTGo is packT in Go: eight of s's rows at a time, written as runs of eight, then four,
// then one.
func packTGo(d []float64, wd int, s []float64, ld, kb, n int) {
	x := 0
	for ; x+8 <= n; x += 8 {
		o := x * ld
		r0, r1, r2, r3 := s[o:o+kb], s[o+ld:o+ld+kb], s[o+2*ld:o+2*ld+kb], s[o+3*ld:o+3*ld+kb]
		o += 4 * ld
		r4, r5, r6, r7 := s[o:o+kb], s[o+ld:o+ld+kb], s[o+2*ld:o+2*ld+kb], s[o+3*ld:o+3*ld+kb]
		for l, v := range r0 {
			q := d[l*wd+x : l*wd+x+8 : l*wd+x+8]
			q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7] = v, r1[l], r2[l], r3[l], r4[l], r5[l], r6[l], r7[l]
		}
	}
	for ; x+4 <= n; x += 4 {
		o := x * ld
		r0, r1, r2, r3 := s[o:o+kb], s[o+ld:o+ld+kb], s[o+2*ld:o+2*ld+kb], s[o+3*ld:o+3*ld+kb]
		for l, v := range r0 {
			q := d[l*wd+x : l*wd+x+4 : l*wd+x+4]
			q[0], q[1], q[2], q[3] = v, r1[l], r2[l], r3[l]
		}
	}
	for ; x < n; x++ {
		for l, v := range s[x*ld : x*ld+kb] {
			d[l*wd+x] = v
		}
	}
}

// packRunsGo is packRuns in Go.
func packRunsGo(d []float64, wd int, s []float64, ld, kb int) {
	for l := range kb {
		copy(d[l*wd:l*wd+wd], s[l*ld:l*ld+wd])
	}
}
