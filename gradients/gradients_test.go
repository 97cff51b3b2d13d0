package gradients

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/nn"
)

func TestRelErr(t *testing.T) {
	for _, tc := range []struct{ x, y, want float64 }{
		{1, 1, 0}, {0, 0, 0}, {1e-9, 2e-9, 1e-9}, {100, 101, 1.0 / 201}, {-3, 3, 1},
		{math.NaN(), 1, math.Inf(1)}, {1, math.NaN(), math.Inf(1)},
		{math.Inf(1), 1, math.Inf(1)}, {1, math.Inf(-1), math.Inf(1)},
		{math.Inf(1), math.Inf(1), math.Inf(1)}, {math.NaN(), math.NaN(), math.Inf(1)},
	} {
		assert.InDelta(t, tc.want, RelErr(tc.x, tc.y), 1e-18, "RelErr(%v, %v)", tc.x, tc.y)
	}
}

// fake is an engine for the registry and cross-check tests: it returns a fixed gradient.
type fake struct{ g []float64 }

func (f *fake) Name() string { return "fake" }
func (f *fake) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = CheckDst("fake", dst, len(f.g))
	copy(dst, f.g)
	return dst, 1, nil
}

func TestRegistry(t *testing.T) {
	net := nn.MustParse("2-1")
	Register(Info{Name: "test-exact", Exact: true, New: func(*nn.Network) (Engine, error) { return &fake{[]float64{1, 2, 3}}, nil }})
	Register(Info{Name: "test-approx", Tolerance: 1e-6, New: func(*nn.Network) (Engine, error) { return &fake{[]float64{1, 2, 3}}, nil }})
	defer unregister("test-exact")
	defer unregister("test-approx")
	assert.Panics(t, func() { Register(Info{Name: "test-exact", New: func(*nn.Network) (Engine, error) { return nil, nil }}) })
	names := Names()
	assert.Less(t, indexOf(names, "test-exact"), indexOf(names, "test-approx"), "exact engines first")
	info, err := Lookup("test-approx")
	require.NoError(t, err)
	assert.Equal(t, 1e-6, info.Tol())
	_, err = New("no-such-engine", net)
	assert.ErrorIs(t, err, ErrUnknownEngine)
	g, k, err := Grad("test-exact", net, []float64{0, 0, 0}, net.RandomBatch(1, 1))
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3}, g)
	assert.Equal(t, 1.0, k)
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestCompareRejectsBrokenGradient plants one wrong entry in a gradient and checks that the
// cross-check disagrees and names that parameter and its block.
func TestCompareRejectsBrokenGradient(t *testing.T) {
	net := nn.MustParse("3-4-2")
	good := make([]float64, net.NumParams())
	for i := range good {
		good[i] = math.Sin(float64(i)) * 3
	}
	broken := append([]float64(nil), good...)
	wrong, err := net.ParamIndex("W2[2,3]")
	require.NoError(t, err)
	broken[wrong] *= 1.001
	noisy := append([]float64(nil), good...)
	for i := range noisy {
		noisy[i] += 1e-9 * math.Cos(float64(i))
	}
	r := Compare(net, []Result{
		{Engine: "exact", Tolerance: 1e-12, K: 2, Grad: good},
		{Engine: "broken", Tolerance: 1e-12, K: 2, Grad: broken},
		{Engine: "central", Tolerance: 1e-7, K: 2, Grad: noisy},
	})
	require.Len(t, r.Pairs, 3)
	assert.False(t, r.Agree)

	p := r.Pairs[0] // exact vs broken
	assert.Equal(t, "exact", p.A)
	assert.Equal(t, "broken", p.B)
	assert.False(t, p.Agree)
	assert.Equal(t, "W2[2,3]", p.Worst)
	assert.Equal(t, "W2", p.FirstBad)
	assert.InDelta(t, math.Abs(good[wrong])*1e-3, p.MaxAbsErr, 1e-12)
	require.Len(t, p.Blocks, 4)
	assert.Zero(t, p.Blocks[0].MaxRelErr, "W1 untouched")

	assert.True(t, r.Pairs[1].Agree, "exact vs central within 1e-7: %+v", r.Pairs[1])
	assert.False(t, r.Pairs[2].Agree, "broken vs central")
	assert.Len(t, r.Disagreeing(), 2)

	nan := append([]float64(nil), good...)
	nan[0] = math.NaN()
	p = ComparePair(net, Result{Engine: "a", Grad: good, K: 1}, Result{Engine: "b", Grad: nan, K: 1})
	assert.False(t, p.Agree, "NaN never agrees")
	assert.Equal(t, "W1[1,1]", p.Worst)

	p = ComparePair(net, Result{Engine: "a", Grad: good, K: 1}, Result{Engine: "b", Grad: good, K: 1.1})
	assert.False(t, p.Agree, "costs differ")
}

func TestCheckDst(t *testing.T) {
	assert.Len(t, CheckDst("x", nil, 4), 4)
	d := make([]float64, 4)
	assert.Same(t, &d[0], &CheckDst("x", d, 4)[0])
	assert.PanicsWithValue(t, "x: len(dst) = 4, want 5", func() { CheckDst("x", d, 5) })
}

// wideOnly is a SupportsLayer that refuses layers with more than 3 outputs.
func wideOnly(l nn.Layer) error {
	if l.Outputs() > 3 {
		return Unsupported("test-narrow", l)
	}
	return nil
}

func TestSupportsPreflight(t *testing.T) {
	built := 0
	Register(Info{Name: "test-narrow", SupportsLayer: wideOnly, New: func(*nn.Network) (Engine, error) {
		built++
		return &fake{[]float64{1, 2, 3}}, nil
	}})
	defer unregister("test-narrow")
	info, err := Lookup("test-narrow")
	require.NoError(t, err)
	assert.NoError(t, info.Supports(nn.MustParse("2-3-1")))
	err = info.Supports(nn.MustParse("2-3-4-1"))
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "layer 2: test-narrow: gradients: unsupported: dense 3→4 sigmoid (*nn.Dense)")
	assert.Zero(t, built, "Supports builds nothing")
	_, err = New("test-narrow", nn.MustParse("2-3-4-1"))
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.Zero(t, built, "New refuses before the engine's New is called")
	_, err = New("test-narrow", nn.MustParse("2-1"))
	require.NoError(t, err)
	assert.Equal(t, 1, built)
	assert.NoError(t, Info{}.Supports(nn.MustParse("2-9-1")), "no SupportsLayer: every network")
}
