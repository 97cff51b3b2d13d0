package backprop_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/backprop"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func newEngine(net *nn.Network) (gradients.Engine, error) { return backprop.New(net) }

func TestConformance(t *testing.T) {
	gradtest.Run(t, newEngine, gradtest.Options{})
}

func TestRegistered(t *testing.T) {
	info, err := gradients.Lookup("backprop")
	require.NoError(t, err)
	assert.True(t, info.Exact)
	assert.InDelta(t, 1e-12, info.Tol(), 1e-24)
	e, err := gradients.New("backprop", nn.MustParse("3-2"))
	require.NoError(t, err)
	assert.Equal(t, "backprop", e.Name())
	_, isDirectional := e.(gradients.Directional)
	assert.True(t, isDirectional)
}

// otherLayer is a layer kind backprop does not know: a dense layer under another type.
type otherLayer struct{ *nn.Dense }

func TestUnsupportedLayer(t *testing.T) {
	net, err := nn.New(&nn.Dense{In: 2, Out: 2}, otherLayer{&nn.Dense{In: 2, Out: 1}})
	require.NoError(t, err)
	_, err = backprop.New(net)
	assert.ErrorIs(t, err, gradients.ErrUnsupported)
	assert.Contains(t, err.Error(), "layer 2")
	info, err := gradients.Lookup(backprop.Name)
	require.NoError(t, err)
	assert.ErrorIs(t, info.SupportsLayer(otherLayer{&nn.Dense{In: 2, Out: 1}}), gradients.ErrUnsupported)
	assert.NoError(t, info.SupportsLayer(&nn.Dense{In: 2, Out: 3, Act: nn.Tanh}))
	assert.ErrorIs(t, info.Supports(net), gradients.ErrUnsupported)
}

// notesGradient is the notes' two-layer backpropagation written out entry by entry, one pair
// at a time: ŷ = V x + b, y = σ(ŷ), ẑ = W y + c, z = σ(ẑ), K = Σ‖z − z̄‖², with
// [1] δₖ = ∂K/∂zₖ σ'(ẑₖ), [2] γⱼ = (Wᵀδ)ⱼ σ'(ŷⱼ), [3] ∂K/∂cₖ = δₖ, ∂K/∂bⱼ = γⱼ,
// [4] ∂K/∂wₖⱼ = δₖ yⱼ, ∂K/∂vⱼᵢ = γⱼ xᵢ. It shares no code with the engine beyond
// nn.Activation's F and Deriv.
func notesGradient(net *nn.Network, A []float64, b nn.Batch) ([]float64, float64) {
	l1, l2 := net.Layer(0), net.Layer(1)
	act1, act2 := l1.Activation(), l2.Activation()
	blocks := net.Blocks() // V, b, W, c
	V, bv, W, c := blocks[0].View(A), blocks[1].View(A), blocks[2].View(A), blocks[3].View(A)
	grad := make([]float64, net.NumParams())
	gV, gb, gW, gc := blocks[0].View(grad), blocks[1].View(grad), blocks[2].View(grad), blocks[3].View(grad)
	nI, nJ, nK := l1.Inputs(), l1.Outputs(), l2.Outputs()
	var K float64
	for p := range b.Len() {
		x, zbar := b.X.RawRowView(p), b.Z.RawRowView(p)
		yhat, y := make([]float64, nJ), make([]float64, nJ)
		for j := range nJ {
			yhat[j] = bv[j]
			for i := range nI {
				yhat[j] += V[j*nI+i] * x[i]
			}
			y[j] = act1.F(yhat[j])
		}
		delta := make([]float64, nK)
		for k := range nK {
			zhat := c[k]
			for j := range nJ {
				zhat += W[k*nJ+j] * y[j]
			}
			z := act2.F(zhat)
			K += (z - zbar[k]) * (z - zbar[k])
			delta[k] = 2 * (z - zbar[k]) * act2.Deriv(zhat) // [1]
		}
		for j := range nJ {
			var wtd float64
			for k := range nK {
				wtd += W[k*nJ+j] * delta[k]
			}
			gamma := wtd * act1.Deriv(yhat[j]) // [2]
			gb[j] += gamma                     // [3]
			for i := range nI {
				gV[j*nI+i] += gamma * x[i] // [4]
			}
		}
		for k := range nK {
			gc[k] += delta[k] // [3]
			for j := range nJ {
				gW[k*nJ+j] += delta[k] * y[j] // [4], δₖ yⱼ (the notes write γⱼ δₖ)
			}
		}
	}
	return grad, K
}

func TestNotesTwoLayer(t *testing.T) {
	for _, arch := range []string{"3-4-2", "784-30-10", "5-6-3:tanh,sigmoid", "4-5-2:relu,identity", "2-3-4:identity,tanh"} {
		for _, batch := range []int{1, 9} {
			t.Run(fmt.Sprintf("net=%s/batch=%d", arch, batch), func(t *testing.T) {
				c := gradtest.RandomCase(arch, batch, 4)
				want, wantK := notesGradient(c.Net, c.A, c.B)
				e, err := backprop.New(c.Net)
				require.NoError(t, err)
				got, k, err := e.Gradient(nil, c.A, c.B)
				require.NoError(t, err)
				assert.InEpsilon(t, wantK, k, 1e-12, "K")
				for i := range want {
					if re := gradients.RelErr(want[i], got[i]); re > 1e-12 {
						t.Errorf("%s: notes %v, engine %v (rel err %.2g)", c.Net.ParamName(i), want[i], got[i], re)
					}
				}
			})
		}
	}
}

// TestNotesSlip shows that the notes' written ∂K/∂wₖⱼ = γⱼ δₖ is not the gradient: on a
// network where it differs from δₖ yⱼ, the engine agrees with δₖ yⱼ only.
func TestNotesSlip(t *testing.T) {
	c := gradtest.RandomCase("3-4-2", 1, 8)
	want, _ := notesGradient(c.Net, c.A, c.B)
	got, _, err := gradients.Grad("backprop", c.Net, c.A, c.B)
	require.NoError(t, err)
	// The slip's value for W2[1,1]: γ₁ δ₁, with γ and δ taken from the correct gradient
	// (∂K/∂b1 = γ and ∂K/∂b2 = δ on a single pair).
	blocks := c.Net.Blocks() // W1, b1, W2, b2
	gb, gc, gW := blocks[1].View(want), blocks[3].View(want), blocks[2].View(got)
	slip := gb[0] * gc[0]
	assert.Greater(t, gradients.RelErr(slip, gW[0]), 1e-3, "γ₁δ₁ = %v should differ from ∂K/∂w₁₁ = %v", slip, gW[0])
}

// TestBatchSizeChanges checks that re-sized buffers give the same results as a fresh engine,
// growing and shrinking, and that the engine is alloc-free again after each new size.
func TestBatchSizeChanges(t *testing.T) {
	net := nn.MustParse("6-5-4-3:tanh,relu,sigmoid")
	A := net.Init(nil, 2)
	e, err := backprop.New(net)
	require.NoError(t, err)
	dst := make([]float64, net.NumParams())
	for _, n := range []int{3, 40, 1, 40, 17} {
		b := net.RandomBatch(n, uint64(n))
		fresh, err := backprop.New(net)
		require.NoError(t, err)
		want, wantK, err := fresh.Gradient(nil, A, b)
		require.NoError(t, err)
		got, k, err := e.Gradient(dst, A, b)
		require.NoError(t, err)
		assert.InEpsilon(t, wantK, k, 1e-14, "batch %d: K", n)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 1e-14*max(1, math.Abs(want[i])), "batch %d: %s", n, net.ParamName(i))
		}
		assert.Zero(t, testing.AllocsPerRun(3, func() { _, _, _ = e.Gradient(dst, A, b) }), "batch %d: allocations", n)
	}
}

// TestNoAllocsLargeProducts covers products big enough that gonum's Gemm would go parallel
// (and allocate) if the engine did not tile them.
func TestNoAllocsLargeProducts(t *testing.T) {
	c := gradtest.RandomCase("300-140-70", 150, 1)
	e, err := backprop.New(c.Net)
	require.NoError(t, err)
	dst := make([]float64, c.Net.NumParams())
	_, _, err = e.Gradient(dst, c.A, c.B)
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(3, func() { _, _, _ = e.Gradient(dst, c.A, c.B) }))
	want, _ := notesGradient(c.Net, c.A, c.B)
	for i := range want {
		if re := gradients.RelErr(want[i], dst[i]); re > 1e-12 {
			t.Fatalf("%s: notes %v, engine %v (rel err %.2g)", c.Net.ParamName(i), want[i], dst[i], re)
		}
	}
}

// TestStridedBatch checks a batch whose matrices are views with stride > columns.
func TestStridedBatch(t *testing.T) {
	c := gradtest.RandomCase("5-4-3", 12, 6)
	wide := nn.Batch{X: mat.NewDense(12, 9, nil), Z: mat.NewDense(12, 7, nil)}
	wide.X.Slice(0, 12, 2, 7).(*mat.Dense).Copy(c.B.X)
	wide.Z.Slice(0, 12, 1, 4).(*mat.Dense).Copy(c.B.Z)
	view := nn.Batch{X: wide.X.Slice(0, 12, 2, 7).(*mat.Dense), Z: wide.Z.Slice(0, 12, 1, 4).(*mat.Dense)}
	want, wantK, err := gradients.Grad("backprop", c.Net, c.A, c.B)
	require.NoError(t, err)
	got, k, err := gradients.Grad("backprop", c.Net, c.A, view)
	require.NoError(t, err)
	assert.InEpsilon(t, wantK, k, 1e-14)
	for i := range want {
		assert.InDelta(t, want[i], got[i], 1e-14*max(1, math.Abs(want[i])), c.Net.ParamName(i))
	}
	sub := c.B.Slice(3, 8)
	want, _ = notesGradient(c.Net, c.A, sub)
	got, _, err = gradients.Grad("backprop", c.Net, c.A, sub)
	require.NoError(t, err)
	for i := range want {
		assert.InDelta(t, want[i], got[i], 1e-12*max(1, math.Abs(want[i])), c.Net.ParamName(i))
	}
}

func TestDirectional(t *testing.T) {
	c := gradtest.RandomCase("4-6-3:tanh,sigmoid", 5, 9)
	e, err := backprop.New(c.Net)
	require.NoError(t, err)
	g, wantK, err := e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	rng := nn.NewRand(3)
	v := make([]float64, len(g))
	var want float64
	for i := range v {
		v[i] = rng.NormFloat64()
		want += g[i] * v[i]
	}
	k, dk, err := e.Directional(c.A, v, c.B)
	require.NoError(t, err)
	assert.InEpsilon(t, wantK, k, 1e-14)
	assert.InDelta(t, want, dk, 1e-12*max(1, math.Abs(want)))
	// Against a central difference of the reference cost along v.
	h := 1e-5
	plus, minus := slices.Clone(c.A), slices.Clone(c.A)
	for i := range v {
		plus[i] += h * v[i]
		minus[i] -= h * v[i]
	}
	kp, err := c.Net.Cost(plus, c.B)
	require.NoError(t, err)
	km, err := c.Net.Cost(minus, c.B)
	require.NoError(t, err)
	assert.LessOrEqual(t, gradients.RelErr((kp-km)/(2*h), dk), 1e-7)

	assert.Zero(t, testing.AllocsPerRun(3, func() { _, _, _ = e.Directional(c.A, v, c.B) }))

	nanV := slices.Clone(v)
	nanV[2] = math.NaN()
	_, _, err = e.Directional(c.A, nanV, c.B)
	assert.ErrorIs(t, err, nn.ErrNonFinite)
	_, _, err = e.Directional(c.A[:3], v, c.B)
	assert.ErrorIs(t, err, nn.ErrShape)
	_, _, err = e.Directional(c.A, v[:3], c.B)
	assert.ErrorIs(t, err, nn.ErrShape)
}
