package autodiff

import (
	"fmt"
	"math"

	"nabla/gradients"
	"nabla/nn"
)

func init() {
	gradients.Register(gradients.Info{
		Name:          "autodiff-reverse",
		Description:   "reverse-mode automatic differentiation: a tape of tensor operations, one backward sweep",
		Exact:         true,
		Tolerance:     1e-12,
		SupportsLayer: supportsLayer,
		New:           func(net *nn.Network) (gradients.Engine, error) { return NewReverse(net) },
	})
	gradients.Register(gradients.Info{
		Name:          "autodiff-forward",
		Description:   "forward-mode automatic differentiation: dual-number tensors, one pass per parameter",
		Exact:         true,
		Tolerance:     1e-12,
		SupportsLayer: supportsLayer,
		New:           func(net *nn.Network) (gradients.Engine, error) { return NewForward(net) },
	})
}

var (
	_ gradients.Engine      = (*Reverse)(nil)
	_ gradients.Engine      = (*Forward)(nil)
	_ gradients.Directional = (*Forward)(nil)
	_ gradients.CostCounter = (*Forward)(nil)
)

// Reverse is the engine "autodiff-reverse": it records the cost on a tape and computes ∇K in
// one backward sweep, at a small constant multiple of the cost of evaluating K. It keeps its
// tape and buffers, so after the first call on a batch size Gradient allocates nothing. A
// Reverse is not safe for concurrent use.
type Reverse struct {
	cost *netCost
}

// NewReverse prepares a reverse-mode engine for the network. It returns an error wrapping
// gradients.ErrUnsupported for layer kinds it cannot write.
func NewReverse(net *nn.Network) (*Reverse, error) {
	c, err := newNetCost(net)
	if err != nil {
		return nil, err
	}
	return &Reverse{cost: c}, nil
}

// Name returns "autodiff-reverse".
func (*Reverse) Name() string { return "autodiff-reverse" }

// Gradient writes ∇K(A) on the batch into dst (allocated when nil) and returns it with K.
func (e *Reverse) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	net := e.cost.net
	dst = gradients.CheckDst("autodiff", dst, net.NumParams())
	if err := net.CheckOn(e.cost.tape.ew, A, b); err != nil {
		return nil, 0, fmt.Errorf("autodiff-reverse: %w", err)
	}
	k := e.cost.record(A, b, nil)
	for i, blk := range e.cost.blocks { // the adjoints of W and b land in dst directly
		e.cost.params[i].gext = dst[blk[0]:blk[1]:blk[1]]
	}
	e.cost.tape.Backward(k)
	return dst, k.Scalar(), nil
}

// Forward is the engine "autodiff-forward": every tensor carries a tangent next to its value
// (dual numbers), so one pass gives the directional derivative ∇K·v, and the full gradient
// takes one tangent pass per parameter (seeded with the unit vector eᵢ) — the other end of the
// cost trade-off from Reverse. A Forward is not safe for concurrent use.
type Forward struct {
	cost *netCost
	unit []float64 // eᵢ, all zero between calls
}

// NewForward prepares a forward-mode engine for the network. It returns an error wrapping
// gradients.ErrUnsupported for layer kinds it cannot write.
func NewForward(net *nn.Network) (*Forward, error) {
	c, err := newNetCost(net)
	if err != nil {
		return nil, err
	}
	return &Forward{cost: c, unit: make([]float64, net.NumParams())}, nil
}

// Name returns "autodiff-forward".
func (*Forward) Name() string { return "autodiff-forward" }

// Directional returns K and ∇K(A)·v in one forward pass with dual numbers. v must have length
// NumParams and be finite; otherwise the error wraps nn.ErrShape or nn.ErrNonFinite.
func (e *Forward) Directional(A, v []float64, b nn.Batch) (k, dk float64, err error) {
	net := e.cost.net
	if err := net.Check(A, b); err != nil {
		return 0, 0, fmt.Errorf("autodiff-forward: %w", err)
	}
	if len(v) != net.NumParams() {
		return 0, 0, fmt.Errorf("autodiff-forward: %w: direction has %d entries, network %s has %d parameters", nn.ErrShape, len(v), net, net.NumParams())
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, fmt.Errorf("autodiff-forward: direction: %w", &nn.NonFiniteError{Where: "v", Name: net.ParamName(i), Index: i, Value: x})
		}
	}
	K := e.cost.record(A, b, v)
	return K.Scalar(), tangentOf(K), nil
}

// CostEvaluations returns NumParams + 1: a full gradient records K once and then makes one
// tangent sweep per parameter, each costing about one forward evaluation of K (layers before
// the parameter's own are skipped). Benchmarks use it to estimate the time of a gradient
// before running one.
func (e *Forward) CostEvaluations() int { return e.cost.net.NumParams() + 1 }

// Gradient writes ∇K(A) on the batch into dst (allocated when nil) and returns it with K. It
// records the cost once and then sweeps the tangents once per parameter i with direction eᵢ;
// layers before the parameter's own carry no tangent and are skipped.
func (e *Forward) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	net := e.cost.net
	dst = gradients.CheckDst("autodiff", dst, net.NumParams())
	if err := net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("autodiff-forward: %w", err)
	}
	K := e.cost.record(A, b, nil)
	t := &e.cost.tape
	for p, blk := range net.Blocks() {
		seed := e.cost.params[p]
		u := e.unit[blk.Offset : blk.Offset+blk.Len()]
		seed.SetTangent(u)
		for i := range u {
			u[i] = 1
			t.Tangents()
			dst[blk.Offset+i] = tangentOf(K)
			u[i] = 0
		}
		seed.SetTangent(nil)
	}
	return dst, K.Scalar(), nil
}

// tangentOf returns the tangent of a 1×1 tensor, 0 when it carries none.
func tangentOf(k *Tensor) float64 {
	if d := k.Tangent(); d != nil {
		return d[0]
	}
	return 0
}
