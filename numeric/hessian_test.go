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

func TestComplexHvConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) { return NewComplex(net, 0) }, gradtest.HvOptions{})
}

// hvNets are the networks of TestCentralHv: gradtest's smooth dense ones and small CNNs.
var hvNets = append(append([]string{}, gradtest.HvArchitectures...),
	"1x6x6-conv2@3x3-avgpool2-3:tanh,sigmoid", "2x6x6-conv3@3x3+p1-maxpool2-3:tanh,identity")

// TestCentralHv holds numeric-central's H·v (differences of the complex-step gradient)
// against numeric-complex's (the bicomplex step, accurate to rounding) element by element as
// the cross-check does: every difference within SafetyFactor times the two stated errors or
// the pair's tolerance floor (2·DefaultHvTolerance relative, which covers products that cancel
// to rounding, like a one-output softmax's), and the stated error of central differences
// informative (below 1e-6 relative to the product's size); neither allocates after warm-up.
func TestCentralHv(t *testing.T) {
	for _, cost := range nn.CostKinds() {
		for _, arch := range hvNets {
			t.Run(fmt.Sprintf("cost=%s/net=%s", cost, arch), func(t *testing.T) {
				c := gradtest.RandomCase(arch, 5, 8)
				net := c.Net.WithCost(cost)
				v := gradients.Direction(net.NumParams(), 3, 0)
				central, err := New(net, nil)
				require.NoError(t, err)
				bic, err := NewComplex(net, 0)
				require.NoError(t, err)
				hc, kc, err := central.Hv(nil, c.A, v, c.B)
				require.NoError(t, err)
				hb, kb, err := bic.Hv(nil, c.A, v, c.B)
				require.NoError(t, err)
				assert.InDelta(t, kb, kc, 1e-12*max(1, math.Abs(kb)), "K")
				bc, crossed := central.HvErrorBounds()
				bb, _ := bic.HvErrorBounds()
				scale := 1.0
				for _, x := range hb {
					scale = max(scale, math.Abs(x))
				}
				for i := range hc {
					assert.False(t, crossed[i], "%s crossed a kink on a smooth network", net.ParamName(i))
					floor := 2 * gradients.DefaultHvTolerance * max(1, math.Abs(hc[i])+math.Abs(hb[i]))
					assert.LessOrEqual(t, math.Abs(hc[i]-hb[i]), max(floor, gradients.SafetyFactor*(bc[i]+bb[i])),
						"%s: central %v, bicomplex %v, stated errors %.2g and %.2g", net.ParamName(i), hc[i], hb[i], bc[i], bb[i])
					assert.LessOrEqual(t, bc[i], 1e-6*scale, "%s: stated error", net.ParamName(i))
				}
				// 20 runs: AllocsPerRun rounds the mean down, so an allocation per call fails
				// while the runtime's own rare ones under load (a parked worker's wait) do not.
				assert.Zero(t, testing.AllocsPerRun(20, func() { _, _, _ = central.Hv(hc, c.A, v, c.B) }), "numeric-central allocates")
				assert.Zero(t, testing.AllocsPerRun(20, func() { _, _, _ = bic.Hv(hb, c.A, v, c.B) }), "numeric-complex allocates")
			})
		}
	}
}

// TestCentralHvErrorsGrow checks that numeric-central's stated errors scale with the
// direction: H·v is linear in v, and so are its truncation and rounding at the step taken
// along v/max|vᵢ|, so a direction 100 times longer must state errors about 100 times larger
// (at least 10 times here).
func TestCentralHvErrorsGrow(t *testing.T) {
	c := gradtest.RandomCase("3-4-2", 4, 2)
	v := gradients.Direction(c.Net.NumParams(), 1, 0)
	e, err := New(c.Net, nil)
	require.NoError(t, err)
	_, _, err = e.Hv(nil, c.A, v, c.B)
	require.NoError(t, err)
	b1, _ := e.HvErrorBounds()
	small := append([]float64(nil), b1...)
	scaled := make([]float64, len(v))
	for i := range v {
		scaled[i] = 100 * v[i]
	}
	_, _, err = e.Hv(nil, c.A, scaled, c.B)
	require.NoError(t, err)
	b2, _ := e.HvErrorBounds()
	var s1, s2 float64
	for i := range b2 {
		s1, s2 = s1+small[i], s2+b2[i]
	}
	assert.Greater(t, s2, 10*s1, "stated errors %.3g along v, %.3g along 100·v", s1, s2)
}

func TestHvCheck(t *testing.T) {
	net := nn.MustParse("3-4-2")
	for _, c := range []struct {
		s  Settings
		ok bool
	}{
		{Settings{}, true},
		{Settings{Formula: Central, Step: 1e-4}, true},
		{Settings{Formula: Forward}, false},
		{Settings{Formula: Central5}, false},
		{Settings{Formula: Central, Richardson: 3}, false},
		{Settings{Formula: Central, Precision: Float32}, false},
	} {
		e, err := New(net, &c.s)
		require.NoError(t, err)
		if c.ok {
			assert.NoError(t, e.CheckHv(), e.Name())
		} else {
			assert.ErrorIs(t, e.CheckHv(), gradients.ErrUnsupported, e.Name())
		}
	}
}

func TestCentralHvNoAllocs(t *testing.T) {
	c := gradtest.RandomCase("8-6-4:tanh,sigmoid", 10, 3)
	e, err := New(c.Net, nil)
	require.NoError(t, err)
	v := gradients.Direction(c.Net.NumParams(), 5, 0)
	dst := make([]float64, c.Net.NumParams())
	_, _, err = e.Hv(dst, c.A, v, c.B)
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(3, func() { _, _, _ = e.Hv(dst, c.A, v, c.B) }))
}
