package gradients

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"nabla/nn"
)

// kinkCase is the network 1-1-1:relu,identity with parameters (W1, b1, W2, b2) at which the
// hidden pre-activation ŷ = W1·x + b1 is exactly 0 (offset 0) or just off it, for x = 1.
func kinkCase(t *testing.T, offset float64) (*nn.Network, []float64, nn.Batch) {
	net := nn.MustParse("1-1-1:relu,identity")
	b, err := nn.NewBatch([][]float64{{1}}, [][]float64{{0}})
	require.NoError(t, err)
	return net, []float64{1, -1 + offset, 2, 0.5}, b
}

// exactKink is ∇K by hand with ReLU'(ŷ) = [ŷ > 0]: z = 2·relu(ŷ) + 0.5, ∂K/∂z = 2z.
func exactKink(A []float64) []float64 {
	yhat := A[0] + A[1]
	y, d := max(yhat, 0), 0.0
	if yhat > 0 {
		d = 1
	}
	z := A[2]*y + A[3]
	dz := 2 * z
	g := dz * A[2] * d
	return []float64{g, g, dz * y, dz}
}

func centralKink(net *nn.Network, A []float64, b nn.Batch, step float64) []float64 {
	ev := nn.NewEvaluator(net)
	return fd.Gradient(nil, func(a []float64) float64 { return ev.Cost(a, b) }, A, &fd.Settings{Formula: fd.Central, Step: step})
}

func TestKinkReportedAsNonDifferentiable(t *testing.T) {
	const step = 1e-6
	for _, tc := range []struct {
		name   string
		offset float64 // ŷ at A
		kinks  []string
	}{
		{"at the kink", 0, []string{"W1[1,1]", "b1[1]"}},
		{"within the step", step / 10, []string{"W1[1,1]", "b1[1]"}},
		{"beyond the step", 1e-3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, A, b := kinkCase(t, tc.offset)
			ex := Result{Engine: "exact", Tolerance: 1e-12, Grad: exactKink(A), Step: 0}
			cd := Result{Engine: "central", Tolerance: 1e-6, Grad: centralKink(net, A, b, step), Step: step}
			k, err := net.Cost(A, b)
			require.NoError(t, err)
			ex.K, cd.K = k, k

			raw := ComparePair(net, ex, cd)
			p := ComparePairAt(net, A, b, ex, cd)
			assert.Equal(t, tc.kinks, p.NonDifferentiable)
			assert.True(t, p.Agree, "pair must agree once kinks are set aside: %+v", p)
			assert.Empty(t, p.FirstBad)
			if tc.kinks != nil {
				assert.False(t, raw.Agree, "without the kink check the differences disagree")
				assert.Equal(t, "W1", raw.FirstBad)
			}
		})
	}
}

func TestKinkDoesNotHideRealErrors(t *testing.T) {
	net, A, b := kinkCase(t, 0)
	good := exactKink(A)
	wrong := slices.Clone(good)
	wrong[2] += 0.5 // a wrong ∂K/∂W2 away from any kink
	k, err := net.Cost(A, b)
	require.NoError(t, err)
	cd := Result{Engine: "central", Tolerance: 1e-6, K: k, Grad: centralKink(net, A, b, 1e-6), Step: 1e-6}
	p := ComparePairAt(net, A, b, Result{Engine: "wrong", K: k, Grad: wrong}, cd)
	assert.False(t, p.Agree)
	assert.Equal(t, "W2", p.FirstBad)
	assert.Equal(t, []string{"W1[1,1]", "b1[1]"}, p.NonDifferentiable)

	// The same wrong gradient on a network without ReLU: no kinks at all.
	smooth := nn.MustParse("1-1-1:tanh,identity")
	assert.Nil(t, Kinks(smooth, A, b, []int{0, 1, 2, 3}, 1))
}

func TestKinksExactPairAtZero(t *testing.T) {
	// Two exact engines with different conventions for ReLU'(0) disagree only at ŷ = 0.
	net, A, b := kinkCase(t, 0)
	g0 := exactKink(A)
	g1 := slices.Clone(g0)
	g1[0], g1[1] = 2*A[3]*A[2], 2*A[3]*A[2] // ReLU'(0) = 1
	r := CompareAt(net, A, b, []Result{{Engine: "x", Grad: g0}, {Engine: "y", Grad: g1}})
	require.Len(t, r.Pairs, 1)
	assert.True(t, r.Agree)
	assert.Equal(t, []string{"W1[1,1]", "b1[1]"}, r.Pairs[0].NonDifferentiable)

	// Off the kink the same disagreement is a failure.
	net, A, b = kinkCase(t, 1e-3)
	r = CompareAt(net, A, b, []Result{{Engine: "x", Grad: g0}, {Engine: "y", Grad: g1}})
	assert.False(t, r.Agree)
	assert.Empty(t, r.Pairs[0].NonDifferentiable)
}

func TestKinkStep(t *testing.T) {
	assert.InDelta(t, ExactKinkStep, Info{Exact: true}.KinkStep(), 0)
	assert.InDelta(t, DefaultStep, Info{}.KinkStep(), 0)
	assert.InDelta(t, 1e-5, Info{Step: 1e-5}.KinkStep(), 0)
}
