package gemm

import "nabla/internal/par"

// How the threads share a product on the assembly GEMM. C is a grid of micro-tiles (mr × nr),
// numbered along its shorter side first (down a column of tiles when C is wider than tall,
// along a row of tiles otherwise), and the numbers are split into one even, contiguous range
// per part: the parts' shares differ by at most one tile even when C has few micro-tile rows
// or columns, where whole rows or columns of tiles would split 7:6. A range is up to three
// rectangles of tiles: the end of one column (row) of tiles, whole ones, the start of another.
// Each thread packs, a k block at a time, the part of op(A) and of op(B) its rectangles need
// into its own buffers: the operand along the shorter side once per k block (all of it, unless
// its range lies within one column or row of tiles), the other in blocks, as the serial product
// does. Packing the shorter side's operand once into a buffer both threads read was measured
// slower: the packed lines then move between the cores' caches on every product.
//
// Every element of C gets the same operations in the same order as on one thread: the k
// blocks in order, each the micro-kernel's FMA chain on the same zero-padded panels, edge tiles
// through the same Go update, because the tiles are the same grid whichever thread computes
// them.

// split computes the product p on the pool's threads (see above). The caller has checked that
// it is large enough to share.
func (m *Multiplier) split(kn *kernel, p product) {
	c := p.c
	m.byCols = c.Cols > c.Rows
	m.units = ((c.Rows + kn.mr - 1) / kn.mr) * ((c.Cols + kn.nr - 1) / kn.nr)
	m.p, m.kn, m.parts = p, kn, min(m.pool.Threads(), m.units)
	m.pool.Run(m.parts, asmTask{m})
	m.p = product{}
}

// asmTask is a Multiplier's assembly product as a par.Task (its Run computes part i).
type asmTask struct{ m *Multiplier }

// Run computes part i of the product: an even share of C's micro-tiles.
func (t asmTask) Run(i int) {
	m := t.m
	lo, hi := par.Span(m.units, m.parts, i)
	m.ws[i].tiles(m.kn, &m.p, m.byCols, lo, hi)
}

// tileRect is a rectangle of micro-tiles: units [c0, c1) of the cut side (C's longer side)
// by units [s0, s1) of the shorter side.
type tileRect struct{ c0, c1, s0, s1 int }

// rects returns the rectangles of the tiles [lo, hi) (lo < hi), numbered along the shorter
// side of S units first, and how many there are (1 to 3).
func rects(lo, hi, S int) ([3]tileRect, int) {
	var r [3]tileRect
	first, last := lo/S, (hi-1)/S
	if first == last {
		r[0] = tileRect{first, first + 1, lo % S, (hi-1)%S + 1}
		return r, 1
	}
	n := 0
	r[n], n = tileRect{first, first + 1, lo % S, S}, n+1
	if first+1 < last {
		r[n], n = tileRect{first + 1, last, 0, S}, n+1
	}
	r[n], n = tileRect{last, last + 1, 0, (hi-1)%S + 1}, n+1
	return r, n
}

// tiles computes the micro-tiles [lo, hi) of C (see split); byCols says whether C's columns
// are the cut side.
func (w *workspace) tiles(kn *kernel, p *product, byCols bool, lo, hi int) {
	if lo >= hi {
		return
	}
	mr, nr, c := kn.mr, kn.nr, p.c
	cw, cext, sw, sext := mr, c.Rows, nr, c.Cols // unit and extent of the cut side, of the shorter side
	blk := mcMax
	if byCols {
		cw, cext, sw, sext, blk = nr, c.Cols, mr, c.Rows, ncMax
	}
	S := (sext + sw - 1) / sw
	rs, n := rects(lo, hi, S)
	cutLo, cutHi := rs[0].c0*cw, min(rs[n-1].c1*cw, cext) // the span of the cut side
	shLo, shHi := rs[0].s0*sw, min(rs[0].s1*sw, sext)     // the span of the shorter side
	if n > 1 {
		shLo, shHi = 0, sext
	}
	nk := (p.k + kcMax - 1) / kcMax
	w.ab = grow(w.ab, mr*nr)
	for q := range nk {
		l0, l1 := par.Span(p.k, nk, q)
		kb := l1 - l0
		beta := p.beta
		if q > 0 {
			beta = 1
		}
		if byCols {
			w.packA(mr, p, shLo, shHi, l0, l1)
		} else {
			w.packB(nr, p, shLo, shHi, l0, l1)
		}
		for b0 := cutLo; b0 < cutHi; b0 += blk {
			b1 := min(b0+blk, cutHi)
			if byCols {
				w.packB(nr, p, b0, b1, l0, l1)
			} else {
				w.packA(mr, p, b0, b1, l0, l1)
			}
			for _, r := range rs[:n] {
				x0, x1 := max(r.c0*cw, b0), min(r.c1*cw, b1) // the rectangle's cut span within the block
				if x0 >= x1 {
					continue
				}
				y0, y1 := r.s0*sw, min(r.s1*sw, sext)
				if byCols {
					macro(kn, kb, p.alpha, beta, c, w.a, shLo, w.b, b0, w.ab, y0, y1, x0, x1)
					continue
				}
				for j0 := y0; j0 < y1; j0 += ncMax { // op(B) a block of columns at a time, as in run
					macro(kn, kb, p.alpha, beta, c, w.a, b0, w.b, shLo, w.ab, x0, x1, j0, min(j0+ncMax, y1))
				}
			}
		}
	}
}
