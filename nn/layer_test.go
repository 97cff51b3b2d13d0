package nn_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

func TestDenseDescribesItself(t *testing.T) {
	d := &nn.Dense{In: 4, Out: 3, Act: nn.ReLU}
	assert.Equal(t, nn.Shape{C: 4, H: 1, W: 1}, d.InShape())
	assert.Equal(t, nn.Vec(3), d.OutShape())
	assert.Equal(t, []nn.Param{{Name: "W", Dims: []int{3, 4}, Kind: nn.Weight}, {Name: "b", Dims: []int{3}, Kind: nn.Bias}}, d.Params())
	assert.Equal(t, 15, d.NumParams())
	assert.Equal(t, 4, d.FanIn())
	assert.Equal(t, nn.FLOPs{Forward: 27, ParamGrad: 27, InputGrad: 24}, d.FLOPs())
	assert.Equal(t, nn.ReLUZero, d.Kink())
	assert.Equal(t, nn.Smooth, (&nn.Dense{In: 4, Out: 3, Act: nn.Tanh}).Kink())
	assert.Equal(t, "3", d.Spec())
	w, b := d.Split(make([]float64, 15))
	assert.Len(t, w, 12)
	assert.Len(t, b, 3)
	assert.Panics(t, func() { d.Split(make([]float64, 14)) })
}

func TestShapeString(t *testing.T) {
	assert.Equal(t, "30", nn.Vec(30).String())
	assert.Equal(t, "1×28×28", nn.Shape{C: 1, H: 28, W: 28}.String())
	assert.Equal(t, 784, nn.Shape{C: 1, H: 28, W: 28}.Len())
	assert.False(t, nn.Shape{C: 1, H: 28, W: 28}.IsVec())
}

func TestBlockAnyRank(t *testing.T) {
	k := nn.Block{Name: "K1", Offset: 10, Dims: []int{2, 1, 3, 3}}
	assert.Equal(t, 18, k.Len())
	for _, tc := range []struct {
		k    int
		want string
	}{{0, "K1[1,1,1,1]"}, {1, "K1[1,1,1,2]"}, {3, "K1[1,1,2,1]"}, {8, "K1[1,1,3,3]"}, {9, "K1[2,1,1,1]"}, {17, "K1[2,1,3,3]"}} {
		assert.Equal(t, tc.want, k.EntryName(tc.k))
	}
	assert.Equal(t, "b1[4]", nn.Block{Name: "b1", Dims: []int{5}}.EntryName(3))
	A := make([]float64, 30)
	v := k.View(A)
	assert.Len(t, v, 18)
	v[0] = 1
	assert.InDelta(t, 1, A[10], 0)
}

func TestLayerAccess(t *testing.T) {
	net := nn.MustParse("3-2-4:relu,tanh")
	require.Equal(t, 2, net.NumLayers())
	var seen []string
	for l, layer := range net.Layers() {
		assert.Same(t, net.Layer(l), layer)
		seen = append(seen, layer.String())
	}
	assert.Equal(t, []string{"dense 3→2 relu", "dense 2→4 tanh"}, seen)
	blocks := net.LayerBlocks(1)
	require.Len(t, blocks, 2)
	assert.Equal(t, "W2", blocks[0].Name)
	assert.Equal(t, 8, blocks[0].Offset)
	A := net.Init(nil, 1)
	assert.Equal(t, A[8:20], net.LayerParams(A, 1))
	assert.Equal(t, nn.Vec(3), net.InShape())
	assert.Equal(t, nn.Vec(4), net.OutShape())
	// The network keeps its own copy of the layer list.
	layers := []nn.Layer{&nn.Dense{In: 2, Out: 2}, &nn.Dense{In: 2, Out: 1}}
	n2, err := nn.New(layers...)
	require.NoError(t, err)
	layers[1] = &nn.Dense{In: 2, Out: 5}
	assert.Equal(t, 1, n2.Outputs())
	_, err = nn.New(&nn.Dense{In: 2, Out: 2}, (*nn.Dense)(nil))
	assert.ErrorIs(t, err, nn.ErrArchitecture)
	_, err = nn.New(&nn.Dense{In: 2, Out: 2}, nil)
	assert.ErrorIs(t, err, nn.ErrArchitecture)
}

// TestInitFanIn checks that Init scales each Weight block by its layer's fan-in.
func TestInitFanIn(t *testing.T) {
	net := nn.MustParse("400-2-1")
	A := net.Init(nil, 5)
	var w1, w2 float64
	for _, v := range net.LayerBlocks(0)[0].View(A) {
		w1 += v * v
	}
	for _, v := range net.LayerBlocks(1)[0].View(A) {
		w2 += v * v
	}
	// Weights are N(0, 1/fan-in): 800 draws of variance 1/400 sum to about 2.
	assert.InDelta(t, 2, w1, 0.4)
	assert.Less(t, w2, 10.0)
}

func TestNonFiniteErrorName(t *testing.T) {
	net := nn.MustParse("3-2")
	A := net.Init(nil, 1)
	A[1] = math.NaN()
	err := net.CheckParams(A)
	var nf *nn.NonFiniteError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "W1[1,2]", nf.Name)
	assert.Equal(t, 1, nf.Index)
	assert.Contains(t, err.Error(), "in A at W1[1,2]")
}
