package nn

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"nabla/internal/par"
	"nabla/internal/vmath"
)

// Batch is a set of N training pairs (x⁽ⁱ⁾, z̄⁽ⁱ⁾), stored as row-major matrices with one pair
// per row: X is N × inputs, Z is N × outputs.
type Batch struct {
	X *mat.Dense
	Z *mat.Dense
}

// NewBatch builds a batch from rows of inputs and targets, copying them. It returns an error
// if the row counts differ or the rows are ragged; it does not know the network, so call
// Network.CheckBatch for the sizes.
func NewBatch(x, z [][]float64) (Batch, error) {
	if len(x) != len(z) {
		return Batch{}, fmt.Errorf("%w: %d inputs but %d targets", ErrShape, len(x), len(z))
	}
	if len(x) == 0 {
		return Batch{}, ErrEmptyBatch
	}
	X, err := denseFromRows("X", x)
	if err != nil {
		return Batch{}, err
	}
	Z, err := denseFromRows("Z", z)
	if err != nil {
		return Batch{}, err
	}
	return Batch{X: X, Z: Z}, nil
}

func denseFromRows(name string, rows [][]float64) (*mat.Dense, error) {
	c := len(rows[0])
	if c == 0 {
		return nil, fmt.Errorf("%w: %s row 1 is empty", ErrShape, name)
	}
	data := make([]float64, 0, len(rows)*c)
	for i, r := range rows {
		if len(r) != c {
			return nil, fmt.Errorf("%w: %s row %d has %d values, row 1 has %d", ErrShape, name, i+1, len(r), c)
		}
		data = append(data, r...)
	}
	return mat.NewDense(len(rows), c, data), nil
}

// Len is the number of training pairs N (0 for a zero Batch).
func (b Batch) Len() int {
	if b.X == nil {
		return 0
	}
	r, _ := b.X.Dims()
	return r
}

// Slice returns the pairs i..j-1 as a batch that shares memory with b.
func (b Batch) Slice(i, j int) Batch {
	_, xc := b.X.Dims()
	_, zc := b.Z.Dims()
	return Batch{X: b.X.Slice(i, j, 0, xc).(*mat.Dense), Z: b.Z.Slice(i, j, 0, zc).(*mat.Dense)}
}

// CheckParams returns an error if A does not have NumParams entries or holds NaN or ±Inf.
func (n *Network) CheckParams(A []float64) error { return n.checkParams(nil, A) }

func (n *Network) checkParams(p *par.Pool, A []float64) error {
	if len(A) != n.nparams {
		return fmt.Errorf("%w: network %s has %d parameters, A has %d", ErrShape, n, n.nparams, len(A))
	}
	if i := firstNonFinite(p, A); i >= 0 {
		return &NonFiniteError{Where: "A", Name: n.ParamName(i), Index: i, Value: A[i]}
	}
	return nil
}

// CheckBatch returns an error if the batch is empty, its sizes do not fit the network, or it
// holds NaN or ±Inf.
func (n *Network) CheckBatch(b Batch) error { return n.checkBatch(nil, b) }

func (n *Network) checkBatch(p *par.Pool, b Batch) error {
	if b.Len() == 0 || b.Z == nil {
		return ErrEmptyBatch
	}
	xr, xc := b.X.Dims()
	zr, zc := b.Z.Dims()
	switch {
	case xr != zr:
		return fmt.Errorf("%w: batch has %d inputs but %d targets", ErrShape, xr, zr)
	case xc != n.Inputs():
		return fmt.Errorf("%w: network %s takes inputs of length %d, batch X rows have %d", ErrShape, n, n.Inputs(), xc)
	case zc != n.Outputs():
		return fmt.Errorf("%w: network %s gives outputs of length %d, batch Z rows have %d", ErrShape, n, n.Outputs(), zc)
	}
	for _, m := range [...]struct {
		name string
		d    *mat.Dense
	}{{"X", b.X}, {"Z", b.Z}} {
		raw := m.d.RawMatrix()
		if raw.Stride == raw.Cols { // contiguous: one scan
			if j := firstNonFinite(p, raw.Data[:raw.Rows*raw.Cols]); j >= 0 {
				return &NonFiniteError{Where: m.name, Name: fmt.Sprintf("[%d,%d]", j/raw.Cols+1, j%raw.Cols+1), Index: j, Value: raw.Data[j]}
			}
			continue
		}
		for i := 0; i < raw.Rows; i++ {
			if j := vmath.FirstNonFinite(raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]); j >= 0 {
				return &NonFiniteError{Where: m.name, Name: fmt.Sprintf("[%d,%d]", i+1, j+1), Index: i*raw.Cols + j, Value: raw.Data[i*raw.Stride+j]}
			}
		}
	}
	return nil
}

// Check combines CheckParams and CheckBatch: the validation every engine runs before it
// computes anything.
func (n *Network) Check(A []float64, b Batch) error { return n.CheckOn(nil, A, b) }

// CheckOn is Check with the scans for NaN and ±Inf split over the threads of p (nil: the
// caller's goroutine), for engines that run on several threads: on a large network the scan
// of A is a noticeable serial part of a gradient. The error is the same as Check's.
func (n *Network) CheckOn(p *par.Pool, A []float64, b Batch) error {
	if err := n.checkParams(p, A); err != nil {
		return err
	}
	return n.checkBatch(p, b)
}

// minScan is the shortest span of a scan for NaN and ±Inf that a thread takes on.
const minScan = 1 << 15

// firstNonFinite is vmath.FirstNonFinite, in spans over the threads of p when x is long.
func firstNonFinite(p *par.Pool, x []float64) int {
	if p.Threads() == 1 || len(x) < 2*minScan {
		return vmath.FirstNonFinite(x)
	}
	s := scans.Get().(*scan)
	s.x = x
	s.first.Store(math.MaxInt64)
	p.Spans(len(x), minScan, s)
	i := s.first.Load()
	s.x = nil
	scans.Put(s)
	if i == math.MaxInt64 {
		return -1
	}
	return int(i)
}

// scan is a parallel firstNonFinite (a par.Spanner): first is the lowest index found so far.
type scan struct {
	x     []float64
	first atomic.Int64
}

var scans = sync.Pool{New: func() any { return new(scan) }}

// Span scans x[lo:hi] and lowers first to its first non-finite entry.
func (s *scan) Span(lo, hi int) {
	j := vmath.FirstNonFinite(s.x[lo:hi])
	if j < 0 {
		return
	}
	for i := int64(lo + j); ; {
		cur := s.first.Load()
		if i >= cur || s.first.CompareAndSwap(cur, i) {
			return
		}
	}
}

// RandomBatch returns a seeded batch of size pairs for the network: inputs uniform in [-1, 1),
// targets uniform in [0, 1). It is the built-in data of nabla compare and the benchmarks.
func (n *Network) RandomBatch(size int, seed uint64) Batch {
	if size < 1 {
		panic(fmt.Sprintf("nn: RandomBatch size %d < 1", size))
	}
	rng := NewRand(seed ^ 0x5eed)
	x := make([]float64, size*n.Inputs())
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	z := make([]float64, size*n.Outputs())
	for i := range z {
		z[i] = rng.Float64()
	}
	return Batch{X: mat.NewDense(size, n.Inputs(), x), Z: mat.NewDense(size, n.Outputs(), z)}
}
