package symbolic

import (
	"fmt"
	"sync"

	"nabla/gradients"
	"nabla/nn"
)

func init() {
	gradients.Register(gradients.Info{
		Name:          "symbolic",
		Description:   "symbolic differentiation: the cost as an interned expression DAG, differentiated by reverse accumulation, compiled to a straight-line program evaluated over the batch",
		Exact:         true,
		Tolerance:     1e-12,
		HvTolerance:   1e-11,
		SupportsLayer: supportsLayer,
		New:           func(net *nn.Network) (gradients.Engine, error) { return New(net) },
	})
}

// Engine is the gradient engine "symbolic": it evaluates the compiled cost-and-gradient
// program of its network over each batch and sums over the training pairs, the row groups of
// a batch shared among par.Threads() threads (all cores, or nabla's --threads) with the same
// result for any number (BatchProgram.SetThreads).
type Engine struct {
	net  *nn.Network
	bp   *BatchProgram
	data []float64 // the batch, structure-of-arrays: inputs then targets, variable by variable
	out  []float64 // K, then ∇K
	hv   *hvState  // the H·v program, made on the first Hv call
}

var _ gradients.Engine = (*Engine)(nil)

// progCache holds a compiled batch program per architecture and cost kind, so that preparing a second
// engine for the same architecture does not derive and compile again.
type progCache struct {
	sync.Mutex
	progs map[string]*BatchProgram
}

// cache holds the cost-and-gradient programs.
var cache progCache

const cacheSize = 16

// get returns the cached program for net, building and caching it when there is none.
func (c *progCache) get(net *nn.Network, build func() (*BatchProgram, error)) (*BatchProgram, error) {
	key := net.String() + " " + net.CostKind().String()
	c.Lock()
	tmpl := c.progs[key]
	c.Unlock()
	if tmpl != nil {
		return tmpl, nil
	}
	tmpl, err := build()
	if err != nil {
		return nil, err
	}
	c.Lock()
	if len(c.progs) >= cacheSize || c.progs == nil {
		c.progs = make(map[string]*BatchProgram)
	}
	c.progs[key] = tmpl
	c.Unlock()
	return tmpl, nil
}

// New derives and compiles the gradient of net's cost (DeriveNetwork), once per architecture,
// and returns an engine for it. A layer kind symbolic does not handle is an error wrapping
// gradients.ErrUnsupported.
func New(net *nn.Network) (*Engine, error) {
	tmpl, err := cache.get(net, func() (*BatchProgram, error) {
		d, err := DeriveNetwork(net)
		if err != nil {
			return nil, err
		}
		return d.BatchProgram()
	})
	if err != nil {
		return nil, err
	}
	e := &Engine{net: net, bp: tmpl.Clone(), out: make([]float64, 1+net.NumParams())}
	e.bp.SetThreads(0)
	return e, nil
}

// Name returns "symbolic".
func (e *Engine) Name() string { return "symbolic" }

// Gradient writes ∇K into dst and returns it with K (see gradients.Engine).
func (e *Engine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	if err := e.net.CheckOn(e.bp.pool, A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	dst = gradients.CheckDst("symbolic", dst, e.net.NumParams())
	if b.Len() == 1 && e.bp.shift1 == 1 { // K apart, ∇K straight into dst
		return dst, e.bp.sum1(dst, A, e.batchData(b)), nil
	}
	e.bp.Sum(e.out, A, e.batchData(b), b.Len())
	copy(dst, e.out[1:])
	return dst, e.out[0], nil
}

// batchData lays the batch out structure-of-arrays in the engine's buffer, inputs then
// targets, variable by variable, as the batch programs read it.
func (e *Engine) batchData(b nn.Batch) []float64 {
	n := b.Len()
	nin, nout := e.net.Inputs(), e.net.Outputs()
	if need := n * (nin + nout); cap(e.data) < need {
		e.data = make([]float64, need)
	}
	e.data = e.data[:n*(nin+nout)]
	transpose(e.data[:n*nin], b.X.RawMatrix().Data, b.X.RawMatrix().Stride, n, nin)
	transpose(e.data[n*nin:], b.Z.RawMatrix().Data, b.Z.RawMatrix().Stride, n, nout)
	return e.data
}

// transpose writes the n×c row-major matrix src (row stride stride) column by column into dst.
func transpose(dst, src []float64, stride, n, c int) {
	if n == 1 {
		copy(dst, src[:c])
		return
	}
	for i := 0; i < n; i++ {
		row := src[i*stride : i*stride+c]
		for j, v := range row {
			dst[j*n+i] = v
		}
	}
}

// Clone returns a copy of bp with its own buffers, for another goroutine or engine.
func (bp *BatchProgram) Clone() *BatchProgram {
	q := *bp
	q.u = append([]float64(nil), bp.u...)
	q.flat = make([]float64, len(bp.flat))
	q.pool, q.task = nil, nil
	q.allocVecs()
	return &q
}
