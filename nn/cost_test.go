package nn_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

func TestParseCost(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want nn.CostKind
		err  bool
	}{
		{"", nn.Quadratic, false},
		{"quadratic", nn.Quadratic, false},
		{" MSE ", nn.Quadratic, false},
		{"xent", nn.CrossEntropy, false},
		{"Cross-Entropy", nn.CrossEntropy, false},
		{"softmax", nn.CrossEntropy, false},
		{"hinge", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := nn.ParseCost(tc.in)
			if tc.err {
				require.ErrorIs(t, err, nn.ErrUnknownCost)
				assert.Contains(t, err.Error(), "want quadratic or xent")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, c := range nn.CostKinds() {
		back, err := nn.ParseCost(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, back)
	}
	assert.Equal(t, "CostKind(7)", nn.CostKind(7).String())
}

func TestCostKindJSONAndFlag(t *testing.T) {
	b, err := json.Marshal(struct{ Cost nn.CostKind }{nn.CrossEntropy})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Cost":"xent"}`, string(b))
	var v struct{ Cost nn.CostKind }
	require.NoError(t, json.Unmarshal([]byte(`{"Cost":"quadratic"}`), &v))
	assert.Equal(t, nn.Quadratic, v.Cost)
	require.Error(t, json.Unmarshal([]byte(`{"Cost":"l1"}`), &v))
	_, err = json.Marshal(nn.CostKind(-1))
	require.Error(t, err)
	c := nn.Quadratic
	require.NoError(t, c.Set("xent"))
	assert.Equal(t, nn.CrossEntropy, c)
	require.ErrorIs(t, c.Set("nope"), nn.ErrUnknownCost)
}

func TestWithCost(t *testing.T) {
	net := nn.MustParse("2-2:identity")
	x := net.WithCost(nn.CrossEntropy)
	assert.Equal(t, nn.Quadratic, net.CostKind(), "WithCost must not change the receiver")
	assert.Equal(t, nn.CrossEntropy, x.CostKind())
	assert.Equal(t, net.String(), x.String())
	assert.Equal(t, net.NumParams(), x.NumParams())
	assert.Panics(t, func() { net.WithCost(nn.CostKind(9)) })
}

// TestCrossEntropyByHand checks the reference cross-entropy on a 2-2 identity network worked
// out by hand.
func TestCrossEntropyByHand(t *testing.T) {
	net := nn.MustParse("2-2:identity").WithCost(nn.CrossEntropy)
	// W1 = I, b1 = 0, so z = x. x = (0, ln 3) gives softmax(z) = (1, 3)/4.
	A := []float64{1, 0, 0, 1, 0, 0}
	// Pair 1, z̄ = (1, 0): K = −log(1/4) = log 4.
	// Pair 2, z̄ = (½, ½): K = −½ log(1/4) − ½ log(3/4) = ½ log(16/3).
	b, err := nn.NewBatch([][]float64{{0, math.Log(3)}, {0, math.Log(3)}}, [][]float64{{1, 0}, {0.5, 0.5}})
	require.NoError(t, err)
	k, err := net.Cost(A, b)
	require.NoError(t, err)
	assert.InDelta(t, math.Log(4)+0.5*math.Log(16.0/3), k, 1e-15)
	// The same batch under the quadratic cost: ‖(0, ln 3) − (1, 0)‖² + ‖(0, ln 3) − (½, ½)‖².
	kq, err := net.WithCost(nn.Quadratic).Cost(A, b)
	require.NoError(t, err)
	l3 := math.Log(3)
	assert.InDelta(t, 1+l3*l3+0.25+(l3-0.5)*(l3-0.5), kq, 1e-15)
}

func TestRowCostStable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		z, zbar []float64
		want    float64
	}{
		// LSE(1000, 0) = 1000 + log(1 + e⁻¹⁰⁰⁰) = 1000 in float64; a naive exp overflows.
		{"large", []float64{1000, 0}, []float64{0, 1}, 1000},
		{"large-hit", []float64{1000, 0}, []float64{1, 0}, 0},
		// LSE(−1000, −1000) = −1000 + log 2; a naive exp underflows to log 0 = −Inf.
		{"small", []float64{-1000, -1000}, []float64{1, 0}, math.Log(2)},
		// Targets summing to 2 count the log-sum-exp twice: 2·log 2 − 0.
		{"unnormalised", []float64{0, 0}, []float64{1, 1}, 2 * math.Log(2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := nn.CrossEntropy.RowCost(tc.z, tc.zbar)
			assert.InDelta(t, tc.want, got, 1e-12)
		})
	}
	assert.InDelta(t, 5.0, nn.Quadratic.RowCost([]float64{1, 2}, []float64{0, 4}), 0)
	assert.Equal(t, math.Inf(-1), nn.LogSumExp(nil))
	assert.InDelta(t, 3+math.Log(1+math.Exp(-1)+math.Exp(-2)), nn.LogSumExp([]float64{1, 2, 3}), 1e-15)
	assert.Panics(t, func() { nn.CostKind(5).RowCost([]float64{1}, []float64{1}) })
}

func TestEvaluatorCrossEntropyNoAllocs(t *testing.T) {
	net := nn.MustParse("6-5-4:tanh,identity").WithCost(nn.CrossEntropy)
	A, b := net.Init(nil, 3), net.RandomBatch(7, 3)
	ev := nn.NewEvaluator(net)
	k := ev.Cost(A, b)
	// The sum of the rows' terms, each from RowCost on the forward pass's output.
	z := nn.NewEvaluator(net).Forward(A, b.X)
	zbar := b.Z.RawMatrix()
	var want float64
	for i := range z.Rows {
		want += nn.CrossEntropy.RowCost(z.Data[i*z.Stride:(i+1)*z.Stride], zbar.Data[i*zbar.Stride:(i+1)*zbar.Stride])
	}
	assert.InDelta(t, want, k, 1e-12)
	assert.Zero(t, testing.AllocsPerRun(10, func() { ev.Cost(A, b) }))
}
