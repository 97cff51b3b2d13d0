package train

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
)

func TestCostConventions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Cost
	}{{"sum", CostSum}, {"Mean", CostMean}, {" mean ", CostMean}} {
		c, err := ParseCost(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, c)
	}
	_, err := ParseCost("avg")
	assert.ErrorContains(t, err, "want sum or mean")
	assert.InDelta(t, 0.15, EtaSum(3.0, CostMean, nn.Quadratic, 10), 1e-15) // Nielsen's η = 3, m = 10
	assert.InDelta(t, 3.0, EtaSum(3.0, CostSum, nn.Quadratic, 10), 0)
	assert.InDelta(t, 1.0/20, CostMean.Scale(nn.Quadratic, 10), 1e-15)
	// Nielsen's mean cross-entropy is K/m, without the ½ of the quadratic cost.
	assert.InDelta(t, 0.05, EtaSum(0.5, CostMean, nn.CrossEntropy, 10), 1e-15)
	assert.InDelta(t, 0.5, EtaSum(0.5, CostSum, nn.CrossEntropy, 10), 0)
	assert.Equal(t, "mean", CostMean.String())
}

// TestXOR: full-batch gradient descent as in the notes (sigmoid 2-3-1, plain sum, η = 2)
// learns XOR from every one of five seeds.
func TestXOR(t *testing.T) {
	net := nn.MustParse("2-3-1")
	xor := data.XOR()
	for seed := uint64(1); seed <= 5; seed++ {
		res, err := Run(context.Background(), net, xor, xor, Config{Engine: fakeName, Epochs: 2000, Eta: 2, Seed: seed})
		require.NoError(t, err)
		require.Len(t, res.Epochs, 2000)
		assert.Equal(t, 4, res.BatchSize)
		assert.Greater(t, res.Initial.TrainCost, 0.5)
		// Stated level: K < 0.01 on the four pairs, all four classified.
		assert.Less(t, res.Final().TrainCost, 0.01, "seed %d", seed)
		assert.InDelta(t, 1.0, res.Final().TestAccuracy, 0, "seed %d", seed)
	}
}

// TestSGDSmallSets: mini-batch SGD on the built-in sets reaches a stated level.
func TestSGDSmallSets(t *testing.T) {
	tests := []struct {
		set       string
		arch      string
		epochs    int
		eta       float64
		maxCost   float64 // final training cost (Nielsen's C: ½·mean or mean cross-entropy) below this
		minAccTst float64
		cost      nn.CostKind
	}{
		{"blobs", "2-6-4", 15, 3.0, 0.06, 0.95, nn.Quadratic},
		{"spirals", "2-12-12-2:tanh,tanh,sigmoid", 40, 1.0, 0.05, 0.9, nn.Quadratic},
		{"blobs", "2-6-4:sigmoid,identity", 15, 0.5, 0.2, 0.95, nn.CrossEntropy},
		{"spirals", "2-12-12-2:tanh,tanh,identity", 40, 0.2, 0.2, 0.9, nn.CrossEntropy},
	}
	for _, tc := range tests {
		t.Run(tc.set+"/"+tc.cost.String(), func(t *testing.T) {
			tr, te, err := data.Builtin(tc.set, 7)
			require.NoError(t, err)
			res, err := Run(context.Background(), nn.MustParse(tc.arch).WithCost(tc.cost), tr, te,
				Config{Engine: fakeName, Epochs: tc.epochs, BatchSize: 10, Eta: tc.eta, Cost: CostMean, Seed: 3})
			require.NoError(t, err)
			t.Logf("%s: cost %.4f → %.4f, test accuracy %.3f → %.3f", tc.set, res.Initial.TrainCost, res.Final().TrainCost, res.Initial.TestAccuracy, res.Final().TestAccuracy)
			assert.Less(t, res.Final().TrainCost, tc.maxCost)
			assert.Less(t, res.Final().TrainCost, res.Initial.TrainCost/2)
			assert.GreaterOrEqual(t, res.Final().TestAccuracy, tc.minAccTst)
		})
	}
}

// TestWeightDecay: one step with λ shrinks every weight by 1 − η·λ/n before the gradient step,
// and leaves the biases alone.
func TestWeightDecay(t *testing.T) {
	net := nn.MustParse("2-3-4:tanh,identity").WithCost(nn.CrossEntropy)
	tr, te, err := data.Builtin("blobs", 1)
	require.NoError(t, err)
	tr = tr.Head(10)
	const eta, lambda = 0.5, 4.0
	cfg := Config{Engine: fakeName, Epochs: 1, Eta: eta, Cost: CostMean, WeightDecay: lambda, Seed: 2}
	res, err := Run(context.Background(), net, tr, te, cfg)
	require.NoError(t, err)
	A0 := net.Init(nil, 2)
	g, _, err := gradients.Grad(fakeName, net, A0, tr.Batch)
	require.NoError(t, err)
	shrink := 1 - eta*lambda/10
	for i, a := range A0 {
		want := a - eta/10*g[i] // full batch of n = 10 pairs: η_sum = η/n on the cross-entropy
		if b, _ := net.BlockOf(i); b.Kind == nn.Weight {
			want = shrink*a - eta/10*g[i]
		}
		assert.InDelta(t, want, res.Params[i], 1e-14, net.ParamName(i))
	}
	assert.InDelta(t, lambda, res.WeightDecay, 0)
	assert.Equal(t, "xent", res.Cost)
	assert.Equal(t, "mean", res.Convention)
	_, err = NewSGD(net, tr, Config{Eta: 1, WeightDecay: -1})
	assert.ErrorContains(t, err, "weight decay")
}

// TestEtaDecay: with EtaDecay F the second epoch steps with η·F, the same as a run restarted
// from the first epoch's parameters with that η.
func TestEtaDecay(t *testing.T) {
	net := nn.MustParse("2-4-4:tanh,identity").WithCost(nn.CrossEntropy)
	tr, te, err := data.Builtin("blobs", 1)
	require.NoError(t, err)
	decayed, err := Run(context.Background(), net, tr, te, Config{Engine: fakeName, Epochs: 2, Eta: 1, EtaDecay: 0.5, Seed: 4})
	require.NoError(t, err)
	first, err := Run(context.Background(), net, tr, te, Config{Engine: fakeName, Epochs: 1, Eta: 1, Seed: 4})
	require.NoError(t, err)
	second, err := Run(context.Background(), net, tr, te, Config{Engine: fakeName, Epochs: 1, Eta: 0.5, Init: first.Params})
	require.NoError(t, err)
	assert.Equal(t, second.Params, decayed.Params)
	constant, err := Run(context.Background(), net, tr, te, Config{Engine: fakeName, Epochs: 2, Eta: 1, Seed: 4})
	require.NoError(t, err)
	assert.NotEqual(t, constant.Params, decayed.Params)
	_, err = NewSGD(net, tr, Config{Eta: 1, EtaDecay: 1.5})
	assert.ErrorContains(t, err, "η decay")
}

func TestDeterministic(t *testing.T) {
	net := nn.MustParse("2-5-4")
	tr, te, err := data.Builtin("blobs", 1)
	require.NoError(t, err)
	cfg := Config{Engine: fakeName, Epochs: 3, BatchSize: 7, Eta: 2, Cost: CostMean, Seed: 11}
	a, err := Run(context.Background(), net, tr, te, cfg)
	require.NoError(t, err)
	b, err := Run(context.Background(), net, tr, te, cfg)
	require.NoError(t, err)
	assert.Equal(t, a.Params, b.Params, "same seed: same parameters bit for bit")
	for i := range a.Epochs {
		assert.Equal(t, a.Epochs[i].TrainCost, b.Epochs[i].TrainCost)
	}
	cfg.Seed = 12
	c, err := Run(context.Background(), net, tr, te, cfg)
	require.NoError(t, err)
	assert.NotEqual(t, a.Params, c.Params)
	// Same initial parameters, different shuffle: different end.
	cfg.Init = net.Init(nil, 11)
	d, err := Run(context.Background(), net, tr, te, cfg)
	require.NoError(t, err)
	assert.Equal(t, a.Initial, withoutTimes(d.Initial, a.Initial))
	assert.NotEqual(t, a.Params, d.Params)
}

func withoutTimes(e, like Epoch) Epoch {
	e.Seconds, e.EvalSeconds = like.Seconds, like.EvalSeconds
	return e
}

// TestEtaMapping: η_mean on ½·mean is the same step as η_mean/(2m) on the plain sum.
func TestEtaMapping(t *testing.T) {
	net := nn.MustParse("2-5-4")
	tr, te, err := data.Builtin("blobs", 1)
	require.NoError(t, err)
	for _, m := range []int{0, 8} { // full batch, and mini-batches of 8 (800 = 100·8)
		mean, err := Run(context.Background(), net, tr, te, Config{Engine: fakeName, Epochs: 2, BatchSize: m, Eta: 3, Cost: CostMean, Seed: 5})
		require.NoError(t, err)
		size := mean.BatchSize
		sum, err := Run(context.Background(), net, tr, te, Config{Engine: fakeName, Epochs: 2, BatchSize: m, Eta: 3.0 / (2 * float64(size)), Cost: CostSum, Seed: 5})
		require.NoError(t, err)
		assert.InDelta(t, mean.EtaSum, sum.EtaSum, 1e-15)
		for i, p := range mean.Params {
			assert.InDelta(t, p, sum.Params[i], 1e-12, "parameter %s", net.ParamName(i))
		}
		// Reported costs differ by 1/(2N).
		n := float64(tr.Len())
		assert.InEpsilon(t, sum.Final().TrainCost/(2*n), mean.Final().TrainCost, 1e-12)
	}
}

func TestRunErrors(t *testing.T) {
	net := nn.MustParse("2-3-1")
	xor := data.XOR()
	ctx := context.Background()
	tests := []struct {
		name string
		net  *nn.Network
		set  data.Set
		cfg  Config
		want string
		is   error
	}{
		{"no eta", net, xor, Config{Engine: fakeName}, "learning rate", nil},
		{"nan eta", net, xor, Config{Engine: fakeName, Eta: math.NaN()}, "learning rate", nil},
		{"negative batch", net, xor, Config{Engine: fakeName, Eta: 1, BatchSize: -1}, "batch size -1", nil},
		{"negative epochs", net, xor, Config{Engine: fakeName, Eta: 1, Epochs: -2}, "-2 epochs", nil},
		{"bad cost", net, xor, Config{Engine: fakeName, Eta: 1, Cost: 7}, "Cost(7)", nil},
		{"unknown engine", net, xor, Config{Engine: "no-such-engine", Eta: 1}, "no-such-engine", gradients.ErrUnknownEngine},
		{"set does not fit", nn.MustParse("3-2-1"), xor, Config{Engine: fakeName, Eta: 1}, "set xor has 2 inputs", nn.ErrShape},
		{"bad init", net, xor, Config{Engine: fakeName, Eta: 1, Init: []float64{1}}, "initial parameters", nn.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(ctx, tc.net, tc.set, tc.set, tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}
	t.Run("non-finite data", func(t *testing.T) {
		bad := data.XOR()
		bad.X = mat.DenseCopyOf(bad.X)
		bad.X.Set(2, 1, math.Inf(1))
		_, err := Run(ctx, net, bad, xor, Config{Engine: fakeName, Eta: 1})
		assert.ErrorIs(t, err, nn.ErrNonFinite)
	})
	t.Run("diverges", func(t *testing.T) {
		lin := nn.MustParse("2-1:identity")
		res, err := Run(ctx, lin, xor, xor, Config{Engine: fakeName, Eta: 1e3, Epochs: 500, BatchSize: 1})
		require.ErrorIs(t, err, nn.ErrNonFinite)
		assert.Regexp(t, `train: epoch \d+: step \d+: `, err.Error())
		require.NotNil(t, res)
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		res, err := Run(cctx, net, xor, xor, Config{Engine: fakeName, Eta: 1, Epochs: 3})
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, res.Epochs)
	})
}

func TestOnEpochAndProgress(t *testing.T) {
	var seen []int
	var bar bytes.Buffer
	tr, te, err := data.Builtin("blobs", 1)
	require.NoError(t, err)
	res, err := Run(context.Background(), nn.MustParse("2-3-4"), tr, te, Config{
		Engine: fakeName, Epochs: 2, BatchSize: 50, Eta: 1, Cost: CostMean,
		Progress: &bar, OnEpoch: func(e Epoch) { seen = append(seen, e.Epoch) },
	})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2}, seen)
	assert.Contains(t, bar.String(), "epoch 2/2")
	assert.Equal(t, 50, res.BatchSize)
	assert.InDelta(t, 1.0/100, res.EtaSum, 1e-15)
	for _, e := range res.Epochs {
		assert.Positive(t, e.Seconds, "epoch %d took time", e.Epoch)
	}
}

func TestSecondsPerEpoch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		epochs []Epoch
		want   float64
	}{
		{"no epochs", nil, 0},
		{"one", []Epoch{{Seconds: 1.5}}, 1.5},
		{"mean", []Epoch{{Seconds: 1}, {Seconds: 2}, {Seconds: 6}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, (&Result{Epochs: tc.epochs}).SecondsPerEpoch(), 1e-15)
		})
	}
}

func TestAccuracy(t *testing.T) {
	s := data.Set{Labels: []int{2, 0, 1}}
	z := blas64.General{Rows: 3, Cols: 3, Stride: 3, Data: []float64{0.1, 0.2, 0.9, 0.5, 0.4, 0.0, 0.3, 0.2, 0.1}}
	assert.InDelta(t, 2.0/3, Accuracy(z, s), 1e-15)
	one := blas64.General{Rows: 4, Cols: 1, Stride: 1, Data: []float64{0.2, 0.7, 0.5, 0.49}}
	assert.InDelta(t, 0.75, Accuracy(one, data.Set{Labels: []int{0, 1, 1, 1}}), 1e-15)
	assert.True(t, math.IsNaN(Accuracy(one, data.Set{})))
	assert.Panics(t, func() { Accuracy(one, s) })
}
