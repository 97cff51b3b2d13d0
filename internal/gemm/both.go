package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Product is the arguments of one Gemm call: C = Alpha·op(A)·op(B) + Beta·C.
type Product struct {
	TA, TB      blas.Transpose
	Alpha, Beta float64
	A, B, C     blas64.General
}

// Both computes two independent products, as Gemm(x) then Gemm(y) would and with the same
// bits: neither C may overlap the other product's C or operands. On a Multiplier of two
// threads it may compute them at once, each on one thread (see pairable), which spares each
// product the packing that both threads do when they share it.
func (m *Multiplier) Both(x, y Product) {
	if kn := m.pairable(&x, &y); kn != nil {
		m.pair = [2]product{m.prep(x), m.prep(y)}
		m.kn = kn
		m.pool.Run(2, bothTask{m})
		m.pair = [2]product{}
		return
	}
	m.Gemm(x.TA, x.TB, x.Alpha, x.A, x.B, x.Beta, x.C)
	m.Gemm(y.TA, y.TB, y.Alpha, y.A, y.B, y.Beta, y.C)
}

// minPair is the most by which the multiply-adds of two products computed at once by Both may
// differ, as a factor: the thread with the smaller one waits for the other.
const minPair = 1.5

// maxPairData is the most entries (A, B and C together) of a product that Both computes on one
// thread: beyond about a core's L2 cache (2 MiB here, half of it for these), one thread
// streaming a whole product was measured slower than two sharing it (the dense layer 2880-100
// of lenet1 at batch 100: 4% slower gradients), while the ∂W and ∂x of 784-300-100-10's
// second layer at batch 100 (70·10³ entries each) were faster at once.
const maxPairData = 1 << 17

// pairable returns the micro-kernel when Both computes x and y at once: on exactly two
// threads, both products on the assembly GEMM, large enough to be shared (minSplit) and small
// enough for one thread (maxPairData), their sizes within a factor minPair. It returns nil
// otherwise.
func (m *Multiplier) pairable(x, y *Product) *kernel {
	if m == nil || m.pool.Threads() != 2 {
		return nil
	}
	sx, kx := size(x)
	sy, ky := size(y)
	if sx < minSplit || sy < minSplit || float64(max(sx, sy)) > minPair*float64(min(sx, sy)) {
		return nil
	}
	if data(x, kx) > maxPairData || data(y, ky) > maxPairData {
		return nil
	}
	kn := m.kernel(x.C.Rows, x.C.Cols, kx)
	if kn == nil || m.kernel(y.C.Rows, y.C.Cols, ky) != kn || x.Alpha == 0 || y.Alpha == 0 {
		return nil
	}
	return kn
}

// size returns the multiply-adds of the product and its k.
func size(p *Product) (macs, k int) {
	k = p.A.Cols
	if p.TA == blas.Trans {
		k = p.A.Rows
	}
	return p.C.Rows * p.C.Cols * k, k
}

// data returns the entries of the product's A, B and C (k its inner dimension).
func data(p *Product, k int) int { return (p.C.Rows+p.C.Cols)*k + p.C.Rows*p.C.Cols }

// prep returns the product as asm takes it, its shapes checked.
func (m *Multiplier) prep(x Product) product {
	_, k := size(&x)
	p := product{tA: x.TA, tB: x.TB, alpha: x.Alpha, beta: x.Beta, a: x.A, b: x.B, c: x.C, k: k}
	checkShapes(&p)
	return p
}

// bothTask is Both's two products as a par.Task: part i computes product i whole, on thread
// workspace i, as one thread computes it.
type bothTask struct{ m *Multiplier }

func (t bothTask) Run(i int) {
	p := &t.m.pair[i]
	t.m.ws[i].run(t.m.kn, p, 0, p.c.Rows, 0, p.c.Cols)
}
