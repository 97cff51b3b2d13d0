package numeric

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/cblas128"

	"nabla/gradients"
	"nabla/internal/par"
	"nabla/nn"
)

// DefaultComplexStep is the complex step's default h. Its truncation error is of order
// h²·|K”'|, and it has no cancellation, so h can be as small as the exponent range allows.
const DefaultComplexStep = 1e-20

// Complex computes ∇K by the complex-step derivative ∂K/∂Aⱼ ≈ Im K(A + ih·eⱼ)/h: K is
// evaluated in complex128 arithmetic at a point moved by an imaginary step, and the imaginary
// part of the result is the derivative times h up to O(h³). No difference of nearly equal
// numbers is formed, so the step can be tiny (1e-20, 1e-200) and the result is accurate to
// rounding. The forward pass in complex arithmetic is Complex's own: each activation's
// analytic continuation (σ(z) = (1 + tanh(z/2))/2, tanh(x+iy) = (tanh x + i tan y)/
// (1 + i tanh x tan y), ReLU(z) = z if Re z > 0 else 0) and the cost: Σ (z − z̄)², squared
// without conjugation so that it stays analytic, or the cross-entropy through a complex
// log-sum-exp shifted by the largest real part.
//
// For Gradient, Complex runs the unperturbed pass once and, for a parameter of layer l, adds
// the imaginary step to the one affected column of layer l's pre-activations (W x + b is
// linear in each weight), recomputes that column's activations, applies the resulting
// rank-one change to layer l+1's pre-activations, and runs the complex pass from there: the
// same complex arithmetic as a full pass, without the products whose operands did not change.
// Gradient splits the parameters among par.Threads() workers (all cores, or nabla's
// --threads), each with its own buffers for the perturbed pass; the result does not depend on
// their number. It allocates nothing after its first call on a batch size and is not safe for
// concurrent use.
type Complex struct {
	net    *nn.Network
	layers []dense // numeric's view of the layers (layersOf)
	step   float64
	a      []complex128 // parameters (with the direction's step for Directional)
	x      []complex128 // the batch's inputs
	z      []float64    // the batch's targets, densely packed
	n      int
	base   []layerBuf // the unperturbed pass
	buf    []complex128
	// workers[i] holds thread i's perturbed pass; workers[0] also serves Partial and
	// Directional.
	workers []*complexWorker
	pool    *par.Pool
	dst     []float64 // the gradient of the Gradient call in progress
	bh      *bicHv    // Hv's state, allocated on its first call (hessian_bicomplex.go)
	dense   bool      // every layer is dense: partial takes the rank-one shortcut
	costs   costFuncs // the cost kind in complex arithmetic (costsFor)
}

// complexWorker is one thread's buffers for the perturbed pass and its count of evaluations.
type complexWorker struct {
	c     *Complex
	work  []layerBuf
	buf   []complex128
	count int
	lp    []complex128 // the perturbed layer's parameters (partialFull)
}

type layerBuf struct{ pre, act cblas128.General }

var (
	_ gradients.Engine      = (*Complex)(nil)
	_ gradients.CostCounter = (*Complex)(nil)
	_ gradients.Directional = (*Complex)(nil)
)

// NewComplex prepares a complex-step engine for the network. Step 0 means
// DefaultComplexStep; a negative, NaN or infinite step is an error wrapping ErrFormula.
func NewComplex(net *nn.Network, step float64) (*Complex, error) {
	if math.IsNaN(step) || math.IsInf(step, 0) || step < 0 {
		return nil, fmt.Errorf("%w: complex step %v is not a positive number", ErrFormula, step)
	}
	return newComplex(net, step, 0)
}

// newComplex is NewComplex with a number of threads (0: par.Threads()).
func newComplex(net *nn.Network, step float64, threads int) (*Complex, error) {
	if step == 0 {
		step = DefaultComplexStep
	}
	layers, err := layersOf(net)
	if err != nil {
		return nil, err
	}
	costs, err := costsFor(net.CostKind())
	if err != nil {
		return nil, err
	}
	c := &Complex{net: net, layers: layers, step: step, costs: costs, a: make([]complex128, net.NumParams()), base: make([]layerBuf, net.NumLayers()), dense: true}
	for _, d := range layers {
		c.dense = c.dense && d.cpass == nil
	}
	threads = min(par.Resolve(threads), max(1, net.NumParams()))
	c.pool = par.NewPool(threads)
	c.workers = make([]*complexWorker, threads)
	for i := range c.workers {
		c.workers[i] = &complexWorker{c: c, work: make([]layerBuf, net.NumLayers())}
	}
	return c, nil
}

// Name returns "numeric-complex".
func (c *Complex) Name() string { return "numeric-complex" }

// Step returns the imaginary step h.
func (c *Complex) Step() float64 { return c.step }

// CostEvaluations returns n+1: one complex evaluation of K per parameter (most of them
// starting at the parameter's layer) and one at A.
func (c *Complex) CostEvaluations() int { return c.net.NumParams() + 1 }

// Gradient writes the complex-step gradient into dst (allocated if nil; otherwise it must
// have length NumParams, or Gradient panics) and returns it with K(A).
func (c *Complex) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("numeric", dst, c.net.NumParams())
	if err := c.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	k := c.begin(A, b)
	c.dst = dst
	c.pool.Run(len(c.workers), c)
	c.dst = nil
	return dst, k, nil
}

// Run computes worker i's range of partial derivatives (par.Task).
func (c *Complex) Run(i int) {
	w := c.workers[i]
	lo, hi := par.Span(len(c.dst), len(c.workers), i)
	for j := lo; j < hi; j++ {
		c.dst[j] = w.partial(j)
	}
}

// calls returns the evaluations of K all workers have made.
func (c *Complex) calls() int {
	n := 0
	for _, w := range c.workers {
		n += w.count
	}
	return n
}

// Partial returns the complex-step ∂K/∂Aⱼ at A on the batch. It returns an error for invalid
// A or batch and for j out of range.
func (c *Complex) Partial(A []float64, b nn.Batch, j int) (float64, error) {
	if err := c.net.Check(A, b); err != nil {
		return 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	if j < 0 || j >= len(A) {
		return 0, fmt.Errorf("numeric: %w: parameter index %d out of range [0,%d)", nn.ErrShape, j, len(A))
	}
	c.begin(A, b)
	return c.workers[0].partial(j), nil
}

// Directional returns K(A) and ∇K(A)·v ≈ Im K(A + ih·v/max|vᵢ|)·max|vᵢ|/h with one complex
// evaluation of K besides the real one. v must have length NumParams and be finite.
func (c *Complex) Directional(A, v []float64, b nn.Batch) (k, dk float64, err error) {
	if err := c.net.Check(A, b); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	vmax, err := checkDirection(v, len(A))
	if err != nil {
		return 0, 0, err
	}
	k = c.begin(A, b)
	if vmax == 0 {
		return k, 0, nil
	}
	t := c.step / vmax
	for i, x := range A {
		c.a[i] = complex(x, t*v[i])
	}
	w := c.workers[0]
	in := cblas128.General{Rows: c.n, Cols: c.net.Inputs(), Stride: c.net.Inputs(), Data: c.x}
	for l := range c.net.Layers() {
		c.forward(l, in, w.work)
		in = w.work[l].act
	}
	kc := w.cost(in)
	for i, x := range A {
		c.a[i] = complex(x, 0)
	}
	return k, imag(kc) / t, nil
}

// begin loads A and the batch, runs the unperturbed pass into base and returns K(A).
func (c *Complex) begin(A []float64, b nn.Batch) float64 {
	for i, x := range A {
		c.a[i] = complex(x, 0)
	}
	X, Z := b.X.RawMatrix(), b.Z.RawMatrix()
	n := X.Rows
	if cap(c.x) < n*X.Cols {
		c.x = make([]complex128, n*X.Cols)
	}
	c.x = c.x[:n*X.Cols]
	for i := range n {
		for j, v := range X.Data[i*X.Stride : i*X.Stride+X.Cols] {
			c.x[i*X.Cols+j] = complex(v, 0)
		}
	}
	if cap(c.z) < n*Z.Cols {
		c.z = make([]float64, n*Z.Cols)
	}
	c.z = c.z[:n*Z.Cols]
	for i := range n {
		copy(c.z[i*Z.Cols:(i+1)*Z.Cols], Z.Data[i*Z.Stride:i*Z.Stride+Z.Cols])
	}
	if n != c.n {
		c.size(n)
	}
	in := cblas128.General{Rows: n, Cols: c.net.Inputs(), Stride: c.net.Inputs(), Data: c.x}
	for l := range c.net.Layers() {
		c.forward(l, in, c.base)
		in = c.base[l].act
	}
	return real(c.workers[0].cost(in))
}

func (c *Complex) size(n int) {
	c.buf = layerBufs(c.base, c.buf, c.net, n)
	for _, w := range c.workers {
		w.buf = layerBufs(w.work, w.buf, c.net, n)
	}
	c.n = n
}

// layerBufs points bufs at pre-activation and activation matrices for n rows in storage
// (grown if needed), and returns the storage.
func layerBufs(bufs []layerBuf, storage []complex128, net *nn.Network, n int) []complex128 {
	total := 0
	for _, l := range net.Layers() {
		total += 2 * n * l.Outputs()
	}
	if cap(storage) < total {
		storage = make([]complex128, total)
	}
	buf := storage[:total]
	for l, layer := range net.Layers() {
		k, cols := n*layer.Outputs(), layer.Outputs()
		bufs[l] = layerBuf{
			cblas128.General{Rows: n, Cols: cols, Stride: cols, Data: buf[:k:k]},
			cblas128.General{Rows: n, Cols: cols, Stride: cols, Data: buf[k : 2*k : 2*k]},
		}
		buf = buf[2*k:]
	}
	return storage
}

// affine sets pre = in·Wᵀ + 1·bᵀ with layer l's complex parameters.
func (c *Complex) affine(pre, in cblas128.General, l int) {
	affine(c.layers[l], c.a, in, pre)
}

// affine sets pre = in·Wᵀ + 1·bᵀ with the dense layer's complex parameters within a.
func affine(d dense, a []complex128, in, pre cblas128.General) {
	w, bias := weights(d, a)
	for i := 0; i < pre.Rows; i++ {
		copy(pre.Data[i*pre.Stride:i*pre.Stride+d.Out], bias)
	}
	W := cblas128.General{Rows: d.Out, Cols: d.In, Stride: d.In, Data: w}
	cblas128.Gemm(blas.NoTrans, blas.Trans, 1, in, W, 1, pre)
}

// activate sets bufs[l].act = σ(bufs[l].pre).
func (c *Complex) activate(l int, bufs []layerBuf) {
	act := c.layers[l].Act
	dst := bufs[l].act.Data
	for i, z := range bufs[l].pre.Data {
		dst[i] = complexAct(act, z)
	}
}

// complexAct is the analytic continuation of an activation, accurate for small imaginary
// parts and without overflow for large real parts.
func complexAct(a nn.Activation, z complex128) complex128 {
	switch a {
	case nn.Sigmoid:
		return complexSigmoid(z)
	case nn.Tanh:
		return complexTanh(z)
	case nn.ReLU:
		if real(z) > 0 {
			return z
		}
		return 0
	case nn.Identity:
		return z
	}
	panic("numeric: unknown activation " + a.String())
}

// complexTanh is tanh(x+iy) = (tanh x + i tan y)/(1 + i tanh x tan y)
// = (t(1+u²) + i u(1−t²))/(1 + t²u²) with t = tanh x, u = tan y, which, unlike the sinh/cosh
// form, does not overflow for large |x|. 1 − t² is computed as sech² x, so that the imaginary
// part (the derivative) keeps its relative accuracy where tanh saturates.
func complexTanh(z complex128) complex128 {
	x, y := real(z), imag(z)
	t, u := math.Tanh(x), math.Tan(y)
	if u == 0 {
		return complex(t, 0)
	}
	s := 1 / math.Cosh(x)
	d := 1 + t*t*u*u
	return complex(t*(1+u*u)/d, u*s*s/d)
}

// complexSigmoid is σ(z) = (1 + tanh(z/2))/2 with t = tanh(x/2), u = tan(y/2):
// Re σ = σ(x)(1 + t·u²)/(1 + t²u²) (using 1 + t = 2σ(x), accurate where σ(x) is tiny) and
// Im σ = u·sech²(x/2)/(2(1 + t²u²)).
func complexSigmoid(z complex128) complex128 {
	x, y := real(z), imag(z)
	sx := nn.SigmoidF(x)
	u := math.Tan(y / 2)
	if u == 0 {
		return complex(sx, 0)
	}
	t := math.Tanh(x / 2)
	s := 1 / math.Cosh(x/2)
	d := 1 + t*t*u*u
	return complex(sx*(1+t*u*u)/d, u*s*s/(2*d))
}

// cost returns K over the output in complex arithmetic: Σ (z − z̄)² without conjugation, or
// the cross-entropy through a complex log-sum-exp (see costsFor).
func (w *complexWorker) cost(out cblas128.General) complex128 {
	c := w.c
	w.count++
	var k complex128
	m := out.Cols
	for i := range out.Rows {
		k = c.costs.c128(k, out.Data[i*out.Stride:i*out.Stride+m], c.z[i*m:(i+1)*m])
	}
	return k
}

// partial returns Im K(A + ih·eⱼ)/h, starting from the unperturbed pass at j's layer.
func (w *complexWorker) partial(j int) float64 {
	c := w.c
	blk, k := c.net.BlockOf(j)
	l := blk.Layer
	if !c.dense {
		return w.partialFull(j, l)
	}
	d := c.layers[l]
	act := d.Act
	// Layer l: only pre-activation column r moves, by ih (bias b[r]) or ih·in[s] (weight
	// W[r,s]); so only activation column r changes.
	r, s := k, -1
	if blk.Kind == nn.Weight {
		r, s = k/d.In, k%d.In
	}
	in := cblas128.General{Rows: c.n, Cols: c.net.Inputs(), Stride: c.net.Inputs(), Data: c.x}
	if l > 0 {
		in = c.base[l-1].act
	}
	ih := complex(0, c.step)
	out := w.work[l].act
	copy(out.Data, c.base[l].act.Data)
	pre := c.base[l].pre
	for i := 0; i < c.n; i++ {
		z := pre.Data[i*pre.Stride+r]
		if s < 0 {
			z += ih
		} else {
			z += ih * in.Data[i*in.Stride+s]
		}
		out.Data[i*out.Stride+r] = complexAct(act, z)
	}
	m := l + 1
	if m < c.net.NumLayers() {
		// Layer l+1: a rank-one change, pre = base pre + (act[:,r] − base act[:,r]) W[:,r]ᵀ.
		next := c.layers[m]
		wm, _ := weights(next, c.a)
		npre, base := w.work[m].pre, c.base[l].act
		copy(npre.Data, c.base[m].pre.Data)
		for i := 0; i < c.n; i++ {
			delta := out.Data[i*out.Stride+r] - base.Data[i*base.Stride+r]
			if delta == 0 {
				continue
			}
			row := npre.Data[i*npre.Stride : i*npre.Stride+next.Out]
			for o := range row {
				row[o] += delta * wm[o*next.In+r]
			}
		}
		c.activate(m, w.work)
		out = w.work[m].act
		for m++; m < c.net.NumLayers(); m++ {
			c.affine(w.work[m].pre, out, m)
			c.activate(m, w.work)
			out = w.work[m].act
		}
	}
	return imag(w.cost(out)) / c.step
}
