package bench

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// fdEngine is a test-only engine (never registered): forward differences through the
// reference evaluator, with the cost-evaluation count the runner's estimate uses.
type fdEngine struct {
	net  *nn.Network
	ev   *nn.Evaluator
	work []float64
}

func (e *fdEngine) Name() string         { return "test-fd" }
func (e *fdEngine) CostEvaluations() int { return e.net.NumParams() + 1 }
func (e *fdEngine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("test-fd", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, err
	}
	copy(e.work, A)
	k := e.ev.Cost(e.work, b)
	const h = 1e-7
	for i := range e.work {
		e.work[i] += h
		dst[i] = (e.ev.Cost(e.work, b) - k) / h
		e.work[i] = A[i]
	}
	return dst, k, nil
}

var fdInfo = gradients.Info{Name: "test-fd", Tolerance: 1e-5, New: func(net *nn.Network) (gradients.Engine, error) {
	return &fdEngine{net: net, ev: nn.NewEvaluator(net), work: make([]float64, net.NumParams())}, nil
}}

// plainEngine hides the cost counter, so that the runner must time a first call.
type plainEngine struct{ *fdEngine }

func (plainEngine) CostEvaluations() {} // shadows fdEngine's, so gradients.CostCounter is not met

var plainInfo = gradients.Info{Name: "test-plain", Tolerance: 1e-5, New: func(net *nn.Network) (gradients.Engine, error) {
	e, _ := fdInfo.New(net)
	return plainEngine{e.(*fdEngine)}, nil
}}

var fast = Options{MinTime: time.Millisecond, Repeats: 3, Budget: time.Second, Seed: 7}

func TestRunMeasuresAndSkips(t *testing.T) {
	unsupported := gradients.Info{Name: "test-unsupported", New: func(net *nn.Network) (gradients.Engine, error) {
		return nil, fmt.Errorf("%w: only tiny nets", gradients.ErrUnsupported)
	}}
	cases := []Case{{Net: "2-3-1", Batch: 4}, {Net: "16-32-10", Batch: 8}}
	s, err := Run([]gradients.Info{fdInfo, unsupported}, cases, fast)
	require.NoError(t, err)
	require.Len(t, s.Forward, 2)
	require.Len(t, s.Gradient, 4)
	for _, f := range s.Forward {
		assert.Positive(t, f.Ns)
		assert.Positive(t, f.GFLOPS)
		// Per call, as go test -bench rounds allocs/op: the runtime itself may allocate a
		// parking record for a worker that blocks on a loaded machine (seen: 0.0008 per call).
		assert.Less(t, f.Allocs, 0.5, "the reference forward pass allocates nothing after warm-up")
	}
	r := s.Gradient[0]
	assert.Equal(t, "test-fd", r.Engine)
	assert.Equal(t, "2-3-1", r.Net)
	assert.Equal(t, 13, r.Params)
	assert.Equal(t, 4, r.Batch)
	assert.False(t, r.Skipped)
	assert.Equal(t, 14, r.CostEvals)
	assert.Positive(t, r.GradientNs)
	assert.InEpsilon(t, r.GradientNs/r.ForwardNs, r.Ratio, 1e-12)
	if _, ok := processCPU(); ok {
		assert.Positive(t, r.GradientCPUNs)
		assert.Positive(t, r.ForwardCPUNs)
		assert.InEpsilon(t, r.GradientCPUNs/r.ForwardCPUNs, r.CPURatio, 1e-12)
	}
	assert.Positive(t, r.GFLOPS)
	assert.GreaterOrEqual(t, r.Repeats, 3)

	u := s.Gradient[1]
	assert.True(t, u.Skipped)
	assert.Contains(t, u.Reason, "only tiny nets")
	assert.Equal(t, "16-32-10", s.Gradient[2].Net)
	assert.Equal(t, map[string]string{"test-unsupported": u.Reason}, s.Skips(cases[0]))
	assert.Empty(t, s.Skips(Case{Net: "2-3-1", Batch: 5}))
}

func TestPrepareSkipsByEstimate(t *testing.T) {
	s, err := NewSetup(Case{Net: "16-32-10", Batch: 8}, 1)
	require.NoError(t, err)
	t.Run("cost evaluations", func(t *testing.T) {
		p, err := Prepare(fdInfo, s, 1000, time.Microsecond, nil)
		require.NoError(t, err)
		assert.Equal(t, 16*32+32+32*10+10+1, p.CostEvals)
		assert.InDelta(t, float64(p.CostEvals)*1000, p.EstimateNs, 1e-9)
		assert.Contains(t, p.Skip, "cost evaluations × forward")
		assert.Zero(t, p.FirstNs, "an engine skipped by its estimate is never called")
	})
	t.Run("first call", func(t *testing.T) {
		p, err := Prepare(plainInfo, s, 1000, time.Nanosecond, nil)
		require.NoError(t, err)
		assert.Positive(t, p.FirstNs)
		assert.Contains(t, p.Skip, "first gradient took")
	})
	t.Run("within budget", func(t *testing.T) {
		p, err := Prepare(fdInfo, s, 1000, time.Hour, nil)
		require.NoError(t, err)
		assert.Empty(t, p.Skip)
		assert.NotNil(t, p.Engine)
	})
}

func TestRunAndCrossCheckRecordFailures(t *testing.T) {
	boom := gradients.Info{Name: "test-boom", New: func(*nn.Network) (gradients.Engine, error) { return nil, errors.New("boom") }}
	s, err := Run([]gradients.Info{fdInfo, boom}, []Case{{Net: "2-3-1", Batch: 2}}, fast)
	require.NoError(t, err, "a failing engine does not stop the run")
	require.Len(t, s.Gradient, 2)
	assert.False(t, s.Gradient[0].Failed)
	assert.True(t, s.Gradient[1].Failed)
	assert.True(t, s.Gradient[1].Skipped)
	assert.Contains(t, s.Gradient[1].Reason, "boom")

	a, err := CrossCheck([]gradients.Info{fdInfo, boom}, Case{Net: "2-3-1", Batch: 2}, nil, 1, time.Second, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"test-fd"}, a.Engines)
	require.Len(t, a.Excluded, 1)
	assert.True(t, a.Excluded[0].Failed)
	assert.Contains(t, a.Excluded[0].Reason, "boom")
}

func TestPrepareReturnsEngineErrors(t *testing.T) {
	s, err := NewSetup(Case{Net: "2-3-1", Batch: 2}, 1)
	require.NoError(t, err)
	boom := errors.New("boom")
	bad := gradients.Info{Name: "test-bad", New: func(*nn.Network) (gradients.Engine, error) { return nil, boom }}
	_, err = Prepare(bad, s, 1, time.Second, nil)
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "test-bad")
}

func TestFLOPs(t *testing.T) {
	net := nn.MustParse("4-3-2")
	// forward per pair: 2·4·3+3 + 2·3·2+2 = 27 + 14 = 41
	assert.InDelta(t, 410, ForwardFLOPs(net, 10), 0)
	// gradient per pair: 41 + (24+3) + (12+2) + 12 = 94
	assert.InDelta(t, 940, GradientFLOPs(net, 10), 0)
}

func TestMedianAndFormat(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		assert.InDelta(t, tc.want, Median(tc.xs), 0, "%v", tc.xs)
	}
	for _, tc := range []struct {
		ns   float64
		want string
	}{{812, "812ns"}, {4310, "4.31µs"}, {12.04e6, "12.0ms"}, {3.2e9, "3.20s"}, {456e3, "456µs"}} {
		assert.Equal(t, tc.want, FormatNs(tc.ns))
	}
}

func TestParseCases(t *testing.T) {
	cs, err := ParseCases("2-3-1@4; 784-30-10 4-8-3:tanh,sigmoid@2", 10)
	require.NoError(t, err)
	assert.Equal(t, []Case{{Net: "2-3-1", Batch: 4}, {Net: "784-30-10", Batch: 10}, {Net: "4-8-3:tanh,sigmoid", Batch: 2}}, cs)
	cs, err = ParseCases("4-8-3:tanh,sigmoid,2-3-1@3,5-2:relu", 10)
	require.NoError(t, err)
	assert.Equal(t, []Case{{Net: "4-8-3:tanh,sigmoid", Batch: 10}, {Net: "2-3-1", Batch: 3}, {Net: "5-2:relu", Batch: 10}}, cs)
	cs, err = ParseCases("1x8x8-conv4@3x3-10:relu,sigmoid@7 lenet1@100 1x6x6-conv2@2x2/s2-2", 10)
	require.NoError(t, err)
	assert.Equal(t, []Case{{Net: "1x8x8-conv4@3x3-10:relu,sigmoid", Batch: 7}, {Net: "lenet1", Batch: 100}, {Net: "1x6x6-conv2@2x2/s2-2", Batch: 10}}, cs)
	assert.Equal(t, Networks["lenet1"], cs[1].Arch())
	for _, bad := range []string{"", ",", "2-3-1@0", "2-3-1@x", "2-x-1", "tanh,2-3-1", "1x8x8-conv4@3x3@0"} {
		_, err := ParseCases(bad, 10)
		assert.Error(t, err, bad)
	}
}

func TestForwardDifferenceEngineIsRight(t *testing.T) {
	// The test engine must itself be right, or the runner tests would time nonsense.
	net := nn.MustParse("2-3-1")
	A := net.Init(nil, 3)
	b := net.RandomBatch(4, 3)
	e, _ := fdInfo.New(net)
	g, k, err := e.Gradient(nil, A, b)
	require.NoError(t, err)
	ev := nn.NewEvaluator(net)
	assert.InDelta(t, ev.Cost(A, b), k, 1e-12)
	for i := range A {
		ap, am := append([]float64(nil), A...), append([]float64(nil), A...)
		ap[i] += 1e-5
		am[i] -= 1e-5
		c := (ev.Cost(ap, b) - ev.Cost(am, b)) / 2e-5
		assert.InDelta(t, c, g[i], 1e-5*math.Max(1, math.Abs(c)))
	}
}

func TestPrepareSkipsByModel(t *testing.T) {
	s, err := NewSetup(Case{Net: "16-32-10", Batch: 8}, 1)
	require.NoError(t, err)
	m := &gradients.CostModel{}
	m.Add(10, 8, 100) // ratio ∝ params: 100·862/10 at this net
	p, err := Prepare(plainInfo, s, 1000, time.Millisecond, m)
	require.NoError(t, err)
	assert.Contains(t, p.Skip, "extrapolated")
	assert.InEpsilon(t, 100*float64(s.Network.NumParams())/10*1000, p.EstimateNs, 1e-9)
	assert.Zero(t, p.FirstNs)
}

func TestScalingAndFits(t *testing.T) {
	sc, err := RunScaling([]gradients.Info{fdInfo}, []int{2, 4, 8}, 2, fast)
	require.NoError(t, err)
	require.Len(t, sc.Gradient, 3)
	require.Len(t, sc.Fits, 2)
	assert.Equal(t, "forward", sc.Fits[0].Engine)
	assert.Equal(t, "test-fd", sc.Fits[1].Engine)
	assert.Equal(t, 3, sc.Fits[1].Points)
	assert.Equal(t, 2*2*2+2*2, sc.Fits[1].MinParams)
	// The fitted exponents come from wall-clock timings, which a shared machine makes noisy:
	// they are checked for being computed, not for their value (LogLogSlope is tested on
	// exact data below).
	assert.False(t, math.IsNaN(sc.Fits[1].RatioExponent))
}

func TestLogLogSlope(t *testing.T) {
	x := []float64{1, 10, 100}
	assert.InDelta(t, 2, LogLogSlope(x, []float64{3, 300, 30000}), 1e-12)
	assert.InDelta(t, 0, LogLogSlope(x, []float64{5, 5, 5}), 1e-12)
	assert.True(t, math.IsNaN(LogLogSlope([]float64{4, 4}, []float64{1, 2})))
	assert.Panics(t, func() { LogLogSlope(x, x[:2]) })
}

func TestCrossCheck(t *testing.T) {
	// Two independent engines on the same case must agree within the forward difference's
	// tolerance; a third excluded by the caller is listed with its reason.
	central := gradients.Info{Name: "test-central", Tolerance: 1e-5, New: func(net *nn.Network) (gradients.Engine, error) {
		return centralEngine{net: net, ev: nn.NewEvaluator(net)}, nil
	}}
	a, err := CrossCheck([]gradients.Info{fdInfo, central, plainInfo}, Case{Net: "2-3-1", Batch: 4},
		map[string]string{"test-plain": "too slow"}, 1, time.Second, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"test-fd", "test-central"}, a.Engines)
	assert.Equal(t, []Excluded{{Engine: "test-plain", Reason: "too slow"}}, a.Excluded)
	require.Len(t, a.Report.Pairs, 1)
	assert.True(t, a.Report.Agree, "%+v", a.Report.Pairs[0])
	require.Len(t, a.Results, 2)
	assert.InDelta(t, a.Results[0].K, a.Results[1].K, 1e-12)
}

// centralEngine is a second test-only engine: central differences, allocating.
type centralEngine struct {
	net *nn.Network
	ev  *nn.Evaluator
}

func (centralEngine) Name() string { return "test-central" }
func (e centralEngine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("test-central", dst, e.net.NumParams())
	w := append([]float64(nil), A...)
	const h = 1e-5
	for i := range w {
		w[i] = A[i] + h
		kp := e.ev.Cost(w, b)
		w[i] = A[i] - h
		dst[i] = (kp - e.ev.Cost(w, b)) / (2 * h)
		w[i] = A[i]
	}
	return dst, e.ev.Cost(A, b), nil
}

// A case carries its cost kind into the network it sets up and into its name.
func TestCaseCost(t *testing.T) {
	c := Case{Net: "4-8-3:tanh,identity", Batch: 5}
	assert.Equal(t, "net=4-8-3:tanh,identity/batch=5", c.String())
	x := WithCost([]Case{c}, nn.CrossEntropy)[0]
	assert.Equal(t, "net=4-8-3:tanh,identity/cost=xent/batch=5", x.String())
	assert.Equal(t, nn.Quadratic, c.Cost, "WithCost copies")
	s, err := NewSetup(x, 1)
	require.NoError(t, err)
	assert.Equal(t, nn.CrossEntropy, s.Network.CostKind())
	k, err := s.Network.Cost(s.A, s.B)
	require.NoError(t, err)
	q, err := NewSetup(c, 1)
	require.NoError(t, err)
	kq, err := q.Network.Cost(q.A, q.B)
	require.NoError(t, err)
	assert.NotEqual(t, kq, k)
}
