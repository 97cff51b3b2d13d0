package nn_test

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

// handNet is TestCostByHand's 2-2-1:relu,identity network: W1 = [[1, -1], [2, 0.5]],
// b1 = [0, -1], W2 = [[3, -2]], b2 = [0.5]; x = (1, 2) gives ŷ = (−1, 2), x = (0, 4) gives
// ŷ = (−4, 1).
func handNet(t *testing.T) (*nn.Network, []float64, nn.Batch) {
	net := nn.MustParse("2-2-1:relu,identity")
	A := []float64{1, -1, 2, 0.5, 0, -1, 3, -2, 0.5}
	b, err := nn.NewBatch([][]float64{{1, 2}, {0, 4}}, [][]float64{{1}, {-1}})
	require.NoError(t, err)
	return net, A, b
}

func TestPieceAndNearest(t *testing.T) {
	net, A, b := handNet(t)
	ev := nn.NewEvaluator(net)
	ev.Forward(A, b.X)
	p := ev.Piece(nil)
	assert.Equal(t, nn.Piece{0, 1, 0, 1}, p)
	assert.True(t, ev.OnPiece(p))
	assert.False(t, ev.OnPiece(nn.Piece{1, 1, 0, 1}))
	assert.Equal(t, nn.KinkPoint{Kind: nn.ReLUZero, Layer: 0, Pair: 0, Unit: 0, Distance: 1}, ev.Nearest())
	assert.Equal(t, "ReLU at 0: layer 1, pair 1, unit 1, distance 1", ev.Nearest().String())

	// 1-2-1 ReLU then identity: W1 = (1, −1), b1 = (0, 0.5); pair 2 x = 0.001 puts unit 1 at
	// 0.001 from the kink, the closest of all (pair 1 x = 0.3: 0.3 and 0.2).
	net2 := nn.MustParse("1-2-1:relu,identity")
	b2, err := nn.NewBatch([][]float64{{0.3}, {0.001}}, [][]float64{{0}, {0}})
	require.NoError(t, err)
	ev2 := nn.NewEvaluator(net2)
	ev2.Forward([]float64{1, -1, 0, 0.5, 1, 1, 0}, b2.X)
	near := ev2.Nearest()
	assert.Equal(t, nn.KinkPoint{Kind: nn.ReLUZero, Layer: 0, Pair: 1, Unit: 0, Distance: near.Distance}, near)
	assert.InDelta(t, 0.001, near.Distance, 1e-15)

	smooth := nn.MustParse("2-2-1:tanh,identity")
	sev := nn.NewEvaluator(smooth)
	sev.Forward(A, b.X)
	assert.Empty(t, sev.Piece(nil))
	assert.Equal(t, nn.Smooth, sev.Nearest().Kind)
	assert.True(t, math.IsInf(sev.Nearest().Distance, 1))
	assert.True(t, smooth.Smooth())
	assert.False(t, net.Smooth())
}

func TestKinkProbe(t *testing.T) {
	net, A, b := handNet(t)
	orig := slices.Clone(A)
	probe := nn.NewKinkProbe(net).Reset(A, b)
	assert.InDelta(t, 1, probe.Nearest().Distance, 0)
	for _, tc := range []struct {
		param string
		steps []float64
		want  bool
	}{
		{"b1[1]", []float64{0.5, -0.5}, false}, // ŷ₁ = −1, −4 stay negative
		{"b1[1]", []float64{1.5}, true},        // ŷ₁ of pair 1 becomes 0.5
		{"b1[1]", []float64{0.5, 1.5}, true},   // any step that leaves the piece counts
		{"b1[2]", []float64{-0.9}, false},      // ŷ₂ = 2, 1 become 1.1, 0.1
		{"b1[2]", []float64{-1.5}, true},       // ŷ₂ of pair 2 becomes −0.5
		{"W1[1,2]", []float64{0.6}, true},      // ŷ₁ of pair 1 moves by 2·0.6
		{"W1[1,2]", []float64{0.4}, false},
		{"W2[1,1]", []float64{100, -100}, false}, // the output layer is smooth
		{"b2[1]", nil, false},
	} {
		i, err := net.ParamIndex(tc.param)
		require.NoError(t, err)
		assert.Equal(t, tc.want, probe.Crosses(i, tc.steps...), "%s by %v", tc.param, tc.steps)
		v := make([]float64, net.NumParams())
		v[i] = 2
		half := make([]float64, len(tc.steps))
		for k, s := range tc.steps {
			half[k] = s / 2
		}
		assert.Equal(t, tc.want, probe.CrossesAlong(v, half...), "%s along 2eᵢ by %v", tc.param, half)
	}
	assert.Equal(t, orig, A, "A unchanged")
	moved := slices.Clone(A)
	moved[5] -= 1.5
	assert.True(t, probe.CrossesAt(moved))
	assert.False(t, probe.CrossesAt(A))

	smooth := nn.NewKinkProbe(nn.MustParse("2-2-1:sigmoid,relu")).Reset(A, b)
	assert.Equal(t, nn.ReLUZero, smooth.Nearest().Kind, "a ReLU output layer has kinks too")
	assert.False(t, nn.NewKinkProbe(nn.MustParse("2-2-1")).Reset(A, b).Crosses(0, 1e6))
}

func TestOnPieceNoAllocs(t *testing.T) {
	net := nn.MustParse("20-10-5:relu,sigmoid")
	A := net.Init(nil, 3)
	b := net.RandomBatch(16, 3)
	ev := nn.NewEvaluator(net)
	ev.Forward(A, b.X)
	p := ev.Piece(nil)
	ev.OnPiece(p)
	assert.Zero(t, testing.AllocsPerRun(10, func() {
		ev.Forward(A, b.X)
		ev.OnPiece(p)
	}))
	probe := nn.NewKinkProbe(net).Reset(A, b)
	probe.Crosses(3, 1e-3, -1e-3)
	assert.Zero(t, testing.AllocsPerRun(10, func() { probe.Crosses(3, 1e-3, -1e-3) }))
}
