package numeric

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

// TestThreadsBitIdentical checks that the gradient, K, the kink retries and the Richardson
// error estimates do not depend on the number of threads, bit for bit, on networks with and
// without ReLU kinks near the stencil.
func TestThreadsBitIdentical(t *testing.T) {
	settings := []struct {
		name string
		s    Settings
	}{
		{"central", Settings{}},
		{"forward-float32", Settings{Formula: Forward, Precision: Float32}},
		{"central5", Settings{Formula: Central5}},
		{"richardson", Settings{Richardson: RegisteredRichardson}},
	}
	cases := []struct {
		arch  string
		batch int
		seed  uint64
	}{
		{"4-8-3:tanh,sigmoid", 5, 1},
		{"6-7-5-2:relu,relu,identity", 9, 2},
	}
	for _, st := range settings {
		for _, c := range cases {
			t.Run(st.name+"/"+c.arch, func(t *testing.T) {
				net := nn.MustParse(c.arch)
				A, b := net.Init(nil, c.seed), net.RandomBatch(c.batch, c.seed)
				var want []float64
				var wantK float64
				var wantKinks int
				var wantErrs []float64
				for _, threads := range []int{1, 2, 3, 7} {
					s := st.s
					s.Threads = threads
					e, err := New(net, &s)
					require.NoError(t, err)
					require.Equal(t, threads, e.Threads())
					g, k, err := e.Gradient(nil, A, b)
					require.NoError(t, err)
					if threads == 1 {
						want, wantK, wantKinks = g, k, e.KinkRetries()
						wantErrs = append([]float64(nil), e.ErrorEstimates()...)
						continue
					}
					assert.Equal(t, math.Float64bits(wantK), math.Float64bits(k), "K, %d threads", threads)
					assertBits(t, want, g, fmt.Sprintf("gradient, %d threads", threads))
					assertBits(t, wantErrs, e.ErrorEstimates(), fmt.Sprintf("error estimates, %d threads", threads))
					assert.Equal(t, wantKinks, e.KinkRetries(), "kink retries, %d threads", threads)
				}
			})
		}
	}
}

func TestComplexThreadsBitIdentical(t *testing.T) {
	for _, arch := range []string{"4-8-3:tanh,sigmoid", "6-7-5-2:relu,tanh,identity"} {
		t.Run(arch, func(t *testing.T) {
			net := nn.MustParse(arch)
			A, b := net.Init(nil, 4), net.RandomBatch(6, 4)
			one, err := newComplex(net, 0, 1)
			require.NoError(t, err)
			want, wantK, err := one.Gradient(nil, A, b)
			require.NoError(t, err)
			for _, threads := range []int{2, 3, 5} {
				e, err := newComplex(net, 0, threads)
				require.NoError(t, err)
				g, k, err := e.Gradient(nil, A, b)
				require.NoError(t, err)
				assert.Equal(t, math.Float64bits(wantK), math.Float64bits(k))
				assertBits(t, want, g, fmt.Sprintf("%d threads", threads))
				assert.Equal(t, one.calls(), e.calls(), "evaluations counted over all workers")
			}
		})
	}
}

// TestThreadsMoreThanParams checks that a network with fewer parameters than threads gets
// one worker per parameter at most.
func TestThreadsMoreThanParams(t *testing.T) {
	net := nn.MustParse("1-1")
	e, err := New(net, &Settings{Threads: 8})
	require.NoError(t, err)
	assert.Equal(t, 2, e.Threads())
	g, _, err := e.Gradient(nil, net.Init(nil, 1), net.RandomBatch(3, 1))
	require.NoError(t, err)
	assert.Len(t, g, 2)
}

func TestThreadsNoAllocs(t *testing.T) {
	for _, threads := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("threads=%d", threads), func(t *testing.T) {
			gradtest.NoAllocs(t, func(net *nn.Network) (gradients.Engine, error) {
				return New(net, &Settings{Richardson: 2, Threads: threads})
			}, gradtest.Options{})
			gradtest.NoAllocs(t, func(net *nn.Network) (gradients.Engine, error) { return newComplex(net, 0, threads) }, gradtest.Options{})
		})
	}
}

// assertBits asserts that two slices hold the same float64 values bit for bit.
func assertBits(t *testing.T, want, got []float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Errorf("%s: element %d is %v, want %v bit for bit", msg, i, got[i], want[i])
			return
		}
	}
}
