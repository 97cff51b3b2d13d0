package nn

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads an architecture string: the input, then the layers, joined by "-", optionally
// followed by ":" and activations joined by ",".
//
// The input is a vector length ("784") or an image shape CxHxW ("1x28x28"). A layer is
//
//	30              a dense layer with 30 outputs (an image before it is flattened, C×H×W
//	                row-major)
//	conv20@5x5      a convolution with 20 filters of 5×5, stride 1, no padding; "/s2" sets the
//	                stride and "+p1" the zero padding: conv8@3x3/s2+p1
//	maxpool2        max pooling over 2×2 windows with stride 2; "/s1" sets the stride
//	avgpool2        average pooling, likewise
//
// The activations are one per layer with parameters (conv and dense), in order, or one for
// all of them; sigmoid when none is given. "784-30-10" is the notes' network;
// "1x28x28-conv20@5x5-maxpool2-100-10:relu,relu,sigmoid" a small LeNet. An error names the
// token that is wrong.
func Parse(arch string) (*Network, error) {
	n, err := parse(arch)
	if err != nil {
		return nil, fmt.Errorf("architecture %q: %w", arch, err)
	}
	return n, nil
}

func parse(arch string) (*Network, error) {
	layersPart, actsPart, hasActs := strings.Cut(strings.TrimSpace(arch), ":")
	fields := strings.Split(layersPart, "-")
	if len(fields) < 2 {
		return nil, fmt.Errorf("%w: want an input and at least one layer joined by '-', e.g. 784-30-10 or 1x28x28-conv8@5x5-10", ErrArchitecture)
	}
	shape, err := parseShape(strings.TrimSpace(fields[0]))
	if err != nil {
		return nil, err
	}
	specs := fields[1:]
	layers := make([]Layer, len(specs))
	var parametric []int // indices of the layers that take an activation
	for i, f := range specs {
		l, err := parseLayer(strings.TrimSpace(f), shape)
		if err != nil {
			return nil, fmt.Errorf("layer %d %q: %w", i+1, f, err)
		}
		if l.NumParams() > 0 {
			parametric = append(parametric, i)
		}
		if err := l.check(); err != nil { // names the layer's spec
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		layers[i], shape = l, l.OutShape()
	}
	if hasActs {
		if err := setActivations(layers, parametric, strings.Split(actsPart, ",")); err != nil {
			return nil, err
		}
	}
	return New(layers...)
}

// setActivations gives each layer of parametric its activation from names (one each, or
// one for all).
func setActivations(layers []Layer, parametric []int, names []string) error {
	if len(names) != 1 && len(names) != len(parametric) {
		return fmt.Errorf("%w: %d layers with parameters but %d activations (give one, or one per conv and dense layer)", ErrArchitecture, len(parametric), len(names))
	}
	for k, i := range parametric {
		name := names[min(k, len(names)-1)]
		a, err := ParseActivation(name)
		if err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
		switch l := layers[i].(type) {
		case *Dense:
			l.Act = a
		case *Conv2D:
			l.Act = a
		}
	}
	return nil
}

// parseShape reads the input: "784" or "1x28x28".
func parseShape(s string) (Shape, error) {
	parts := strings.Split(s, "x")
	if len(parts) != 1 && len(parts) != 3 {
		return Shape{}, fmt.Errorf("%w: input %q: want a length (784) or CxHxW (1x28x28)", ErrArchitecture, s)
	}
	v := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return Shape{}, fmt.Errorf("%w: input %q: %q is not a whole number ≥ 1", ErrArchitecture, s, p)
		}
		v[i] = n
	}
	if len(v) == 1 {
		return Vec(v[0]), nil
	}
	return Shape{C: v[0], H: v[1], W: v[2]}, nil
}

// parseLayer reads one layer token for an input of shape in.
func parseLayer(s string, in Shape) (Layer, error) {
	switch {
	case strings.HasPrefix(s, "conv"):
		return parseConv(strings.TrimPrefix(s, "conv"), in)
	case strings.HasPrefix(s, "maxpool"):
		p, err := parsePool(strings.TrimPrefix(s, "maxpool"), in)
		return &MaxPool{p}, err
	case strings.HasPrefix(s, "avgpool"):
		p, err := parsePool(strings.TrimPrefix(s, "avgpool"), in)
		return &AvgPool{p}, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return nil, fmt.Errorf("%w: want a size ≥ 1, convF@KxK, maxpoolP or avgpoolP", ErrArchitecture)
	}
	return &Dense{In: in.Len(), Out: n}, nil
}

// parseConv reads "F@KxK[/sS][+pP]".
func parseConv(s string, in Shape) (Layer, error) {
	if in.IsVec() && in.C > 1 {
		return nil, fmt.Errorf("%w: a convolution needs an image input CxHxW, not a vector of %d", ErrArchitecture, in.C)
	}
	c := &Conv2D{C: in.C, H: in.H, W: in.W, Stride: 1}
	rest, pad, hasPad := strings.Cut(s, "+p")
	if hasPad {
		var err error
		if c.Pad, err = number(pad, "padding", 0); err != nil {
			return nil, err
		}
	}
	rest, stride, hasStride := strings.Cut(rest, "/s")
	if hasStride {
		var err error
		if c.Stride, err = number(stride, "stride", 1); err != nil {
			return nil, err
		}
	}
	f, k, ok := strings.Cut(rest, "@")
	if !ok {
		return nil, fmt.Errorf("%w: want convF@KxK, e.g. conv20@5x5", ErrArchitecture)
	}
	var err error
	if c.F, err = number(f, "filter count", 1); err != nil {
		return nil, err
	}
	kh, kw, ok := strings.Cut(k, "x")
	if !ok {
		return nil, fmt.Errorf("%w: kernel %q: want KxK, e.g. 5x5", ErrArchitecture, k)
	}
	if c.K, err = number(kh, "kernel size", 1); err != nil {
		return nil, err
	}
	if kw != kh {
		return nil, fmt.Errorf("%w: kernel %q: only square kernels KxK", ErrArchitecture, k)
	}
	return c, nil
}

// parsePool reads "P[/sS]".
func parsePool(s string, in Shape) (Pool, error) {
	p := Pool{C: in.C, H: in.H, W: in.W}
	win, stride, hasStride := strings.Cut(s, "/s")
	var err error
	if p.P, err = number(win, "window", 1); err != nil {
		return p, err
	}
	p.Stride = p.P
	if hasStride {
		if p.Stride, err = number(stride, "stride", 1); err != nil {
			return p, err
		}
	}
	return p, nil
}

// number reads a whole number of at least lo.
func number(s, what string, lo int) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < lo {
		return 0, fmt.Errorf("%w: %s %q is not a whole number ≥ %d", ErrArchitecture, what, s, lo)
	}
	return v, nil
}

// String returns the canonical architecture string, which Parse reads back: the input ("784"
// or "1x28x28") and each layer's Spec joined by "-", then the activations of the layers with
// parameters unless all are sigmoid ("784-30-10", "4-8-3:tanh,sigmoid",
// "1x28x28-conv20@5x5-maxpool2-100-10:relu,relu,sigmoid").
func (n *Network) String() string {
	var b strings.Builder
	in := n.layers[0].InShape()
	if in.IsVec() {
		b.WriteString(strconv.Itoa(in.C))
	} else {
		fmt.Fprintf(&b, "%dx%dx%d", in.C, in.H, in.W)
	}
	var acts []string
	allSigmoid := true
	for _, l := range n.layers {
		b.WriteByte('-')
		b.WriteString(l.Spec())
		if l.NumParams() > 0 {
			acts = append(acts, l.Activation().String())
			allSigmoid = allSigmoid && l.Activation() == Sigmoid
		}
	}
	if !allSigmoid {
		b.WriteByte(':')
		b.WriteString(strings.Join(acts, ","))
	}
	return b.String()
}
