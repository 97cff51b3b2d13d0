package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// MaxParams bounds the parameter count a network may have (about 800 MB of float64), so that an
// absurd architecture is an error instead of an out-of-memory crash.
const MaxParams = 100_000_000

// Layer is one layer of a network. The set of layer kinds is closed (Dense now; convolution and
// pooling later); engines switch on the concrete type and report ErrUnsupported for kinds they
// do not know.
type Layer interface {
	// Inputs is the length of the layer's input vector.
	Inputs() int
	// Outputs is the length of the layer's output vector.
	Outputs() int
	// NumParams is the number of entries the layer occupies in A.
	NumParams() int
	// String describes the layer, e.g. "dense 784→30 sigmoid".
	String() string
	isLayer()
}

// Dense is a fully connected layer y = σ(W x + b) with W of size Out × In.
type Dense struct {
	In, Out int
	Act     Activation
}

// Inputs returns In.
func (d *Dense) Inputs() int { return d.In }

// Outputs returns Out.
func (d *Dense) Outputs() int { return d.Out }

// NumParams returns Out·In + Out.
func (d *Dense) NumParams() int { return d.Out*d.In + d.Out }

// String describes the layer.
func (d *Dense) String() string { return fmt.Sprintf("dense %d→%d %s", d.In, d.Out, d.Act) }

func (*Dense) isLayer() {}

// Block is a named, contiguous part of A: a weight matrix or a bias vector.
type Block struct {
	Name   string // "W1", "b1", … (layers are numbered from 1)
	Layer  int    // 0-based index into Network.Layers
	Offset int    // index of the block's first entry in A
	Rows   int    // rows of the matrix, or the length of a vector
	Cols   int    // columns of the matrix; 0 for a vector
}

// Len is the number of entries of the block.
func (b Block) Len() int {
	if b.Cols == 0 {
		return b.Rows
	}
	return b.Rows * b.Cols
}

// EntryName names entry k (0-based within the block) as "W2[3,1]" or "b1[4]" (1-based).
func (b Block) EntryName(k int) string {
	if b.Cols == 0 {
		return fmt.Sprintf("%s[%d]", b.Name, k+1)
	}
	return fmt.Sprintf("%s[%d,%d]", b.Name, k/b.Cols+1, k%b.Cols+1)
}

// Network is a feed-forward network: a list of layers applied in order, and the cost kind K
// applies to its output (Quadratic unless set with WithCost). Build one with New or Parse; its
// layer list must not be changed afterwards.
type Network struct {
	Layers  []Layer
	blocks  []Block
	nparams int
	cost    CostKind // Quadratic unless set with WithCost
}

// New checks a layer list (each layer's Inputs equals the previous layer's Outputs, all sizes
// positive, parameter count at most MaxParams) and returns the network.
func New(layers ...Layer) (*Network, error) {
	if len(layers) == 0 {
		return nil, fmt.Errorf("%w: no layers", ErrArchitecture)
	}
	n := &Network{Layers: layers}
	for l, layer := range layers {
		d, ok := layer.(*Dense)
		if !ok || d == nil {
			return nil, fmt.Errorf("%w: layer %d: unsupported layer %T", ErrArchitecture, l+1, layer)
		}
		if d.In < 1 || d.Out < 1 {
			return nil, fmt.Errorf("%w: layer %d has size %d→%d; sizes must be at least 1", ErrArchitecture, l+1, d.In, d.Out)
		}
		if d.Act < Sigmoid || d.Act > Identity {
			return nil, fmt.Errorf("%w: layer %d: %v", ErrUnknownActivation, l+1, d.Act)
		}
		if l > 0 && layers[l-1].Outputs() != d.In {
			return nil, fmt.Errorf("%w: layer %d takes %d inputs but layer %d gives %d", ErrArchitecture, l+1, d.In, l, layers[l-1].Outputs())
		}
		// Guard the products against overflow before they are formed.
		if d.In > MaxParams || d.Out > MaxParams || d.Out*(d.In+1) > MaxParams-n.nparams {
			return nil, fmt.Errorf("%w: more than %d parameters (at layer %d, %d→%d)", ErrTooLarge, MaxParams, l+1, d.In, d.Out)
		}
		name := strconv.Itoa(l + 1)
		n.blocks = append(n.blocks,
			Block{Name: "W" + name, Layer: l, Offset: n.nparams, Rows: d.Out, Cols: d.In},
			Block{Name: "b" + name, Layer: l, Offset: n.nparams + d.Out*d.In, Rows: d.Out})
		n.nparams += d.NumParams()
	}
	return n, nil
}

// Parse reads an architecture string: layer sizes joined by "-", optionally followed by ":"
// and the activations of the layers joined by ",". "784-30-10" is the notes' network with
// sigmoid everywhere; "4-8-8-3:tanh,relu,sigmoid" gives each of the three layers its own
// activation; a single activation ("4-8-3:tanh") applies to every layer.
func Parse(arch string) (*Network, error) {
	sizesPart, actsPart, hasActs := strings.Cut(strings.TrimSpace(arch), ":")
	fields := strings.Split(sizesPart, "-")
	if len(fields) < 2 {
		return nil, fmt.Errorf("%w %q: want at least two sizes joined by '-', e.g. 784-30-10", ErrArchitecture, arch)
	}
	sizes := make([]int, len(fields))
	for i, f := range fields {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%w %q: size %d is %q; want a whole number ≥ 1", ErrArchitecture, arch, i+1, f)
		}
		sizes[i] = v
	}
	acts := make([]Activation, len(sizes)-1)
	if hasActs {
		names := strings.Split(actsPart, ",")
		switch len(names) {
		case 1:
			a, err := ParseActivation(names[0])
			if err != nil {
				return nil, fmt.Errorf("architecture %q: %w", arch, err)
			}
			for i := range acts {
				acts[i] = a
			}
		case len(acts):
			for i, s := range names {
				a, err := ParseActivation(s)
				if err != nil {
					return nil, fmt.Errorf("architecture %q: layer %d: %w", arch, i+1, err)
				}
				acts[i] = a
			}
		default:
			return nil, fmt.Errorf("%w %q: %d layers but %d activations (give one, or one per layer)", ErrArchitecture, arch, len(acts), len(names))
		}
	}
	layers := make([]Layer, len(acts))
	for i := range acts {
		layers[i] = &Dense{In: sizes[i], Out: sizes[i+1], Act: acts[i]}
	}
	n, err := New(layers...)
	if err != nil {
		return nil, fmt.Errorf("architecture %q: %w", arch, err)
	}
	return n, nil
}

// MustParse is Parse for architectures fixed in code; it panics on error.
func MustParse(arch string) *Network {
	n, err := Parse(arch)
	if err != nil {
		panic(err)
	}
	return n
}

// String returns the canonical architecture string, which Parse reads back: the sizes, and
// the activations unless all are sigmoid ("784-30-10", "4-8-3:tanh,sigmoid").
func (n *Network) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(n.Inputs()))
	allSigmoid := true
	for _, l := range n.Layers {
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(l.Outputs()))
		if l.(*Dense).Act != Sigmoid {
			allSigmoid = false
		}
	}
	if !allSigmoid {
		for i, l := range n.Layers {
			if i == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(l.(*Dense).Act.String())
		}
	}
	return b.String()
}

// Sizes returns the layer sizes, input first ("784-30-10" gives [784 30 10]).
func (n *Network) Sizes() []int {
	s := []int{n.Inputs()}
	for _, l := range n.Layers {
		s = append(s, l.Outputs())
	}
	return s
}

// Inputs is the length of the input vector x.
func (n *Network) Inputs() int { return n.Layers[0].Inputs() }

// Outputs is the length of the output vector z.
func (n *Network) Outputs() int { return n.Layers[len(n.Layers)-1].Outputs() }

// NumParams is the length of A.
func (n *Network) NumParams() int { return n.nparams }

// Blocks returns the named blocks of A in layout order. The slice must not be modified.
func (n *Network) Blocks() []Block { return n.blocks }

// BlockOf returns the block holding parameter i and i's offset within it. It panics if i is
// out of range.
func (n *Network) BlockOf(i int) (Block, int) {
	if i < 0 || i >= n.nparams {
		panic(fmt.Sprintf("nn: parameter index %d out of range [0,%d)", i, n.nparams))
	}
	lo, hi := 0, len(n.blocks)
	for hi-lo > 1 { // last block whose Offset ≤ i
		mid := (lo + hi) / 2
		if n.blocks[mid].Offset <= i {
			lo = mid
		} else {
			hi = mid
		}
	}
	return n.blocks[lo], i - n.blocks[lo].Offset
}

// ParamName names parameter i, e.g. "W2[3,1]" or "b1[4]". It panics if i is out of range.
func (n *Network) ParamName(i int) string {
	b, k := n.BlockOf(i)
	return b.EntryName(k)
}

// ParamIndex is the inverse of ParamName.
func (n *Network) ParamIndex(name string) (int, error) {
	s := strings.ReplaceAll(strings.TrimSpace(name), " ", "")
	blockName, rest, ok := strings.Cut(s, "[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return 0, fmt.Errorf("%w %q: want a name like W2[3,1] or b1[4]", ErrUnknownParam, name)
	}
	rest = strings.TrimSuffix(rest, "]")
	for _, b := range n.blocks {
		if b.Name != blockName {
			continue
		}
		idx := strings.Split(rest, ",")
		if (b.Cols == 0) != (len(idx) == 1) || len(idx) > 2 {
			break
		}
		var k [2]int
		for j, f := range idx {
			v, err := strconv.Atoi(f)
			if err != nil {
				return 0, fmt.Errorf("%w %q: index %q is not a number", ErrUnknownParam, name, f)
			}
			k[j] = v
		}
		if b.Cols == 0 {
			if k[0] < 1 || k[0] > b.Rows {
				return 0, fmt.Errorf("%w %q: %s has indices 1..%d", ErrUnknownParam, name, b.Name, b.Rows)
			}
			return b.Offset + k[0] - 1, nil
		}
		if k[0] < 1 || k[0] > b.Rows || k[1] < 1 || k[1] > b.Cols {
			return 0, fmt.Errorf("%w %q: %s is %d×%d (1-based)", ErrUnknownParam, name, b.Name, b.Rows, b.Cols)
		}
		return b.Offset + (k[0]-1)*b.Cols + k[1] - 1, nil
	}
	return 0, fmt.Errorf("%w %q in network %s", ErrUnknownParam, name, n)
}

// LayerParams returns views into A of layer l's weights (row-major, Outputs × Inputs) and
// biases. A must have length NumParams; l is 0-based.
func (n *Network) LayerParams(A []float64, l int) (w, b []float64) {
	wb, bb := n.blocks[2*l], n.blocks[2*l+1]
	return A[wb.Offset : wb.Offset+wb.Len() : wb.Offset+wb.Len()], A[bb.Offset : bb.Offset+bb.Len() : bb.Offset+bb.Len()]
}

// Init fills dst (allocated if nil; it must otherwise have length NumParams) with seeded random
// parameters and returns it: weights drawn from N(0, 1/inputs), biases from N(0, 1), as in
// Nielsen's network.py with scaled weights. The same seed gives the same A on every machine.
func (n *Network) Init(dst []float64, seed uint64) []float64 {
	if dst == nil {
		dst = make([]float64, n.nparams)
	}
	if len(dst) != n.nparams {
		panic(fmt.Sprintf("nn: Init: len(dst) = %d, want %d", len(dst), n.nparams))
	}
	rng := NewRand(seed)
	for l, layer := range n.Layers {
		w, b := n.LayerParams(dst, l)
		scale := 1 / math.Sqrt(float64(layer.Inputs()))
		for i := range w {
			w[i] = rng.NormFloat64() * scale
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
	}
	return dst
}

// NewRand returns the project's seeded generator (PCG), so that every package draws the same
// numbers from the same seed.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
