package nn

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/gemm"
)

// Shape is the shape of the data a layer takes or gives for one training pair: C channels of
// H × W values, stored channel by channel, row-major within a channel. A vector of n values is
// n × 1 × 1.
type Shape struct {
	C, H, W int
}

// Vec returns the shape of a vector of n values, n × 1 × 1.
func Vec(n int) Shape { return Shape{C: n, H: 1, W: 1} }

// Len is the number of values, C·H·W.
func (s Shape) Len() int { return s.C * s.H * s.W }

// IsVec reports whether the shape is a vector (H = W = 1).
func (s Shape) IsVec() bool { return s.H == 1 && s.W == 1 }

// String writes a vector as its length ("30") and other shapes as "C×H×W" ("1×28×28").
func (s Shape) String() string {
	if s.IsVec() {
		return strconv.Itoa(s.C)
	}
	return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W)
}

// ParamKind says what a parameter block is for, which decides how Init draws it.
type ParamKind int

const (
	// Weight is a block of weights (a matrix, a convolution kernel): Init draws it from
	// N(0, 1/fan-in), with the layer's FanIn.
	Weight ParamKind = iota
	// Bias is a block of biases: Init draws it from N(0, 1).
	Bias
)

// Param describes one parameter block of a layer, before the network places it in A.
type Param struct {
	// Name is the block's letter(s); the network appends the 1-based layer number ("W" of
	// layer 2 becomes "W2").
	Name string
	// Dims is the block's shape, any rank, row-major in A: [Out, In] for a dense weight
	// matrix, [Out] for a bias vector.
	Dims []int
	// Kind is Weight or Bias.
	Kind ParamKind
}

// FLOPs counts the floating-point operations of one layer for one training pair. Products
// and bias additions count (a multiply and an add per weight use); activations, comparisons
// and the cost do not.
type FLOPs struct {
	Forward   float64 // the forward pass: pre-activations from the input
	ParamGrad float64 // ∂K with respect to the layer's parameters, given ∂K/∂(pre-activation)
	InputGrad float64 // ∂K propagated back to the layer's input (not needed for the first layer)
}

// Layer is one layer of a network, and describes itself: the shapes it takes and gives, its
// parameter blocks, its activation, the fan-in Init uses, its operation counts, and the
// points where its output is not a differentiable function of its input and parameters.
// Everything generic over layers asks these methods; only the forward pass of each engine
// switches on the concrete type. The set of kinds is closed (Dense now; convolution and
// pooling next): engines report gradients.ErrUnsupported for kinds they do not know.
type Layer interface {
	// InShape is the shape of the layer's input for one training pair.
	InShape() Shape
	// OutShape is the shape of the layer's output for one training pair.
	OutShape() Shape
	// Inputs is InShape().Len(), the length of the layer's input.
	Inputs() int
	// Outputs is OutShape().Len(), the length of the layer's output.
	Outputs() int
	// Params describes the layer's parameter blocks in their order in A (none for a layer
	// without parameters). The slice is new on every call.
	Params() []Param
	// NumParams is the number of entries the layer occupies in A, the sum of its blocks.
	NumParams() int
	// Activation is the activation σ applied to the layer's pre-activations (Identity for a
	// layer that applies none).
	Activation() Activation
	// FanIn is the number of inputs each output depends on through a weight; Init draws
	// Weight blocks from N(0, 1/FanIn).
	FanIn() int
	// FLOPs counts the layer's operations for one training pair.
	FLOPs() FLOPs
	// Kink is the kind of point at which the layer is not differentiable (ReLU at 0, …), or
	// Smooth.
	Kink() Kink
	// Sides appends to dst, for every training pair and every unit of the layer with a
	// non-smooth point, which smooth piece the unit lies on (ReLU: 1 if the pre-activation is
	// positive, else 0), and returns dst. in is the layer's input and pre its pre-activations
	// from one forward pass, one training pair per row. A smooth layer appends nothing.
	Sides(dst []int32, in, pre blas64.General) []int32
	// Nearest returns the training pair and unit (0-based) of the layer closest to its
	// non-smooth point in that forward pass, and the distance (ReLU: |pre-activation|); the
	// distance is +Inf for a smooth layer.
	Nearest(in, pre blas64.General) (pair, unit int, dist float64)
	// Spec is the layer's part of an architecture string, without its activation ("30" for
	// a dense layer with 30 outputs).
	Spec() string
	// String describes the layer, e.g. "dense 784→30 sigmoid".
	String() string
	// forward computes the layer's pre-activations and activations for a batch (one training
	// pair a row) from its parameters p (its view of A) and its input: the reference pass.
	// scratch is the Evaluator's buffer for layers that need one (grown as needed).
	forward(mul *gemm.Multiplier, scratch *[]float64, p []float64, in, pre, act blas64.General)
	// check reports what is wrong with the layer on its own (sizes, activation, its own
	// overflow bounds), or nil.
	check() error
}

// Dense is a fully connected layer y = σ(W x + b) with W of size Out × In.
type Dense struct {
	In, Out int
	Act     Activation
}

// InShape returns the vector shape In × 1 × 1.
func (d *Dense) InShape() Shape { return Vec(d.In) }

// OutShape returns the vector shape Out × 1 × 1.
func (d *Dense) OutShape() Shape { return Vec(d.Out) }

// Inputs returns In.
func (d *Dense) Inputs() int { return d.In }

// Outputs returns Out.
func (d *Dense) Outputs() int { return d.Out }

// Params returns the weight matrix "W" (Out × In) and the bias vector "b" (Out).
func (d *Dense) Params() []Param {
	return []Param{{Name: "W", Dims: []int{d.Out, d.In}, Kind: Weight}, {Name: "b", Dims: []int{d.Out}, Kind: Bias}}
}

// NumParams returns Out·In + Out.
func (d *Dense) NumParams() int { return d.Out*d.In + d.Out }

// Activation returns Act.
func (d *Dense) Activation() Activation { return d.Act }

// FanIn returns In.
func (d *Dense) FanIn() int { return d.In }

// FLOPs counts 2·In·Out + Out forward (products and biases), 2·In·Out + Out for ∂W and ∂b,
// and 2·In·Out to propagate ∂K back through W.
func (d *Dense) FLOPs() FLOPs {
	mm := 2 * float64(d.In) * float64(d.Out)
	return FLOPs{Forward: mm + float64(d.Out), ParamGrad: mm + float64(d.Out), InputGrad: mm}
}

// Kink returns ReLUZero for a ReLU layer and Smooth otherwise.
func (d *Dense) Kink() Kink { return d.Act.Kink() }

// Sides appends, for a ReLU layer, 1 for every positive pre-activation and 0 for the others.
func (d *Dense) Sides(dst []int32, _, pre blas64.General) []int32 {
	if d.Act.Kink() == Smooth {
		return dst
	}
	return reluSides(dst, pre)
}

// Nearest returns, for a ReLU layer, the pre-activation smallest in magnitude.
func (d *Dense) Nearest(_, pre blas64.General) (pair, unit int, dist float64) {
	if d.Act.Kink() == Smooth {
		return 0, 0, math.Inf(1)
	}
	return reluNearest(pre)
}

// Spec returns Out.
func (d *Dense) Spec() string { return strconv.Itoa(d.Out) }

// String describes the layer.
func (d *Dense) String() string { return fmt.Sprintf("dense %d→%d %s", d.In, d.Out, d.Act) }

// Split cuts the layer's part of A (see Network.LayerParams) into W (row-major, Out × In) and
// b, as views. It panics if p does not have NumParams entries.
func (d *Dense) Split(p []float64) (w, b []float64) {
	if len(p) != d.NumParams() {
		panic(fmt.Sprintf("nn: Dense.Split: %d parameters, want %d", len(p), d.NumParams()))
	}
	nw := d.Out * d.In
	return p[:nw:nw], p[nw:]
}

func (d *Dense) check() error {
	if d == nil {
		return fmt.Errorf("%w: nil dense layer", ErrArchitecture)
	}
	if d.In < 1 || d.Out < 1 {
		return fmt.Errorf("%w: size %d→%d; sizes must be at least 1", ErrArchitecture, d.In, d.Out)
	}
	if d.Act < Sigmoid || d.Act > Identity {
		return fmt.Errorf("%w: %v", ErrUnknownActivation, d.Act)
	}
	// Guard the product against overflow before anything forms it.
	if d.In > MaxParams || d.Out > MaxParams || d.Out > MaxParams/(d.In+1) {
		return fmt.Errorf("%w: more than %d parameters (%d→%d)", ErrTooLarge, MaxParams, d.In, d.Out)
	}
	return nil
}
