package nn

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"nabla/internal/rng"
	"slices"
	"strconv"
	"strings"
)

// MaxParams bounds the parameter count a network may have (about 800 MB of float64), so that an
// absurd architecture is an error instead of an out-of-memory crash.
const MaxParams = 100_000_000

// Block is a named, contiguous part of A: a weight matrix, a bias vector, a kernel.
type Block struct {
	Name   string    // "W1", "b1", … (the layer's Param name and its 1-based layer number)
	Layer  int       // 0-based layer index
	Offset int       // index of the block's first entry in A
	Dims   []int     // the block's shape, any rank, row-major in A ([Out, In], [Out], …)
	Kind   ParamKind // Weight or Bias
}

// Len is the number of entries of the block, the product of its Dims.
func (b Block) Len() int {
	n := 1
	for _, d := range b.Dims {
		n *= d
	}
	return n
}

// View returns the block's entries of A as a slice of A (capacity limited to the block).
func (b Block) View(A []float64) []float64 {
	end := b.Offset + b.Len()
	return A[b.Offset:end:end]
}

// EntryName names entry k (0-based within the block) with 1-based indices, one per
// dimension: "W2[3,1]", "b1[4]", "K1[2,1,3,3]".
func (b Block) EntryName(k int) string {
	buf := make([]byte, 0, len(b.Name)+6*len(b.Dims)+2)
	buf = append(buf, b.Name...)
	buf = append(buf, '[')
	stride := b.Len()
	for j, d := range b.Dims {
		stride /= d
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(k/stride+1), 10)
		k %= stride
	}
	return string(append(buf, ']'))
}

// String writes the block's name and shape: "W1 (4×3)", "b1 (4)".
func (b Block) String() string {
	parts := make([]string, len(b.Dims))
	for i, d := range b.Dims {
		parts[i] = strconv.Itoa(d)
	}
	return b.Name + " (" + strings.Join(parts, "×") + ")"
}

// index returns the offset within the block of the entry with the 1-based indices idx, or
// an error naming the block's shape.
func (b Block) index(idx []int) (int, error) {
	if len(idx) != len(b.Dims) {
		return 0, fmt.Errorf("%s has %d indices", b.Name, len(b.Dims))
	}
	k := 0
	for j, d := range b.Dims {
		if idx[j] < 1 || idx[j] > d {
			if len(b.Dims) == 1 {
				return 0, fmt.Errorf("%s has indices 1..%d", b.Name, b.Dims[0])
			}
			return 0, fmt.Errorf("%v, indices 1-based", b)
		}
		k = k*d + idx[j] - 1
	}
	return k, nil
}

// Network is a feed-forward network: a list of layers applied in order, and the cost kind K
// applies to its output (Quadratic unless set with WithCost). Build one with New or Parse; it
// cannot be changed afterwards (WithCost returns another network).
type Network struct {
	layers  []Layer
	blocks  []Block
	first   []int // first[l]: index in blocks of layer l's first block; first[L] = len(blocks)
	offsets []int // offsets[l]: index in A of layer l's first parameter; offsets[L] = NumParams
	nparams int
	cost    CostKind // Quadratic unless set with WithCost
}

// New checks a layer list (each layer valid on its own, each layer's input shape equal to the
// previous layer's output shape, parameter count at most MaxParams) and returns the network.
// The layers must not be changed afterwards.
func New(layers ...Layer) (*Network, error) {
	if len(layers) == 0 {
		return nil, fmt.Errorf("%w: no layers", ErrArchitecture)
	}
	n := &Network{layers: slices.Clone(layers)}
	for l, layer := range n.layers {
		if layer == nil {
			return nil, fmt.Errorf("%w: layer %d is nil", ErrArchitecture, l+1)
		}
		if err := layer.check(); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		if l > 0 && n.layers[l-1].OutShape() != layer.InShape() && !flattens(n.layers[l-1], layer) {
			return nil, fmt.Errorf("%w: layer %d takes inputs of shape %v but layer %d gives %v", ErrArchitecture, l+1, layer.InShape(), l, n.layers[l-1].OutShape())
		}
		if layer.NumParams() > MaxParams-n.nparams {
			return nil, fmt.Errorf("%w: more than %d parameters (at layer %d, %s)", ErrTooLarge, MaxParams, l+1, layer)
		}
		n.first = append(n.first, len(n.blocks))
		n.offsets = append(n.offsets, n.nparams)
		name := strconv.Itoa(l + 1)
		for _, p := range layer.Params() {
			b := Block{Name: p.Name + name, Layer: l, Offset: n.nparams, Dims: slices.Clone(p.Dims), Kind: p.Kind}
			n.blocks = append(n.blocks, b)
			n.nparams += b.Len()
		}
	}
	n.first = append(n.first, len(n.blocks))
	n.offsets = append(n.offsets, n.nparams)
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

// Sizes returns the lengths of the input and of every layer's output ("784-30-10" gives
// [784 30 10]).
func (n *Network) Sizes() []int {
	s := []int{n.Inputs()}
	for _, l := range n.layers {
		s = append(s, l.Outputs())
	}
	return s
}

// NumLayers is the number of layers L.
func (n *Network) NumLayers() int { return len(n.layers) }

// Layer returns layer l (0-based). It panics if l is out of range.
func (n *Network) Layer(l int) Layer { return n.layers[l] }

// Layers iterates over the layers in order with their 0-based index:
//
//	for l, layer := range net.Layers() { … }
func (n *Network) Layers() iter.Seq2[int, Layer] {
	return func(yield func(int, Layer) bool) {
		for l, layer := range n.layers {
			if !yield(l, layer) {
				return
			}
		}
	}
}

// InShape is the shape of the network's input for one training pair.
func (n *Network) InShape() Shape { return n.layers[0].InShape() }

// OutShape is the shape of the network's output for one training pair.
func (n *Network) OutShape() Shape { return n.layers[len(n.layers)-1].OutShape() }

// Inputs is the length of the input vector x.
func (n *Network) Inputs() int { return n.layers[0].Inputs() }

// Outputs is the length of the output vector z.
func (n *Network) Outputs() int { return n.layers[len(n.layers)-1].Outputs() }

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

// ParamIndex is the inverse of ParamName: "W2[3,1]" gives the index of that entry in A.
func (n *Network) ParamIndex(name string) (int, error) {
	s := strings.ReplaceAll(strings.TrimSpace(name), " ", "")
	blockName, rest, ok := strings.Cut(s, "[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return 0, fmt.Errorf("%w %q: want a name like W2[3,1] or b1[4]", ErrUnknownParam, name)
	}
	fields := strings.Split(strings.TrimSuffix(rest, "]"), ",")
	for _, b := range n.blocks {
		if b.Name != blockName {
			continue
		}
		idx := make([]int, len(fields))
		for j, f := range fields {
			v, err := strconv.Atoi(f)
			if err != nil {
				return 0, fmt.Errorf("%w %q: index %q is not a number", ErrUnknownParam, name, f)
			}
			idx[j] = v
		}
		k, err := b.index(idx)
		if err != nil {
			return 0, fmt.Errorf("%w %q: %v", ErrUnknownParam, name, err)
		}
		return b.Offset + k, nil
	}
	return 0, fmt.Errorf("%w %q in network %s", ErrUnknownParam, name, n)
}

// LayerBlocks returns the blocks of layer l (0-based) in layout order; a layer without
// parameters has none. The slice must not be modified.
func (n *Network) LayerBlocks(l int) []Block { return n.blocks[n.first[l]:n.first[l+1]] }

// LayerParams returns the view into A (or into a gradient in the layout of A) of layer l's
// parameters: all its blocks, which are contiguous, in layout order. A must have length
// NumParams; l is 0-based. Each layer kind cuts it into its blocks (see Dense.Split).
func (n *Network) LayerParams(A []float64, l int) []float64 {
	lo, hi := n.offsets[l], n.offsets[l+1]
	return A[lo:hi:hi]
}

// Init fills dst (allocated if nil; it must otherwise have length NumParams) with seeded random
// parameters and returns it: Weight blocks drawn from N(0, 1/fan-in) with the layer's FanIn,
// Bias blocks from N(0, 1), in layout order, as in Nielsen's network.py with scaled weights.
// The same seed gives the same A on every machine.
func (n *Network) Init(dst []float64, seed uint64) []float64 {
	if dst == nil {
		dst = make([]float64, n.nparams)
	}
	if len(dst) != n.nparams {
		panic(fmt.Sprintf("nn: Init: len(dst) = %d, want %d", len(dst), n.nparams))
	}
	rng := NewRand(seed)
	for _, blk := range n.blocks {
		scale := 1.0
		if blk.Kind == Weight {
			scale = 1 / math.Sqrt(float64(n.layers[blk.Layer].FanIn()))
		}
		v := blk.View(dst)
		for i := range v {
			v[i] = rng.NormFloat64() * scale
		}
	}
	return dst
}

// NewRand returns the project's seeded generator (rng.New in nabla/internal/rng), so that
// every package draws the same numbers from the same seed; the model's own draws (Init,
// RandomBatch) use it, packages inside the module call rng.New.
func NewRand(seed uint64) *rand.Rand { return rng.New(seed) }

// flattens reports whether layer next takes the output of prev flattened: a dense layer after
// an image-shaped layer with as many outputs as it has inputs.
func flattens(prev, next Layer) bool {
	_, dense := next.(*Dense)
	return dense && prev.Outputs() == next.Inputs()
}
