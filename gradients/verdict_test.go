package gradients

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"nabla/nn"
)

// TestCategories: an element whose stencil crossed a kink is not comparable; a difference
// within the expected errors agrees although it exceeds the tolerance floor; one beyond both
// disagrees; two exact engines at a pre-activation of exactly 0 differ by convention.
func TestCategories(t *testing.T) {
	net := nn.MustParse("1-1-1:relu,identity") // W1, b1, W2, b2
	exact := Result{Engine: "exact", Tolerance: 1e-12, K: 1, Grad: []float64{1, 2, 3, 4}, Exact: true}
	for _, tc := range []struct {
		name          string
		grad          []float64
		bound         []float64
		crossed       []bool
		agree         bool
		agreeing, dis int
		notComparable []string
		ratioAt       string
	}{
		{"within the floor", []float64{1, 2, 3, 4 + 1e-9}, nil, nil, true, 4, 0, nil, "b2[1]"},
		{"within the expected error", []float64{1 + 1e-5, 2, 3, 4}, []float64{1e-5, 1e-9, 1e-9, 1e-9}, make([]bool, 4), true, 4, 0, nil, "W1[1,1]"},
		{"beyond both", []float64{1, 2, 3 + 1e-3, 4}, []float64{1e-9, 1e-9, 1e-5, 1e-9}, make([]bool, 4), false, 3, 1, nil, "W2[1,1]"},
		{"beyond an estimate that cannot be measured, within the floor", []float64{1, 2, 3, 4 + 1e-9}, []float64{1e-12, 1e-12, 1e-12, 1e-12}, make([]bool, 4), true, 4, 0, nil, "b2[1]"},
		{"crossed a kink", []float64{1.5, 2, 3, 4}, []float64{1e-9, 1e-9, 1e-9, 1e-9}, []bool{true, false, false, false}, true, 3, 0, []string{"W1[1,1]"}, "b1[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			approx := Result{Engine: "approx", Tolerance: 1e-8, K: 1, Grad: tc.grad, Bound: tc.bound, Crossed: tc.crossed}
			p := ComparePair(net, exact, approx)
			assert.Equal(t, tc.agree, p.Agree)
			assert.Equal(t, tc.agreeing, p.Agreeing)
			assert.Equal(t, tc.dis, p.Disagreeing)
			assert.Equal(t, tc.notComparable, p.NonDifferentiable)
			assert.Equal(t, tc.ratioAt, p.WorstRatioAt)
			assert.Equal(t, float64(SafetyFactor), p.Safety)
		})
	}
}

func TestConventionAndExactAgree(t *testing.T) {
	net, A, b := kinkCase(t, 0) // ŷ = 0 exactly
	g := exactKink(A)
	other := append([]float64(nil), g...)
	other[0], other[1] = 7, 7 // ReLU'(0) = 1 where g takes 0
	k, err := net.Cost(A, b)
	assert.NoError(t, err)
	a := Result{Engine: "a", K: k, Grad: g, Exact: true}
	c := Result{Engine: "c", K: k, Grad: other, Exact: true}
	p := ComparePairAt(net, A, b, a, c)
	assert.True(t, p.Agree)
	assert.Equal(t, []string{"W1[1,1]", "b1[1]"}, p.Convention)
	assert.Empty(t, p.NonDifferentiable)

	rep := CompareAt(net, A, b, []Result{a, c})
	assert.True(t, rep.ExactAgree)
	assert.Equal(t, 1, rep.ExactPairs)
	other[2] += 1 // W2 is far from any kink: a real disagreement
	rep = CompareAt(net, A, b, []Result{a, c})
	assert.False(t, rep.ExactAgree)
	assert.False(t, rep.Agree)
}

func TestExactBoundScalesWithK(t *testing.T) {
	assert.Greater(t, ExactBound(1e4, 1), 1000*ExactBound(1, 1)/2)
}

// TestRefinedBounds: an element beyond an engine's estimate is judged again with the
// engine's measured bound (BoundRefiner), asked once per element and result: it agrees when
// the measurement explains the difference, and is confirmed as disagreeing otherwise; after
// MaxConfirmed confirmed elements no more are measured.
func TestRefinedBounds(t *testing.T) {
	net := nn.MustParse("2-3-1") // 13 parameters
	n := net.NumParams()
	ref := make([]float64, n)
	for i := range ref {
		ref[i] = float64(i + 1)
	}
	exact := Result{Engine: "exact", Tolerance: 1e-12, K: 1, Grad: ref, Exact: true}
	for _, tc := range []struct {
		name      string
		off       map[int]float64 // the approximate engine's error by element
		measured  map[int]float64 // what RefineBound answers (1e-12 elsewhere)
		agree     bool
		dis       int
		calls     int
		ratioOver bool // WorstRatio above 1
	}{
		{"explained by the measurement", map[int]float64{3: 1e-6, 7: 2e-6}, map[int]float64{3: 1e-6, 7: 1e-6}, true, 0, 2, false},
		// 2e-6 at 8 is a relative error of 1.25e-7, within the floor of 1e-4 that an engine
		// that can measure its bounds does not get.
		{"confirmed", map[int]float64{3: 1e-6, 7: 2e-6}, map[int]float64{3: 1e-6}, false, 1, 2, true},
		{"at most MaxConfirmed measured", map[int]float64{0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1}, nil, false, 8, MaxConfirmed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := make([]float64, n)
			bound := make([]float64, n)
			for i := range g {
				g[i] = ref[i] + tc.off[i]
				bound[i] = 1e-12
			}
			calls := 0
			approx := Result{Engine: "approx", Tolerance: 1e-4, K: 1, Grad: g, Bound: bound, Crossed: make([]bool, n),
				refine: func(i int, v float64) float64 {
					calls++
					assert.Equal(t, g[i], v)
					if m, ok := tc.measured[i]; ok {
						return m
					}
					return 1e-12
				},
				refined: make([]float64, n)}
			for i := range approx.refined {
				approx.refined[i] = math.NaN()
			}
			for range 2 { // the second comparison measures nothing again
				p := ComparePair(net, exact, approx)
				assert.Equal(t, tc.agree, p.Agree)
				assert.Equal(t, tc.dis, p.Disagreeing)
				assert.Equal(t, n-tc.dis, p.Agreeing)
				assert.Equal(t, tc.ratioOver, p.WorstRatio > 1, "worst ratio %v", p.WorstRatio)
				assert.Equal(t, tc.calls, calls)
				assert.Equal(t, tc.calls, p.Measured)
			}
		})
	}
}
