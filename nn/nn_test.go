package nn_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/internal/par"
	"nabla/nn"
)

func TestActivationDerivatives(t *testing.T) {
	for _, a := range nn.Activations() {
		for _, x := range []float64{-7, -2.5, -0.3, 0.2, 1, 3.7} {
			t.Run(a.String(), func(t *testing.T) {
				const h = 1e-6
				fd := (a.F(x+h) - a.F(x-h)) / (2 * h)
				assert.InDelta(t, fd, a.Deriv(x), 1e-8, "σ'(%v)", x)
			})
		}
	}
}

func TestSigmoidNoOverflow(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{0, 0.5}, {1000, 1}, {-1000, 0}, {math.MaxFloat64, 1}, {-math.MaxFloat64, 0},
		{2, math.Exp(2) / (1 + math.Exp(2))}, {-2, math.Exp(-2) / (1 + math.Exp(-2))},
	} {
		got := nn.SigmoidF(tc.x)
		assert.False(t, math.IsNaN(got), "σ(%v) is NaN", tc.x)
		assert.InDelta(t, tc.want, got, 1e-15, "σ(%v)", tc.x)
	}
	assert.InDelta(t, 0, nn.Sigmoid.Deriv(-800), 1e-300)
}

func TestParseActivation(t *testing.T) {
	for _, a := range nn.Activations() {
		got, err := nn.ParseActivation(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	_, err := nn.ParseActivation("softmax")
	assert.ErrorIs(t, err, nn.ErrUnknownActivation)
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		arch, canonical string
		params          int
		want            error
	}{
		{"784-30-10", "784-30-10", 784*30 + 30 + 30*10 + 10, nil},
		{"4-8-8-3:tanh,relu,sigmoid", "4-8-8-3:tanh,relu,sigmoid", 4*8 + 8 + 8*8 + 8 + 8*3 + 3, nil},
		{"4-8-3:tanh", "4-8-3:tanh,tanh", 4*8 + 8 + 8*3 + 3, nil},
		{" 2-3-1 : sigmoid , identity ", "2-3-1:sigmoid,identity", 13, nil},
		{"2-1:SIGMOID", "2-1", 3, nil},
		{"", "", 0, nn.ErrArchitecture},
		{"784", "", 0, nn.ErrArchitecture},
		{"784-", "", 0, nn.ErrArchitecture},
		{"4-0-3", "", 0, nn.ErrArchitecture},
		{"4--3", "", 0, nn.ErrArchitecture},
		{"4-x-3", "", 0, nn.ErrArchitecture},
		{"4-8-3:tanh,relu,sigmoid", "", 0, nn.ErrArchitecture},
		{"4-8-3:softmax", "", 0, nn.ErrUnknownActivation},
		{"4-8-3:tanh,", "", 0, nn.ErrUnknownActivation},
		{"784-1000000-1000000", "", 0, nn.ErrTooLarge},
		{"99999999999999999999-2", "", 0, nn.ErrArchitecture},
		{"3000000000-3000000000", "", 0, nn.ErrTooLarge},
	} {
		t.Run(tc.arch, func(t *testing.T) {
			net, err := nn.Parse(tc.arch)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
				assert.Nil(t, net)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.canonical, net.String())
			assert.Equal(t, tc.params, net.NumParams())
			again, err := nn.Parse(net.String())
			require.NoError(t, err)
			assert.Equal(t, net.String(), again.String())
		})
	}
}

func TestParamNames(t *testing.T) {
	net := nn.MustParse("3-2-4")
	// Layout: W1 (2×3) at 0, b1 (2) at 6, W2 (4×2) at 8, b2 (4) at 16; 20 in all.
	for _, tc := range []struct {
		i    int
		name string
	}{{0, "W1[1,1]"}, {1, "W1[1,2]"}, {3, "W1[2,1]"}, {5, "W1[2,3]"}, {6, "b1[1]"}, {7, "b1[2]"}, {8, "W2[1,1]"}, {11, "W2[2,2]"}, {16, "b2[1]"}, {19, "b2[4]"}} {
		assert.Equal(t, tc.name, net.ParamName(tc.i))
		i, err := net.ParamIndex(tc.name)
		require.NoError(t, err)
		assert.Equal(t, tc.i, i)
	}
	for i := range net.NumParams() {
		j, err := net.ParamIndex(net.ParamName(i))
		require.NoError(t, err)
		assert.Equal(t, i, j)
	}
	for _, bad := range []string{"W3[1,1]", "W1[3,1]", "W1[0,1]", "b1[1,1]", "W1[1]", "b2[5]", "W1", "W1[a,1]", ""} {
		_, err := net.ParamIndex(bad)
		assert.ErrorIs(t, err, nn.ErrUnknownParam, bad)
	}
	assert.Panics(t, func() { net.ParamName(20) })
}

func TestInitDeterministic(t *testing.T) {
	net := nn.MustParse("5-4-3")
	a, b, c := net.Init(nil, 1), net.Init(nil, 1), net.Init(nil, 2)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	assert.Panics(t, func() { net.Init(make([]float64, 3), 1) })
}

// TestCostByHand checks the reference forward pass on a 2-2-1 network worked out by hand.
func TestCostByHand(t *testing.T) {
	net := nn.MustParse("2-2-1:relu,identity")
	// W1 = [[1, -1], [2, 0.5]], b1 = [0, -1], W2 = [[3, -2]], b2 = [0.5].
	A := []float64{1, -1, 2, 0.5, 0, -1, 3, -2, 0.5}
	// x = (1, 2): ŷ = (−1, 2), y = (0, 2), z = −4 + 0.5 = −3.5; z̄ = 1: K = 20.25.
	// x = (0, 4): ŷ = (−4, 1), y = (0, 1), z = −1.5; z̄ = −1: K += 0.25.
	b, err := nn.NewBatch([][]float64{{1, 2}, {0, 4}}, [][]float64{{1}, {-1}})
	require.NoError(t, err)
	k, err := net.Cost(A, b)
	require.NoError(t, err)
	assert.InDelta(t, 20.5, k, 1e-12)
	z, err := net.Predict(A, []float64{1, 2})
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{-3.5}, z, 1e-12)
}

func TestCheck(t *testing.T) {
	net := nn.MustParse("3-2")
	A := net.Init(nil, 1)
	good := net.RandomBatch(4, 1)
	nanA := append([]float64(nil), A...)
	nanA[7] = math.NaN()
	infZ := mat.DenseCopyOf(good.Z)
	infZ.Set(2, 1, math.Inf(-1))
	for _, tc := range []struct {
		name string
		A    []float64
		b    nn.Batch
		want error
		msg  string
	}{
		{"good", A, good, nil, ""},
		{"NaN in A", nanA, good, nn.ErrNonFinite, "b1[2]"},
		{"Inf in Z", A, nn.Batch{X: good.X, Z: infZ}, nn.ErrNonFinite, "Z[3,2]"},
		{"long A", append(A, 1), good, nn.ErrShape, "has 8 parameters"},
		{"empty", A, nn.Batch{}, nn.ErrEmptyBatch, ""},
		{"X width", A, nn.Batch{X: mat.NewDense(4, 2, nil), Z: good.Z}, nn.ErrShape, "length 3"},
		{"Z rows", A, nn.Batch{X: good.X, Z: mat.NewDense(3, 2, nil)}, nn.ErrShape, "4 inputs but 3 targets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := net.Check(tc.A, tc.b)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	_, err := nn.NewBatch([][]float64{{1, 2}, {1}}, [][]float64{{1}, {2}})
	assert.ErrorIs(t, err, nn.ErrShape)
	_, err = nn.NewBatch(nil, nil)
	assert.ErrorIs(t, err, nn.ErrEmptyBatch)
}

func TestCheckOnThreads(t *testing.T) {
	net := nn.MustParse("784-300-100-10")
	A := net.Init(nil, 1)
	b := net.RandomBatch(100, 1)
	for _, threads := range []int{1, 2, 3} {
		pool := par.NewPool(threads)
		require.NoError(t, net.CheckOn(pool, A, b), "%d threads", threads)
		assert.Zero(t, testing.AllocsPerRun(5, func() { _ = net.CheckOn(pool, A, b) }), "%d threads", threads)
		// Two bad entries: the error names the first, whichever thread finds which.
		for _, pos := range [][2]int{{5, 200000}, {150000, 150001}, {len(A) - 2, len(A) - 1}, {0, len(A) - 1}} {
			bad := append([]float64(nil), A...)
			bad[pos[0]], bad[pos[1]] = math.Inf(1), math.NaN()
			want := net.Check(bad, b)
			got := net.CheckOn(pool, bad, b)
			require.Error(t, want)
			assert.Equal(t, want.Error(), got.Error(), "%d threads, bad at %v", threads, pos)
			var nf *nn.NonFiniteError
			require.ErrorAs(t, got, &nf)
			assert.Equal(t, pos[0], nf.Index)
		}
		x := mat.DenseCopyOf(b.X)
		x.Set(77, 500, math.NaN())
		x.Set(90, 3, math.Inf(-1))
		err := net.CheckOn(pool, A, nn.Batch{X: x, Z: b.Z})
		assert.ErrorIs(t, err, nn.ErrNonFinite)
		assert.Contains(t, err.Error(), "X[78,501]", "%d threads", threads)
	}
}

func TestEvaluatorNoAllocs(t *testing.T) {
	net := nn.MustParse("20-10-5:tanh,sigmoid")
	A := net.Init(nil, 3)
	b := net.RandomBatch(16, 3)
	ev := nn.NewEvaluator(net)
	ev.Cost(A, b)
	assert.Zero(t, testing.AllocsPerRun(10, func() { ev.Cost(A, b) }))
}

func TestEvaluatorNoAllocsLarge(t *testing.T) {
	// Products of this size make gonum's Dgemm go parallel (and allocate) unless tiled.
	net := nn.MustParse("784-100-10")
	A := net.Init(nil, 1)
	b := net.RandomBatch(100, 1)
	ev := nn.NewEvaluator(net)
	k := ev.Cost(A, b)
	assert.Zero(t, testing.AllocsPerRun(3, func() { ev.Cost(A, b) }))
	// The tiled product against a plain triple loop.
	var want float64
	blocks := net.Blocks()
	w1, b1, w2, b2 := blocks[0].View(A), blocks[1].View(A), blocks[2].View(A), blocks[3].View(A)
	for i := range 100 {
		y := make([]float64, 100)
		for j := range y {
			s := b1[j]
			for c := range 784 {
				s += w1[j*784+c] * b.X.At(i, c)
			}
			y[j] = nn.SigmoidF(s)
		}
		for o := range 10 {
			s := b2[o]
			for j := range y {
				s += w2[o*100+j] * y[j]
			}
			d := nn.SigmoidF(s) - b.Z.At(i, o)
			want += d * d
		}
	}
	assert.InEpsilon(t, want, k, 1e-12)
}

func BenchmarkCheckParams(b *testing.B) {
	net := nn.MustParse("784-100-10")
	A := net.Init(nil, 1)
	b.ReportAllocs()
	for b.Loop() {
		if err := net.CheckParams(A); err != nil {
			b.Fatal(err)
		}
	}
}
