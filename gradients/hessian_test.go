package gradients

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

// quadratic is a HessianVector whose Hessian is the fixed matrix m (as for K = ½AᵀmA).
type quadratic struct{ m *mat.Dense }

func (q quadratic) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	n, _ := q.m.Dims()
	dst = CheckDst("quadratic", dst, n)
	mat.NewVecDense(n, dst).MulVec(q.m, mat.NewVecDense(n, v))
	return dst, 0.5, nil
}

func TestHessianColumns(t *testing.T) {
	net := nn.MustParse("1-1") // two parameters
	for _, tc := range []struct {
		name string
		m    []float64
		sym  float64
	}{
		{"symmetric", []float64{2, -1, -1, 3}, 0},
		{"asymmetric", []float64{2, -1, -0.5, 3}, 0.5 / 3},
		{"large", []float64{200, -100, -99, 300}, 1.0 / 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mat.NewDense(2, 2, tc.m)
			h, k, err := Hessian(nil, quadratic{m}, net, []float64{1, 2}, nn.Batch{})
			require.NoError(t, err)
			assert.Equal(t, 0.5, k)
			assert.True(t, mat.Equal(m, h), "H = %v", mat.Formatted(h))
			assert.InDelta(t, tc.sym, SymmetryError(h), 1e-15)
			s := Symmetrize(h)
			assert.InDelta(t, (tc.m[1]+tc.m[2])/2, s.At(1, 0), 1e-15)
		})
	}
	assert.Panics(t, func() {
		_, _, _ = Hessian(mat.NewDense(3, 3, nil), quadratic{mat.NewDense(2, 2, nil)}, net, []float64{1, 2}, nn.Batch{})
	})
	assert.Equal(t, math.Inf(1), SymmetryError(mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1})))
}

func TestHessianTooLarge(t *testing.T) {
	net := nn.MustParse("100-60")
	_, _, err := Hessian(nil, quadratic{}, net, nil, nn.Batch{})
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestCheckDirection(t *testing.T) {
	net := nn.MustParse("2-1")
	require.NoError(t, CheckDirection("x", net, []float64{1, 2, 3}))
	assert.ErrorIs(t, CheckDirection("x", net, []float64{1, 2}), nn.ErrShape)
	err := CheckDirection("x", net, []float64{1, math.NaN(), 3})
	assert.ErrorIs(t, err, nn.ErrNonFinite)
	assert.Contains(t, err.Error(), "W1[1,2]")
}

func TestNewHv(t *testing.T) {
	Register(Info{Name: "hv-fake", New: func(net *nn.Network) (Engine, error) { return &fake{g: make([]float64, net.NumParams())}, nil }})
	defer unregister("hv-fake")
	_, err := NewHv("hv-fake", nn.MustParse("2-1"))
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.NotContains(t, HvNames(nn.MustParse("2-1")), "hv-fake")
	assert.Equal(t, DefaultHvTolerance, Info{}.HvTol())
	assert.Equal(t, 1e-6, Info{HvTolerance: 1e-6}.HvTol())
}

func TestEigen(t *testing.T) {
	net := nn.MustParse("1-1") // blocks W1 (1 entry) and b1 (1 entry)
	h := mat.NewDense(2, 2, []float64{10, 2, 2, 4})
	values, blocks, err := Eigen(net, h)
	require.NoError(t, err)
	require.Len(t, values, 2)
	assert.InDelta(t, 7-math.Sqrt(13), values[0], 1e-12)
	assert.InDelta(t, 7+math.Sqrt(13), values[1], 1e-12)
	require.Len(t, blocks, 2)
	assert.Equal(t, "W1", blocks[0].Block)
	assert.Equal(t, []float64{10}, blocks[0].Values)
	assert.Equal(t, []float64{4}, blocks[1].Values)
	assert.InDelta(t, (7+math.Sqrt(13))/(7-math.Sqrt(13)), Condition(values), 1e-12)
	assert.Equal(t, math.Inf(1), Condition([]float64{-1, 0, 2}))
	assert.Equal(t, 2.0, Condition([]float64{-2, 1}))
	assert.True(t, math.IsNaN(Condition(nil)))
}

// checked has H·v that it refuses for the network it was prepared for.
type checked struct{ fake }

func (checked) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) { return dst, 0, nil }
func (checked) CheckHv() error                                                 { return ErrUnsupported }

func TestHvChecker(t *testing.T) {
	Register(Info{Name: "hv-checked", New: func(net *nn.Network) (Engine, error) { return &checked{}, nil }})
	defer unregister("hv-checked")
	_, err := NewHv("hv-checked", nn.MustParse("2-1"))
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.NotContains(t, HvNames(nn.MustParse("2-1")), "hv-checked")
}

func ExampleCondition() {
	fmt.Println(Condition([]float64{-0.5, 0.25, 4}))
	// Output: 16
}

// fixedHv is an engine whose H·v is a fixed vector, with stated per-element errors when
// bound is set.
type fixedHv struct {
	fake
	hv, bound []float64
}

func (f *fixedHv) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	dst = CheckDst("fixed", dst, len(f.hv))
	copy(dst, f.hv)
	return dst, 2, nil
}

func (f *fixedHv) HvErrorBounds() ([]float64, []bool) {
	if f.bound == nil {
		return nil, nil
	}
	return f.bound, make([]bool, len(f.bound))
}

// TestRunnerHv runs the runner along a direction: products as Results with each engine's
// error per element (HvExactBounds for an exact engine, the engine's own for an
// HvErrorBounder), engines without H·v skipped, or an error when insisted on.
func TestRunnerHv(t *testing.T) {
	net := nn.MustParse("2-1")
	hv := []float64{1, -4, 0.5}
	for _, info := range []Info{
		{Name: "hv-exact", Exact: true, New: func(*nn.Network) (Engine, error) { return &fixedHv{hv: hv}, nil }},
		{Name: "hv-approx", New: func(*nn.Network) (Engine, error) { return &fixedHv{hv: hv, bound: []float64{1e-3, 2e-3, 3e-3}}, nil }},
		{Name: "hv-none", Exact: true, New: func(*nn.Network) (Engine, error) { return &fake{g: make([]float64, 3)}, nil }},
	} {
		Register(info)
		defer unregister(info.Name)
	}
	A, b := net.Init(nil, 1), net.RandomBatch(2, 1)
	v := []float64{1, 0, 0}
	infos, err := Infos([]string{"hv-exact", "hv-approx", "hv-none"})
	require.NoError(t, err)
	out, err := (&Runner{Hv: v}).Run(infos, net, A, b)
	require.NoError(t, err)
	require.Len(t, out.Results, 2)
	require.Len(t, out.Skipped, 1)
	assert.Equal(t, "hv-none", out.Skipped[0].Engine)
	assert.Contains(t, out.Skipped[0].Reason, "no Hessian-vector products")
	exact, approx := out.Results[0], out.Results[1]
	assert.Equal(t, hv, exact.Grad)
	assert.Equal(t, 2.0, exact.K)
	assert.Equal(t, DefaultHvTolerance, exact.Tolerance)
	assert.Equal(t, HvExactBounds(nil, hv), exact.Bound)
	assert.Equal(t, []float64{1e-3, 2e-3, 3e-3}, approx.Bound)

	_, err = (&Runner{Hv: v, Insist: true}).Run(infos, net, A, b)
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = RunHv([]string{"hv-exact", "hv-none"}, net, A, v, b)
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestHvExactBounds(t *testing.T) {
	eps := 0x1p-52
	got := HvExactBounds(nil, []float64{2, -8, 0})
	want := []float64{ExactRoundingFactor * eps * 10, ExactRoundingFactor * eps * 16, ExactRoundingFactor * eps * 8}
	for i := range want {
		assert.InDelta(t, want[i], got[i], 1e-30)
	}
	assert.Panics(t, func() { HvExactBounds(make([]float64, 2), []float64{1}) })
}
