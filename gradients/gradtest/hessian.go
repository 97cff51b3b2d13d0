package gradtest

import (
	"fmt"
	"math"
	"nabla/internal/rng"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// HvOptions tune RunHv. The zero value is right for an exact engine.
type HvOptions struct {
	// Tolerance is the largest relative error (gradients.RelErr) allowed against the hand-worked
	// cases and in the symmetry check uᵀ(H·v) = vᵀ(H·u). Zero means 1e-10.
	Tolerance float64
	// MaxParams skips random architectures with more parameters. Zero means no limit.
	MaxParams int
	// AllowAllocs skips the no-allocation check.
	AllowAllocs bool
}

func (o HvOptions) tol() float64 {
	if o.Tolerance == 0 {
		return 1e-10
	}
	return o.Tolerance
}

// hvEngine prepares an engine and asserts its HessianVector capability.
func hvEngine(t *testing.T, newEngine NewFunc, net *nn.Network) (gradients.Engine, gradients.HessianVector) {
	t.Helper()
	e, err := newEngine(net)
	require.NoError(t, err)
	h, ok := e.(gradients.HessianVector)
	require.True(t, ok, "engine %s has no Hv", e.Name())
	return e, h
}

// RunHv runs the conformance suite for Hessian-vector products as subtests of t: H of tiny
// networks worked out by hand, H·v against central differences of the engine's own gradient
// along v, the symmetry of H, dst handling, errors for bad input, and no allocation after
// warm-up.
func RunHv(t *testing.T, newEngine NewFunc, opts HvOptions) {
	t.Run("known", func(t *testing.T) { KnownHv(t, newEngine, opts) })
	t.Run("gradient", func(t *testing.T) { HvGradient(t, newEngine, opts) })
	t.Run("symmetric", func(t *testing.T) { HvSymmetric(t, newEngine, opts) })
	t.Run("dst", func(t *testing.T) { HvDst(t, newEngine) })
	t.Run("errors", func(t *testing.T) { HvErrors(t, newEngine) })
	if !opts.AllowAllocs {
		t.Run("allocs", func(t *testing.T) { HvNoAllocs(t, newEngine) })
	}
}

// KnownHv checks H·v on one-neuron networks worked out by hand. For z = σ(u), u = w·x + c,
// K = Σ (z − z̄)²: ∂²K/∂u² = 2σ'² + 2(z − z̄)σ”, and H = Σ ∂²K/∂u² · [x² x; x 1].
func KnownHv(t *testing.T, newEngine NewFunc, opts HvOptions) {
	s := nn.SigmoidF(1.5) // w = 1, c = 0.5, x = 1, z̄ = 0.25: u = 1.5
	ds := s * (1 - s)
	d2s := ds * (1 - 2*s)
	kuu := 2*ds*ds + 2*(s-0.25)*d2s
	th := math.Tanh(-0.5) // w = −1, c = 0.5, x = 1, z̄ = 1: u = −0.5
	dt := 1 - th*th
	d2t := -2 * th * dt
	tuu := 2*dt*dt + 2*(th-1)*d2t
	for _, c := range []struct {
		name    string
		arch    string
		A, v    []float64
		x, z    [][]float64
		want    []float64
		wantK   float64
		comment string
	}{
		// H = 2·[5 1; 1 2] for x = 2, −1; v = (1, −1).
		{"identity-1-1-two-pairs", "1-1:identity", []float64{3, -1}, []float64{1, -1}, [][]float64{{2}, {-1}}, [][]float64{{1}, {0}}, []float64{8, -2}, 32, ""},
		{"sigmoid-1-1", "1-1", []float64{1, 0.5}, []float64{1, 2}, [][]float64{{1}}, [][]float64{{0.25}}, []float64{3 * kuu, 3 * kuu}, (s - 0.25) * (s - 0.25), ""},
		{"tanh-1-1", "1-1:tanh", []float64{-1, 0.5}, []float64{2, -1}, [][]float64{{1}}, [][]float64{{1}}, []float64{tuu, tuu}, (th - 1) * (th - 1), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := nn.MustParse(c.arch)
			b, err := nn.NewBatch(c.x, c.z)
			require.NoError(t, err)
			_, h := hvEngine(t, newEngine, net)
			hv, k, err := h.Hv(nil, c.A, c.v, b)
			require.NoError(t, err)
			assert.InDelta(t, c.wantK, k, 1e-12, "K")
			for i := range c.want {
				assert.LessOrEqual(t, gradients.RelErr(c.want[i], hv[i]), opts.tol(), "%s: want %v, got %v", net.ParamName(i), c.want[i], hv[i])
			}
		})
	}
}

// HvArchitectures are the random smooth networks of the H·v checks (ReLU has no second
// derivative that differences could confirm).
var HvArchitectures = []string{
	"3-2:identity", "4-3", "2-5:tanh", "3-5-2", "4-6-3:tanh,sigmoid", "2-8-1:sigmoid,tanh",
	"3-5-4-2", "5-7-6-4-3:tanh,sigmoid,tanh,identity", "16-12-10",
}

// randomDirection draws a seeded direction with entries in [−1, 1).
func randomDirection(n int, seed uint64) []float64 {
	rng := rng.New(seed)
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// HvGradient checks H·v against (∇K(A + h·v) − ∇K(A − h·v)) / 2h with the engine's own
// gradient (checked against the reference by Central), h = 1e-5: truncation h²·|∇³K|/6 and
// rounding ε·|∇K|/h both stay below 1e-7 relative on these networks.
func HvGradient(t *testing.T, newEngine NewFunc, opts HvOptions) {
	for _, cost := range nn.CostKinds() {
		for _, arch := range HvArchitectures {
			for _, bs := range []int{1, 7} {
				hvGradientCase(t, newEngine, opts, cost, arch, bs)
			}
		}
	}
}

func hvGradientCase(t *testing.T, newEngine NewFunc, opts HvOptions, cost nn.CostKind, arch string, bs int) {
	c := RandomCase(arch, bs, 4)
	c.Net = c.Net.WithCost(cost)
	if opts.MaxParams > 0 && c.Net.NumParams() > opts.MaxParams {
		return
	}
	t.Run(fmt.Sprintf("cost=%s/net=%s/batch=%d", cost, arch, bs), func(t *testing.T) {
		e, h := hvEngine(t, newEngine, c.Net)
		v := randomDirection(c.Net.NumParams(), 9)
		hv, _, err := h.Hv(nil, c.A, v, c.B)
		require.NoError(t, err)
		const step = 1e-5
		ap, am := slices.Clone(c.A), slices.Clone(c.A)
		for i := range v {
			ap[i] += step * v[i]
			am[i] -= step * v[i]
		}
		gp, _, err := e.Gradient(nil, ap, c.B)
		require.NoError(t, err)
		gm, _, err := e.Gradient(nil, am, c.B)
		require.NoError(t, err)
		for i := range hv {
			ref := (gp[i] - gm[i]) / (2 * step)
			if re := gradients.RelErr(ref, hv[i]); re > 1e-7 {
				t.Errorf("%s: differences %v, Hv %v (rel err %.2g)", c.Net.ParamName(i), ref, hv[i], re)
			}
		}
	})
}

// HvSymmetric checks uᵀ(H·v) = vᵀ(H·u) for random u and v: H is symmetric, and an R-pass that
// drops a cross term between layers breaks it.
func HvSymmetric(t *testing.T, newEngine NewFunc, opts HvOptions) {
	for _, cost := range nn.CostKinds() {
		for _, arch := range HvArchitectures {
			hvSymmetricCase(t, newEngine, opts, cost, arch)
		}
	}
}

func hvSymmetricCase(t *testing.T, newEngine NewFunc, opts HvOptions, cost nn.CostKind, arch string) {
	c := RandomCase(arch, 5, 6)
	c.Net = c.Net.WithCost(cost)
	if opts.MaxParams > 0 && c.Net.NumParams() > opts.MaxParams {
		return
	}
	t.Run(fmt.Sprintf("cost=%s/net=%s", cost, arch), func(t *testing.T) {
		_, h := hvEngine(t, newEngine, c.Net)
		n := c.Net.NumParams()
		u, v := randomDirection(n, 1), randomDirection(n, 2)
		hu, _, err := h.Hv(nil, c.A, u, c.B)
		require.NoError(t, err)
		hv, _, err := h.Hv(nil, c.A, v, c.B)
		require.NoError(t, err)
		var uhv, vhu, scale float64
		for i := range u {
			uhv += u[i] * hv[i]
			vhu += v[i] * hu[i]
			scale += math.Abs(u[i]*hv[i]) + math.Abs(v[i]*hu[i])
		}
		assert.LessOrEqual(t, math.Abs(uhv-vhu)/max(1, scale), opts.tol(), "uᵀHv = %v, vᵀHu = %v", uhv, vhu)
	})
}

// HvDst checks dst handling of Hv like Dst does for Gradient.
func HvDst(t *testing.T, newEngine NewFunc) {
	c := RandomCase("3-4-2", 3, 11)
	_, h := hvEngine(t, newEngine, c.Net)
	v := randomDirection(c.Net.NumParams(), 3)
	h1, _, err := h.Hv(nil, c.A, v, c.B)
	require.NoError(t, err)
	dst := make([]float64, c.Net.NumParams())
	for i := range dst {
		dst[i] = 1e6
	}
	h2, _, err := h.Hv(dst, c.A, v, c.B)
	require.NoError(t, err)
	assert.Same(t, &dst[0], &h2[0], "dst not returned")
	for i := range h1 {
		assert.InDelta(t, h1[i], h2[i], 1e-9*max(1, math.Abs(h1[i])), c.Net.ParamName(i))
	}
	assert.Panics(t, func() { _, _, _ = h.Hv(make([]float64, 3), c.A, v, c.B) }, "wrong-length dst must panic")
}

// HvErrors checks that bad parameters, directions and batches are errors, not panics, and
// that A and v are left unchanged.
func HvErrors(t *testing.T, newEngine NewFunc) {
	c := RandomCase("3-4-2", 4, 5)
	_, h := hvEngine(t, newEngine, c.Net)
	v := randomDirection(c.Net.NumParams(), 4)
	nanA, nanV := slices.Clone(c.A), slices.Clone(v)
	nanA[5], nanV[2] = math.NaN(), math.Inf(-1)
	for _, tc := range []struct {
		name string
		A, v []float64
		b    nn.Batch
		want error
	}{
		{"NaN in A", nanA, v, c.B, nn.ErrNonFinite},
		{"Inf in v", c.A, nanV, c.B, nn.ErrNonFinite},
		{"short v", c.A, v[1:], c.B, nn.ErrShape},
		{"short A", c.A[1:], v, c.B, nn.ErrShape},
		{"empty batch", c.A, v, nn.Batch{}, nn.ErrEmptyBatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, _, err = h.Hv(nil, tc.A, tc.v, tc.b) })
			assert.ErrorIs(t, err, tc.want)
		})
	}
	A, v0 := slices.Clone(c.A), slices.Clone(v)
	_, _, err := h.Hv(nil, c.A, v, c.B)
	require.NoError(t, err)
	assert.Equal(t, A, c.A, "A modified")
	assert.Equal(t, v0, v, "v modified")
}

// HvNoAllocs checks that Hv allocates nothing once it has seen a batch size.
func HvNoAllocs(t *testing.T, newEngine NewFunc) {
	c := RandomCase("8-6-4:tanh,sigmoid", 10, 3)
	_, h := hvEngine(t, newEngine, c.Net)
	v := randomDirection(c.Net.NumParams(), 5)
	dst := make([]float64, c.Net.NumParams())
	_, _, err := h.Hv(dst, c.A, v, c.B) // warm-up
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(5, func() { _, _, _ = h.Hv(dst, c.A, v, c.B) })
	assert.Zero(t, allocs, "allocations per Hv call after warm-up")
}
