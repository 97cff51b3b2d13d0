package numeric

import (
	"fmt"

	"gonum.org/v1/gonum/blas/cblas128"

	"nabla/gradients"
	"nabla/nn"
)

// dense is a dense layer y = σ(W x + b) as numeric's own forward passes (float32, complex)
// compute it: W (Out × In, row-major) starts at Off in A, b follows it. For a convolution or
// a pooling layer, which only the complex pass handles, cpass is set: it computes the layer's
// pre-activations from its complex parameters p (N of them from Off in A) and input (cnn.go).
type dense struct {
	In, Out int
	Off     int
	Act     nn.Activation
	N       int
	cpass   func(p []complex128, in, pre cblas128.General)
	maxPool *nn.Pool // a max-pooling layer's geometry, for the bicomplex pass of H·v
}

// weights returns W and b of the layer within a (A in any element type).
func weights[T any](d dense, a []T) (w, b []T) {
	nw := d.Out * d.In
	return a[d.Off : d.Off+nw : d.Off+nw], a[d.Off+nw : d.Off+nw+d.Out : d.Off+nw+d.Out]
}

// layerOf is numeric's one switch over layer kinds, for the forward passes it writes itself
// (float32 and complex): it returns the engine's view of a layer whose parameters start at
// off in A, or an error wrapping gradients.ErrUnsupported for a kind it does not handle. In
// float64 the engines evaluate K with nn's reference pass and need no view of the layers.
func layerOf(layer nn.Layer, off int) (dense, error) {
	switch l := layer.(type) {
	case *nn.Dense:
		return dense{In: l.In, Out: l.Out, Off: off, Act: l.Act, N: l.NumParams()}, nil
	case *nn.Conv2D:
		return imageLayer(l, off, func(p []complex128, in, pre cblas128.General) { complexConv(l, p, in, pre) }), nil
	case *nn.MaxPool:
		d := imageLayer(l, off, func(_ []complex128, in, pre cblas128.General) { complexPool(l.Pool, in, pre, true) })
		d.maxPool = &l.Pool
		return d, nil
	case *nn.AvgPool:
		return imageLayer(l, off, func(_ []complex128, in, pre cblas128.General) { complexPool(l.Pool, in, pre, false) }), nil
	default:
		return dense{}, gradients.Unsupported("numeric", layer)
	}
}

// supportsLayer is the registry's pre-flight for the engines with their own forward pass.
func supportsLayer(l nn.Layer) error {
	_, err := layerOf(l, 0)
	return err
}

// layersOf returns numeric's view of every layer of the network (see layerOf).
func layersOf(net *nn.Network) ([]dense, error) {
	ls := make([]dense, 0, net.NumLayers())
	off := 0
	for l, layer := range net.Layers() {
		d, err := layerOf(layer, off)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		ls = append(ls, d)
		off += layer.NumParams()
	}
	return ls, nil
}
