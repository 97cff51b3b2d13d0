package gradients

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

// counted is a fake engine that claims evals cost evaluations per gradient.
type counted struct {
	fake
	evals int
	sleep time.Duration
}

func (c *counted) CostEvaluations() int { return c.evals }
func (c *counted) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	time.Sleep(c.sleep)
	return c.fake.Gradient(dst, A, b)
}

func countedInfo(name string, evals int, sleep time.Duration) Info {
	return Info{Name: name, Tolerance: 1e-6, New: func(net *nn.Network) (Engine, error) {
		if net.NumLayers() > 1 {
			return nil, fmt.Errorf("%s: %w", name, ErrUnsupported)
		}
		return &counted{fake{[]float64{1, 2, 3}}, evals, sleep}, nil
	}}
}

func TestRunnerBudget(t *testing.T) {
	net := nn.MustParse("2-1")
	A, b := []float64{0, 0, 0}, net.RandomBatch(2, 1)
	cheap, huge := countedInfo("cheap", 1, 0), countedInfo("huge", 1_000_000_000_000, 0)
	for _, tc := range []struct {
		name    string
		r       Runner
		ran     []string
		skipped []string
	}{
		{"no limit", Runner{}, []string{"cheap", "huge"}, nil},
		{"budget", Runner{Budget: time.Second}, []string{"cheap"}, []string{"huge"}},
		{"insist", Runner{Budget: time.Second, Insist: true}, []string{"cheap", "huge"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			tc.r.Progress, tc.r.Hint = &w, "raise the budget"
			out, err := tc.r.Run([]Info{cheap, huge}, net, A, b)
			require.NoError(t, err)
			var ran, skipped []string
			for i, res := range out.Results {
				ran = append(ran, res.Engine)
				assert.Equal(t, 1e-6, res.Tolerance)
				assert.Equal(t, DefaultStep, res.Step)
				assert.Equal(t, []float64{1, 2, 3}, res.Grad)
				assert.Positive(t, out.Times[i])
			}
			for _, s := range out.Skipped {
				skipped = append(skipped, s.Engine)
				assert.Contains(t, s.Reason, "1000000000000 cost evaluations × forward")
				assert.Contains(t, s.Reason, "exceeds the budget of 1s; raise the budget")
				assert.Greater(t, s.Estimate, time.Second)
				assert.Contains(t, w.String(), "gradients: skipping huge: estimated ")
			}
			assert.Equal(t, tc.ran, ran)
			assert.Equal(t, tc.skipped, skipped)
		})
	}
}

func TestRunnerUnsupported(t *testing.T) {
	net := nn.MustParse("2-2-1")
	A, b := net.Init(nil, 1), net.RandomBatch(2, 1)
	out, err := (&Runner{}).Run([]Info{countedInfo("one-layer", 1, 0)}, net, A, b)
	require.NoError(t, err)
	require.Len(t, out.Skipped, 1)
	assert.Contains(t, out.Skipped[0].Reason, "unsupported")
	_, err = (&Runner{Insist: true}).Run([]Info{countedInfo("one-layer", 1, 0)}, net, A, b)
	assert.ErrorIs(t, err, ErrUnsupported)
	// Bad input is an error before any engine runs.
	_, err = (&Runner{}).Run([]Info{countedInfo("one-layer", 1, 0)}, net, A[:1], b)
	assert.Error(t, err)
}

func TestCostModel(t *testing.T) {
	var empty *CostModel
	_, _, ok := empty.Estimate(100, 1)
	assert.False(t, ok)

	one := &CostModel{}
	one.Add(100, 1, 50)
	r, how, ok := one.Estimate(1000, 1)
	require.True(t, ok)
	assert.InEpsilon(t, 500, r, 1e-12, "a single point extrapolates linearly")
	assert.Contains(t, how, "params^1.00")
	r, _, _ = one.Estimate(10, 1)
	assert.InEpsilon(t, 50, r, 1e-12, "below the anchor the anchor's ratio stands")

	flat := &CostModel{}
	flat.Add(100, 1, 8)
	flat.Add(1000, 1, 3) // overheads shrink: the fitted slope is negative, clamped to 0
	r, _, _ = flat.Estimate(100000, 1)
	assert.InEpsilon(t, 3, r, 1e-12)

	quad := &CostModel{}
	quad.Add(10, 1, 1)
	quad.Add(100, 1, 1000) // slope 3, clamped to 2
	r, _, _ = quad.Estimate(1000, 1)
	assert.InEpsilon(t, 1000*100, r, 1e-9)

	batches := &CostModel{}
	batches.Add(1000, 1, 40) // one pair: overheads dominate
	batches.Add(1000, 100, 3)
	r, how, _ = batches.Estimate(1000, 100)
	assert.InEpsilon(t, 3, r, 1e-12, "the points of the same batch size decide")
	assert.Contains(t, how, "batch 100")
	r, _, _ = batches.Estimate(1000, 16)
	assert.InEpsilon(t, 40, r, 1e-12, "without points of the batch size, the worst ratio stands")
}

func TestEstimateTime(t *testing.T) {
	m := &CostModel{}
	m.Add(100, 16, 4)
	m.Add(1000, 16, 40)
	r, how, ok := m.Estimate(10000, 16)
	require.True(t, ok)
	assert.InDelta(t, 400, r, 1e-9)
	assert.Contains(t, how, "extrapolated as params^1.00")
	e := EstimateTime(&fake{}, m, nn.MustParse("2-1"), 16, time.Microsecond)
	assert.Equal(t, 40*time.Microsecond, e.Time, "3 params: the ratio at the anchor × forward")
	e = EstimateTime(&fake{}, nil, nn.MustParse("2-1"), 16, time.Microsecond)
	assert.Equal(t, Estimate{}, e, "no model, no estimate")
	e = EstimateTime(&counted{evals: 10}, nil, nn.MustParse("2-1"), 16, time.Microsecond)
	assert.Equal(t, 10*time.Microsecond, e.Time)
	assert.Equal(t, "10 cost evaluations × forward 1.00µs", e.How)
}

func TestProbe(t *testing.T) {
	m, err := Probe(countedInfo("one-layer", 1, 0), 1)
	require.NoError(t, err)
	require.Len(t, m.Points, 0, "the probe nets have two layers: unsupported, no points")
	info := Info{Name: "plain", New: func(net *nn.Network) (Engine, error) {
		return &fake{make([]float64, net.NumParams())}, nil
	}}
	m, err = Probe(info, 1)
	require.NoError(t, err)
	require.Len(t, m.Points, len(ProbeCases))
	for _, p := range m.Points {
		assert.Positive(t, p.Ratio)
	}
}

// lockedBuffer is an io.Writer safe for the progress goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunnerProgress(t *testing.T) {
	defer func(a, f, e time.Duration) { announceAfter, firstReport, reportEvery = a, f, e }(announceAfter, firstReport, reportEvery)
	announceAfter, firstReport, reportEvery = time.Millisecond, time.Millisecond, time.Millisecond
	var w lockedBuffer
	r := Runner{Progress: &w, Prefix: "nabla compare: "}
	ran := false
	r.watch("quick", Estimate{Time: time.Microsecond}, func() { ran = true })
	assert.True(t, ran)
	assert.NotContains(t, w.String(), "about", "a small estimate is not announced")

	w = lockedBuffer{}
	r.watch("slow", Estimate{Time: 5 * time.Second, How: "a guess"}, func() { time.Sleep(50 * time.Millisecond) })
	s := w.String()
	assert.Contains(t, s, "nabla compare: slow: about 5.00s (a guess)…")
	assert.Contains(t, s, "slow: still running after")
	assert.Contains(t, s, "slow: done in")
	assert.True(t, strings.HasSuffix(s, "\n"))

	announceAfter, firstReport, reportEvery = time.Hour, time.Hour, time.Hour
	w = lockedBuffer{}
	r.watch("fast", Estimate{}, func() {})
	assert.Empty(t, w.String(), "nothing for a fast engine")
}
