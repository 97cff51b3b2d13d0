package symbolic

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

// TestSumOneRow checks the single-row path (run1, with its contiguous segments in both
// directions) against the vector path on the same row repeated: Sum over n copies of a row is
// n times Sum over the row. The single row runs with output 0 apart and in place (shift 1 and
// 0), into a dst full of NaN that its first writes must overwrite.
func TestSumOneRow(t *testing.T) {
	for _, arch := range []string{"6-5-3", "12-9-4:tanh,identity", "5-8-2:relu,sigmoid", "40-17-3:relu,sigmoid", "1x18x18-conv1@17x17-2:relu,sigmoid", "1x6x6-conv2@3x3-maxpool2-3:relu,sigmoid"} {
		t.Run(arch, func(t *testing.T) {
			net := nn.MustParse(arch)
			e, err := New(net)
			require.NoError(t, err)
			A, b := net.Init(nil, 3), net.RandomBatch(1, 3)
			const n = 3
			data := make([]float64, 0, n*len(e.batchData(b)))
			for _, v := range e.batchData(b) {
				for range n {
					data = append(data, v)
				}
			}
			many := e.bp.Sum(nil, A, data, n)
			for _, shift := range []int{1, 0} {
				e.bp.lowerShift(shift)
				one := make([]float64, len(many))
				for i := range one {
					one[i] = math.NaN()
				}
				e.bp.Sum(one, A, e.batchData(b), 1)
				for i := range one {
					assert.InDelta(t, many[i]/n, one[i], 1e-12*(1+math.Abs(one[i])), "shift %d: output %d", shift, i)
				}
			}
		})
	}
}

// TestGradientOneRowDst checks that the engine's single-row gradient, written straight into
// dst, does not depend on what dst held before.
func TestGradientOneRowDst(t *testing.T) {
	for _, arch := range []string{"6-5-3", "1x6x6-conv2@3x3-maxpool2-3:relu,sigmoid"} {
		net := nn.MustParse(arch)
		e, err := New(net)
		require.NoError(t, err)
		A, b := net.Init(nil, 4), net.RandomBatch(1, 4)
		want, wantK, err := e.Gradient(nil, A, b)
		require.NoError(t, err)
		dst := make([]float64, len(want))
		for i := range dst {
			dst[i] = math.Inf(1)
		}
		got, k, err := e.Gradient(dst, A, b)
		require.NoError(t, err)
		assert.Equal(t, wantK, k, arch)
		assert.Equal(t, want, got, arch)
		assert.NotContains(t, got, math.Inf(1), arch)
	}
}

// TestSumThreadsBitIdentical checks that Sum gives the same bits on any number of threads,
// for batches of one group and of several.
func TestSumThreadsBitIdentical(t *testing.T) {
	for _, arch := range []string{"6-5-3", "12-9-4:tanh,identity", "1x8x8-conv4@3x3-maxpool2-10:relu,sigmoid"} {
		net := nn.MustParse(arch)
		for _, n := range []int{7, 60, 100, 260, 700} {
			A, b := net.Init(nil, 5), net.RandomBatch(n, 5)
			var want []float64
			for _, threads := range []int{1, 2, 3, 8} {
				e, err := New(net)
				require.NoError(t, err)
				e.bp.SetThreads(threads)
				got := e.bp.Sum(nil, A, e.batchData(b), n)
				if want == nil {
					want = got
					continue
				}
				for i := range want {
					require.Equal(t, math.Float64bits(want[i]), math.Float64bits(got[i]), "%s, batch %d, %d threads: output %d", arch, n, threads, i)
				}
			}
		}
	}
}

func TestSumThreadsNoAllocs(t *testing.T) {
	net := nn.MustParse("12-9-4")
	e, err := New(net)
	require.NoError(t, err)
	e.bp.SetThreads(2)
	A, b := net.Init(nil, 1), net.RandomBatch(300, 1)
	data, out := e.batchData(b), make([]float64, 1+net.NumParams())
	e.bp.Sum(out, A, data, 300)
	assert.Zero(t, testing.AllocsPerRun(20, func() { e.bp.Sum(out, A, data, 300) }))
}
