package nn

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
)

// Kink is a kind of point at which K is not differentiable. Each layer says which kind it
// has (Layer.Kink); the places where K is not smooth are found by asking the layers (Piece,
// Nearest, KinkProbe), never by looking at concrete layer types.
type Kink int

const (
	// Smooth means no non-smooth point: the layer is differentiable everywhere.
	Smooth Kink = iota
	// ReLUZero is a ReLU pre-activation at 0, where ReLU' jumps from 0 to 1.
	ReLUZero
	// MaxTie is a max-pooling window whose two largest entries are equal, where the
	// derivative jumps from one entry to the other.
	MaxTie
)

var kinkNames = [...]string{Smooth: "smooth", ReLUZero: "ReLU at 0", MaxTie: "max-pool tie"}

// String names the kind ("smooth", "ReLU at 0").
func (k Kink) String() string {
	if k < 0 || int(k) >= len(kinkNames) {
		return fmt.Sprintf("Kink(%d)", int(k))
	}
	return kinkNames[k]
}

// Kink returns ReLUZero for ReLU and Smooth for the other activations.
func (a Activation) Kink() Kink {
	if a == ReLU {
		return ReLUZero
	}
	return Smooth
}

// Smooth reports whether no layer of the network has a non-smooth point, so that K is
// differentiable everywhere.
func (n *Network) Smooth() bool {
	for _, l := range n.layers {
		if l.Kink() != Smooth {
			return false
		}
	}
	return true
}

// Piece records on which smooth piece of K one forward pass lies: for every layer with
// non-smooth points, every training pair and every such unit, the side it lies on (see
// Layer.Sides), in layer order. Two forward passes on the same batch lie on the same piece,
// where K is one smooth function, exactly when their Pieces are equal; a difference quotient
// whose points do not all lie on one piece is no derivative.
type Piece []int32

// Piece appends the piece of the last Forward (or Cost) call to dst and returns it. It
// allocates only when dst is too short; a smooth network gives an empty Piece.
func (e *Evaluator) Piece(dst Piece) Piece {
	for l, layer := range e.net.layers {
		if layer.Kink() != Smooth {
			dst = layer.Sides(dst, e.input(l), e.pre[l])
		}
	}
	return dst
}

// OnPiece reports whether the last Forward (or Cost) call lies on the piece p, recorded with
// Piece on the same batch. It allocates nothing once it has seen the batch size.
func (e *Evaluator) OnPiece(p Piece) bool {
	e.cur = e.Piece(e.cur[:0])
	return slices.Equal(e.cur, p)
}

// input is layer l's input in the last Forward call.
func (e *Evaluator) input(l int) blas64.General {
	if l == 0 {
		return e.x
	}
	return e.act[l-1]
}

// KinkPoint locates the non-smooth point of K nearest to a forward pass.
type KinkPoint struct {
	Kind     Kink    // Smooth when the network has no non-smooth point
	Layer    int     // 0-based layer
	Pair     int     // 0-based training pair
	Unit     int     // 0-based unit within the layer's output for that pair
	Distance float64 // how far the unit is from its non-smooth point (+Inf for a smooth network)
}

// String writes the point as "ReLU at 0: layer 2, pair 5, unit 3, distance 0.0012" (1-based).
func (p KinkPoint) String() string {
	if p.Kind == Smooth {
		return "smooth"
	}
	return fmt.Sprintf("%v: layer %d, pair %d, unit %d, distance %.3g", p.Kind, p.Layer+1, p.Pair+1, p.Unit+1, p.Distance)
}

// Nearest returns the non-smooth point nearest to the last Forward (or Cost) call over every
// layer (see Layer.Nearest).
func (e *Evaluator) Nearest() KinkPoint {
	best := KinkPoint{Distance: math.Inf(1)}
	for l, layer := range e.net.layers {
		if layer.Kink() == Smooth {
			continue
		}
		pair, unit, d := layer.Nearest(e.input(l), e.pre[l])
		if best.Kind == Smooth || d < best.Distance {
			best = KinkPoint{Kind: layer.Kink(), Layer: l, Pair: pair, Unit: unit, Distance: d}
		}
	}
	return best
}

// KinkProbe answers "does moving A by this step cross a point where K is not smooth?" for
// one network, parameters and batch: it records the piece at A (Reset) and compares the piece
// at each moved point with it. Only the points themselves are compared: a move that crosses
// a non-smooth point and crosses back is not seen (it cannot happen for a parameter of the
// first layer, whose pre-activations are linear in it). A KinkProbe keeps its buffers between
// calls and is not safe for concurrent use.
type KinkProbe struct {
	net    *Network
	ev     *Evaluator
	orig   []float64 // the caller's A, read only
	a      []float64 // private copy, moved
	b      Batch
	base   Piece
	near   KinkPoint
	smooth bool
}

// NewKinkProbe returns a probe for the network. Call Reset before asking it.
func NewKinkProbe(net *Network) *KinkProbe {
	return &KinkProbe{net: net, ev: NewEvaluator(net), a: make([]float64, net.nparams), smooth: net.Smooth()}
}

// Reset records the piece of K at A on the batch (one forward pass; none for a smooth
// network) and returns the probe. A and b must be valid for the network (see Network.Check);
// the probe keeps them, never modifies them, and they must not change while it is used.
func (p *KinkProbe) Reset(A []float64, b Batch) *KinkProbe {
	if len(A) != p.net.nparams {
		panic(fmt.Sprintf("nn: KinkProbe.Reset: len(A) = %d, want %d", len(A), p.net.nparams))
	}
	p.orig, p.b = A, b
	copy(p.a, A)
	p.near = KinkPoint{Distance: math.Inf(1)}
	if p.smooth {
		p.base = p.base[:0]
		return p
	}
	p.ev.Forward(A, b.X)
	p.base = p.ev.Piece(p.base[:0])
	p.near = p.ev.Nearest()
	return p
}

// Nearest returns the non-smooth point nearest to A (see Evaluator.Nearest).
func (p *KinkProbe) Nearest() KinkPoint { return p.near }

// Crosses reports whether A + s·eᵢ lies on another piece of K than A for some s in steps
// (absolute steps, as a stencil takes them: a central difference with step h asks for h and
// −h). It is false for a smooth network, without a forward pass.
func (p *KinkProbe) Crosses(i int, steps ...float64) bool {
	if p.smooth {
		return false
	}
	defer func() { p.a[i] = p.orig[i] }()
	for _, s := range steps {
		p.a[i] = p.orig[i] + s
		if p.off() {
			return true
		}
	}
	return false
}

// CrossesAlong reports whether A + s·v lies on another piece of K than A for some s in steps.
// v must have length NumParams.
func (p *KinkProbe) CrossesAlong(v []float64, steps ...float64) bool {
	if p.smooth {
		return false
	}
	if len(v) != len(p.a) {
		panic(fmt.Sprintf("nn: KinkProbe.CrossesAlong: len(v) = %d, want %d", len(v), len(p.a)))
	}
	defer copy(p.a, p.orig)
	for _, s := range steps {
		for i, x := range p.orig {
			p.a[i] = x + s*v[i]
		}
		if p.off() {
			return true
		}
	}
	return false
}

// CrossesAt reports whether the parameters a lie on another piece of K than A.
func (p *KinkProbe) CrossesAt(a []float64) bool {
	if p.smooth {
		return false
	}
	p.ev.Forward(a, p.b.X)
	return !p.ev.OnPiece(p.base)
}

// off evaluates the forward pass at the moved copy and reports whether it left A's piece.
func (p *KinkProbe) off() bool {
	p.ev.Forward(p.a, p.b.X)
	return !p.ev.OnPiece(p.base)
}
