package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

// forward runs the reference pass of arch with parameters A on one input row.
func forward(t *testing.T, arch string, A, x []float64) []float64 {
	t.Helper()
	net, err := nn.Parse(arch)
	require.NoError(t, err)
	z := nn.NewEvaluator(net).Forward(A, mat.NewDense(1, len(x), x))
	return append([]float64(nil), z.Data[:z.Cols]...)
}

// TestConvForwardByHand checks the reference convolution on small images worked out by hand.
func TestConvForwardByHand(t *testing.T) {
	x := []float64{1, 2, 0, 0, 1, 3, 2, 1, 1} // 1×3×3: [1 2 0; 0 1 3; 2 1 1]
	for _, tc := range []struct {
		arch string
		A    []float64 // kernel, then biases
		x    []float64
		want []float64
	}{
		// [1 −1; 2 0] correlated with x: [−1 4; 3 0], plus 0.5.
		{"1x3x3-conv1@2x2:identity", []float64{1, -1, 2, 0, 0.5}, x, []float64{-0.5, 4.5, 3.5, 0.5}},
		// Stride 2 with one zero around x: output (p,q) puts tap k[i,j] on x[2p−1+i, 2q−1+j].
		// (0,0): k[1,1]·x[0,0] = 0.                  (0,1): k[1,0]·x[0,1] + k[1,1]·x[0,2] = 4.
		// (1,0): k[0,1]·x[1,0] + k[1,1]·x[2,0] = 0.  (1,1): 1·1 − 1·3 + 2·1 + 0·1 = 0.
		{"1x3x3-conv1@2x2/s2+p1:identity", []float64{1, -1, 2, 0, 0}, x, []float64{0, 4, 0, 0}},
		// Two channels [1 2] and [3 4], two filters of 1×1: (1, 10) and (−1, 0), biases 0 and 1.
		{"2x1x2-conv2@1x1:identity", []float64{1, 10, -1, 0, 0, 1}, []float64{1, 2, 3, 4}, []float64{31, 42, 0, -1}},
		// ReLU after the convolution, max pooling over the 2×2 output: max(0, 4.5, 3.5, 0.5).
		{"1x3x3-conv1@2x2-maxpool2:relu", []float64{1, -1, 2, 0, 0.5}, x, []float64{4.5}},
		{"1x3x3-conv1@2x2-avgpool2:relu", []float64{1, -1, 2, 0, 0.5}, x, []float64{(0 + 4.5 + 3.5 + 0.5) / 4}},
		// Flattened into a dense layer: 2·4.5 − 1.
		{"1x3x3-conv1@2x2-maxpool2-1:identity", []float64{1, -1, 2, 0, 0.5, 2, -1}, x, []float64{8}},
	} {
		t.Run(tc.arch, func(t *testing.T) {
			assert.Equal(t, tc.want, forward(t, tc.arch, tc.A, tc.x))
		})
	}
}

// TestPoolForwardByHand checks both poolings on a 1×4×4 image, overlapping windows included.
func TestPoolForwardByHand(t *testing.T) {
	x := []float64{
		1, 5, 2, 0,
		3, 4, 2, 2,
		-1, -2, 7, 1,
		-3, -4, 0, 8,
	}
	assert.Equal(t, []float64{5, 2, -1, 8}, forward(t, "1x4x4-maxpool2", nil, x))
	assert.Equal(t, []float64{13.0 / 4, 6.0 / 4, -10.0 / 4, 16.0 / 4}, forward(t, "1x4x4-avgpool2", nil, x))
	assert.Equal(t, []float64{7, 7, 7, 8}, forward(t, "1x4x4-maxpool3/s1", nil, x))
}

// TestMaxPoolMax checks MaxPool.Max, values and arg-max indices, against a plain scan of
// every window on images of a few values (so that windows tie), for the 2×2 fast path and
// for other windows and strides, on two pairs.
func TestMaxPoolMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 13))
	for _, g := range []nn.Pool{
		{C: 3, H: 6, W: 7, P: 2, Stride: 2},
		{C: 2, H: 5, W: 5, P: 2, Stride: 2},
		{C: 2, H: 6, W: 6, P: 3, Stride: 1},
		{C: 1, H: 7, W: 5, P: 2, Stride: 3},
	} {
		m := &nn.MaxPool{Pool: g}
		const pairs = 2
		in := blas64.General{Rows: pairs, Cols: m.Inputs(), Stride: m.Inputs(), Data: make([]float64, pairs*m.Inputs())}
		for i := range in.Data {
			in.Data[i] = float64(rng.IntN(3))
		}
		out := blas64.General{Rows: pairs, Cols: m.Outputs(), Stride: m.Outputs(), Data: make([]float64, pairs*m.Outputs())}
		arg := make([]int32, pairs*m.Outputs())
		m.Max(out, arg, in)
		var wantOut []float64
		var wantArg []int32
		for n := 0; n < pairs; n++ {
			x := in.Data[n*in.Stride:]
			for c := 0; c < g.C; c++ {
				for p := 0; p < m.OutH(); p++ {
					for q := 0; q < m.OutW(); q++ {
						best := -1
						for i := 0; i < g.P; i++ {
							for j := 0; j < g.P; j++ {
								if k := c*g.H*g.W + (p*g.Stride+i)*g.W + q*g.Stride + j; best < 0 || x[k] > x[best] {
									best = k
								}
							}
						}
						wantOut, wantArg = append(wantOut, x[best]), append(wantArg, int32(best))
					}
				}
			}
		}
		assert.Equal(t, wantOut, out.Data, "%+v", g)
		assert.Equal(t, wantArg, arg, "%+v", g)
		clear(out.Data)
		m.Max(out, nil, in)
		assert.Equal(t, wantOut, out.Data, "%+v without indices", g)
	}
}

// TestCNNArchitectures checks that CNN architecture strings parse into the intended layers
// and read back unchanged.
func TestCNNArchitectures(t *testing.T) {
	for _, tc := range []struct {
		arch    string
		params  int
		outputs int
		blocks  []string
	}{
		{"1x28x28-conv20@5x5-maxpool2-100-10:relu,relu,sigmoid", 20*25 + 20 + 2880*100 + 100 + 1010, 10, []string{"K1", "c1", "W3", "b3", "W4", "b4"}},
		{"1x8x8-conv8@3x3/s2+p1-10:tanh,sigmoid", 8*9 + 8 + 8*4*4*10 + 10, 10, []string{"K1", "c1", "W2", "b2"}},
		{"3x9x9-conv4@3x3-conv2@2x2-avgpool2/s1-5:tanh,tanh,tanh", 4*27 + 4 + 2*16 + 2 + 2*5*5*5 + 5, 5, []string{"K1", "c1", "K2", "c2", "W4", "b4"}},
		{"1x4x4-maxpool2", 0, 4, nil},
		{"784-30-10", 784*30 + 30 + 310, 10, []string{"W1", "b1", "W2", "b2"}},
	} {
		t.Run(tc.arch, func(t *testing.T) {
			net, err := nn.Parse(tc.arch)
			require.NoError(t, err)
			assert.Equal(t, tc.arch, net.String())
			assert.Equal(t, tc.params, net.NumParams())
			assert.Equal(t, tc.outputs, net.Outputs())
			var names []string
			for _, b := range net.Blocks() {
				names = append(names, b.Name)
			}
			assert.Equal(t, tc.blocks, names)
		})
	}
	net := nn.MustParse("2x5x5-conv3@3x3-10")
	i, err := net.ParamIndex("K1[2,1,3,3]")
	require.NoError(t, err)
	assert.Equal(t, 1*18+0*9+2*3+2, i, "F×C×K×K row-major, 1-based")
	assert.Equal(t, "K1[2,1,3,3]", net.ParamName(i))
	assert.Equal(t, "c1[3]", net.ParamName(3*18+2))
}

// TestBadCNNArchitectures checks that every malformed CNN is a one-line error naming the
// layer and the token.
func TestBadCNNArchitectures(t *testing.T) {
	for _, tc := range []struct{ arch, want string }{
		{"1x5x5-conv2@7x7-10", `layer 1: nn: bad architecture: conv2@7x7: kernel 7x7 is larger than the padded input 5x5`},
		{"1x8x8-conv2@3x3/s0-10", `layer 1 "conv2@3x3/s0": nn: bad architecture: stride "0" is not a whole number ≥ 1`},
		{"1x8x8-conv2@3x2-10", `layer 1 "conv2@3x2": nn: bad architecture: kernel "3x2": only square kernels KxK`},
		{"1x8x8-conv@3x3-10", `layer 1 "conv@3x3": nn: bad architecture: filter count "" is not a whole number ≥ 1`},
		{"1x8x8-conv4@3x3-maxpool9-10", `layer 2: nn: bad architecture: maxpool9: window 9x9 is larger than the input 6x6`},
		{"1x8x8-avgpool2/s0-10", `layer 1 "avgpool2/s0": nn: bad architecture: stride "0" is not a whole number ≥ 1`},
		{"1x8-conv4@3x3-10", `nn: bad architecture: input "1x8": want a length (784) or CxHxW (1x28x28)`},
		{"64-conv4@3x3-10", `layer 1 "conv4@3x3": nn: bad architecture: a convolution needs an image input CxHxW, not a vector of 64`},
		{"1x8x8-conv4@3x3-pool2-10", `layer 2 "pool2": nn: bad architecture: want a size ≥ 1, convF@KxK, maxpoolP or avgpoolP`},
		{"1x8x8-conv4@3x3+p3-10", `layer 1: nn: bad architecture: conv4@3x3+p3: padding 3 is not smaller than the kernel 3x3 (an output pixel would see only zeros)`},
		{"1x8x8-conv4@3x3-maxpool2-10:relu,relu,relu", `nn: bad architecture: 2 layers with parameters but 3 activations (give one, or one per conv and dense layer)`},
	} {
		t.Run(tc.arch, func(t *testing.T) {
			_, err := nn.Parse(tc.arch)
			require.ErrorIs(t, err, nn.ErrArchitecture)
			assert.Equal(t, `architecture "`+tc.arch+`": `+tc.want, err.Error())
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	_, err := nn.New(&nn.Conv2D{C: 2, H: 5, W: 5, F: 3, K: 3, Stride: 1}, &nn.Conv2D{C: 2, H: 3, W: 3, F: 1, K: 3, Stride: 1})
	require.ErrorIs(t, err, nn.ErrArchitecture)
	assert.Contains(t, err.Error(), "layer 2 takes inputs of shape 2×3×3 but layer 1 gives 3×3×3")
}

// TestMaxPoolKinks checks the max-pool tie as a non-smooth point: the piece records which
// entry of each window is the maximum, and Nearest finds the window closest to a tie.
func TestMaxPoolKinks(t *testing.T) {
	net := nn.MustParse("1x2x4-maxpool2")
	assert.False(t, net.Smooth())
	assert.Equal(t, nn.MaxTie, net.Layer(0).Kink())
	ev := nn.NewEvaluator(net)
	x := mat.NewDense(1, 8, []float64{1, 3, 5, 5.25, 2, 0, 5.5, 1})
	ev.Forward(nil, x)
	assert.Equal(t, nn.Piece{1, 2}, ev.Piece(nil), "3 is entry 1 of the first window, 5.5 entry 2 of the second")
	p := ev.Nearest()
	assert.Equal(t, nn.MaxTie, p.Kind)
	assert.Equal(t, 1, p.Unit)
	assert.InDelta(t, 0.25, p.Distance, 0)
	assert.True(t, nn.MustParse("1x2x4-avgpool2").Smooth())
	assert.False(t, math.IsInf(p.Distance, 0))
}
