package autodiff_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/nn"
)

// rosenbrock is Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², written with whole-vector operations.
func rosenbrock(t *autodiff.Tape, x *autodiff.Tensor) *autodiff.Tensor {
	n, _ := x.Shape()
	head, tail := t.Slice(x, 0, n-1), t.Slice(x, 1, n)
	a := t.Scale(100, t.Square(t.Sub(tail, t.Square(head))))
	b := t.Square(t.Sub(t.Scalar(1), head))
	return t.Add(t.Sum(a), t.Sum(b))
}

// rosenbrockGrad is Rosenbrock's gradient worked out by hand.
func rosenbrockGrad(x []float64) []float64 {
	g := make([]float64, len(x))
	for i := 0; i+1 < len(x); i++ {
		r := x[i+1] - x[i]*x[i]
		g[i] += -400*x[i]*r - 2*(1-x[i])
		g[i+1] += 200 * r
	}
	return g
}

// notesF is the lecture notes' example f(x, y) = (x² − sin y)·x.
func notesF(t *autodiff.Tape, v *autodiff.Tensor) *autodiff.Tensor {
	x, y := t.At(v, 0, 0), t.At(v, 1, 0)
	return t.Mul(t.Sub(t.Square(x), t.Sin(y)), x)
}

// scalarLoop is written entry by entry with a loop and a branch:
// Σᵢ (cos xᵢ · e^{xᵢ₊₁} if i even, else log(1 + xᵢ²)).
func scalarLoop(t *autodiff.Tape, x *autodiff.Tensor) *autodiff.Tensor {
	n, _ := x.Shape()
	s := t.Scalar(0)
	for i := 0; i < n; i++ {
		xi := t.At(x, i, 0)
		var term *autodiff.Tensor
		if i%2 == 0 {
			term = t.Mul(t.Cos(xi), t.Exp(t.At(x, (i+1)%n, 0)))
		} else {
			term = t.Log(t.Add(t.Scalar(1), t.Square(xi)))
		}
		s = t.Add(s, term)
	}
	return s
}

// quadratic is ½ xᵀ M x + Σ tanh x − Σ sigmoid x with a fixed non-symmetric M.
func quadratic(t *autodiff.Tape, x *autodiff.Tensor) *autodiff.Tensor {
	n, _ := x.Shape()
	m := make([]float64, n*n)
	for i := range m {
		m[i] = math.Sin(float64(i + 1))
	}
	M := t.Const(n, n, m)
	q := t.Scale(0.5, t.MatMul(t.Transpose(x), t.MatMul(M, x)))
	return t.Sub(t.Add(q, t.Sum(t.Tanh(x))), t.Sum(t.Sigmoid(x)))
}

func TestGradFunctions(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    autodiff.Func
		x    []float64
		want []float64 // hand-derived gradient; nil when only differences are checked
	}{
		{"rosenbrock-2", rosenbrock, []float64{-1.2, 1}, rosenbrockGrad([]float64{-1.2, 1})},
		{"rosenbrock-6", rosenbrock, []float64{0.3, -0.7, 1.1, 0.9, -0.2, 0.5}, rosenbrockGrad([]float64{0.3, -0.7, 1.1, 0.9, -0.2, 0.5})},
		{"rosenbrock-minimum", rosenbrock, []float64{1, 1, 1}, []float64{0, 0, 0}},
		// f(x, y) = (x² − sin y)·x: ∂f/∂x = 3x² − sin y, ∂f/∂y = −x cos y.
		{"notes-f", notesF, []float64{1.5, 0.8}, []float64{3*1.5*1.5 - math.Sin(0.8), -1.5 * math.Cos(0.8)}},
		{"scalar-loop", scalarLoop, []float64{0.4, -0.3, 1.2, 0.7, -1.1}, nil},
		{"quadratic", quadratic, []float64{0.2, -0.5, 0.9, 1.3}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, fx := autodiff.Grad(nil, tc.f, tc.x)
			require.Len(t, g, len(tc.x))
			plain := func(x []float64) float64 {
				var tape autodiff.Tape
				return tc.f(&tape, tape.Var(len(x), 1, x)).Scalar()
			}
			assert.InDelta(t, plain(tc.x), fx, 0)
			ref := fd.Gradient(nil, plain, tc.x, &fd.Settings{Formula: fd.Central})
			for i := range ref {
				assert.LessOrEqual(t, gradients.RelErr(ref[i], g[i]), 1e-7, "∂f/∂x%d: central %v, Grad %v", i+1, ref[i], g[i])
				if tc.want != nil {
					assert.LessOrEqual(t, gradients.RelErr(tc.want[i], g[i]), 1e-13, "∂f/∂x%d: by hand %v, Grad %v", i+1, tc.want[i], g[i])
				}
			}
			// Forward mode: one pass per unit vector gives the same gradient.
			for i := range tc.x {
				e := make([]float64, len(tc.x))
				e[i] = 1
				fx2, d := autodiff.JVP(tc.f, tc.x, e)
				assert.InDelta(t, fx, fx2, 0)
				assert.LessOrEqual(t, gradients.RelErr(g[i], d), 1e-13, "∂f/∂x%d: reverse %v, forward %v", i+1, g[i], d)
			}
		})
	}
}

// TestNotesGradientTypo records that the notes' ∂f/∂x = 2x − sin y is wrong: the derivative of
// (x² − sin y)·x is 3x² − sin y.
func TestNotesGradientTypo(t *testing.T) {
	x, y := 1.5, 0.8
	g, _ := autodiff.Grad(nil, notesF, []float64{x, y})
	assert.InDelta(t, 3*x*x-math.Sin(y), g[0], 1e-14)
	assert.Greater(t, math.Abs(g[0]-(2*x-math.Sin(y))), 1.0)
}

func TestGradMisuse(t *testing.T) {
	matrix := func(t *autodiff.Tape, x *autodiff.Tensor) *autodiff.Tensor { return t.Square(x) }
	assert.Panics(t, func() { autodiff.Grad(nil, matrix, []float64{1, 2}) }, "non-scalar result")
	assert.Panics(t, func() { autodiff.Grad(make([]float64, 1), rosenbrock, []float64{1, 2}) }, "dst length")
	assert.Panics(t, func() { autodiff.JVP(rosenbrock, []float64{1, 2}, []float64{1}) }, "v length")
	assert.Panics(t, func() { autodiff.Grad(nil, rosenbrock, nil) }, "empty x")
	// A function that ignores its argument has a zero gradient.
	constant := func(t *autodiff.Tape, x *autodiff.Tensor) *autodiff.Tensor { return t.Scalar(3) }
	dst := []float64{7, 7}
	g, fx := autodiff.Grad(dst, constant, []float64{1, 2})
	assert.Equal(t, []float64{0, 0}, g)
	assert.InDelta(t, 3, fx, 0)
}

// TestDirectional checks the forward engine's ∇K·v against the reverse engine's gradient and a
// central difference of the reference cost along v.
func TestDirectional(t *testing.T) {
	for _, arch := range []string{"3-4-2", "5-7-6-3:tanh,relu,sigmoid", "4-6-6-3:tanh,sigmoid,identity"} {
		t.Run(arch, func(t *testing.T) {
			net := nn.MustParse(arch)
			A := net.Init(nil, 4)
			b := net.RandomBatch(9, 4)
			v := net.Init(nil, 5)
			fwd, err := autodiff.NewForward(net)
			require.NoError(t, err)
			rev, err := autodiff.NewReverse(net)
			require.NoError(t, err)
			k, dk, err := fwd.Directional(A, v, b)
			require.NoError(t, err)
			g, k2, err := rev.Gradient(nil, A, b)
			require.NoError(t, err)
			assert.LessOrEqual(t, gradients.RelErr(k2, k), 1e-14)
			var dot float64
			for i := range g {
				dot += g[i] * v[i]
			}
			assert.LessOrEqual(t, gradients.RelErr(dot, dk), 1e-12, "forward %v, reverse·v %v", dk, dot)
			ev := nn.NewEvaluator(net)
			a := make([]float64, len(A))
			dir := fd.Derivative(func(h float64) float64 {
				for i := range a {
					a[i] = A[i] + h*v[i]
				}
				return ev.Cost(a, b)
			}, 0, &fd.Settings{Formula: fd.Central})
			assert.LessOrEqual(t, gradients.RelErr(dir, dk), 1e-7, "forward %v, central %v", dk, dir)
			assert.Zero(t, testing.AllocsPerRun(5, func() { _, _, _ = fwd.Directional(A, v, b) }), "allocations per Directional")
		})
	}
}

func TestDirectionalErrors(t *testing.T) {
	net := nn.MustParse("3-4-2")
	A := net.Init(nil, 1)
	b := net.RandomBatch(4, 1)
	fwd, err := autodiff.NewForward(net)
	require.NoError(t, err)
	_, _, err = fwd.Directional(A, make([]float64, 3), b)
	assert.ErrorIs(t, err, nn.ErrShape)
	v := make([]float64, net.NumParams())
	v[7] = math.NaN()
	_, _, err = fwd.Directional(A, v, b)
	assert.ErrorIs(t, err, nn.ErrNonFinite)
	_, _, err = fwd.Directional(A[:3], make([]float64, net.NumParams()), b)
	assert.ErrorIs(t, err, nn.ErrShape)
}

// TestRegistered checks that both engines are in the registry, exact at 1e-12.
func TestRegistered(t *testing.T) {
	for _, name := range []string{"autodiff-reverse", "autodiff-forward"} {
		info, err := gradients.Lookup(name)
		require.NoError(t, err)
		assert.True(t, info.Exact)
		assert.InDelta(t, 1e-12, info.Tol(), 0)
		e, err := gradients.New(name, nn.MustParse("2-3-1"))
		require.NoError(t, err)
		assert.Equal(t, name, e.Name())
	}
}
