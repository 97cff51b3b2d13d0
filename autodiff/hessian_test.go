package autodiff_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"nabla/autodiff"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

func TestHvConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) { return autodiff.NewReverse(net) }, gradtest.HvOptions{})
}

// Every operation's adjoint tangent against the closed-form Hessian of a function of two
// variables written on the tape, seeded with the directions (1, 0) and (0, 1).
func TestBackwardTangentsOps(t *testing.T) {
	x0, y0 := 0.7, -0.4
	for _, tc := range []struct {
		name string
		f    func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor
		hess [2][2]float64
	}{
		{"x*y", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor { return t.Mul(x, y) }, [2][2]float64{{0, 1}, {1, 0}}},
		{"sigmoid(x*y)", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor { return t.Sigmoid(t.Mul(x, y)) }, sigmoidHess(x0, y0)},
		{"tanh(x-y)^2", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor { return t.Square(t.Tanh(t.Sub(x, y))) }, tanhSqHess(x0, y0)},
		{"exp(x)*sin(y)+log(x)*cos(y)", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor {
			return t.Add(t.Mul(t.Exp(x), t.Sin(y)), t.Mul(t.Log(x), t.Cos(y)))
		}, expSinHess(x0, y0)},
		{"matmul", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor {
			return t.Sum(t.MatMul(t.Transpose(t.Scale(2, x)), t.MatMulT(x, y)))
		}, [2][2]float64{{4 * y0, 4 * x0}, {4 * x0, 0}}},
		{"logsumexp(x,y)", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor {
			row := t.Add(t.Mul(x, t.Const(1, 2, []float64{1, 0})), t.Mul(y, t.Const(1, 2, []float64{0, 1})))
			return t.LogSumExp(row)
		}, logSumExpHess(x0, y0)},
		{"(xy-sin y)^2", func(t *autodiff.Tape, x, y *autodiff.Tensor) *autodiff.Tensor {
			return t.SquaredDistance(t.Mul(x, y), t.Sin(y))
		}, sqDistHess(x0, y0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for j, dir := range [2][2]float64{{1, 0}, {0, 1}} {
				tape := autodiff.NewTape()
				x := tape.Var(1, 1, []float64{x0})
				y := tape.Var(1, 1, []float64{y0})
				x.SetTangent([]float64{dir[0]})
				y.SetTangent([]float64{dir[1]})
				out := tc.f(tape, x, y)
				tape.BackwardTangents(out)
				assert.InDelta(t, tc.hess[0][j], x.GradTangent()[0], 1e-12, "H[x][%d]", j)
				assert.InDelta(t, tc.hess[1][j], y.GradTangent()[0], 1e-12, "H[y][%d]", j)
			}
		})
	}
}

// sigmoidHess is the Hessian of σ(xy): σ”·[y² xy; xy x²] + σ'·[0 1; 1 0].
func sigmoidHess(x, y float64) [2][2]float64 {
	s := 1 / (1 + math.Exp(-x*y))
	d1 := s * (1 - s)
	d2 := d1 * (1 - 2*s)
	return [2][2]float64{{d2 * y * y, d2*x*y + d1}, {d2*x*y + d1, d2 * x * x}}
}

// tanhSqHess is the Hessian of tanh²(x − y): g”·[1 −1; −1 1], g” = 2(1 − t²)(1 − 3t²).
func tanhSqHess(x, y float64) [2][2]float64 {
	t := math.Tanh(x - y)
	g := 2 * (1 - t*t) * (1 - 3*t*t)
	return [2][2]float64{{g, -g}, {-g, g}}
}

// sqDistHess is the Hessian of u² with u = xy − sin y: 2(∇u∇uᵀ + u∇²u), ∇u = (y, x − cos y),
// ∇²u = [0 1; 1 sin y].
func sqDistHess(x, y float64) [2][2]float64 {
	u, ux, uy := x*y-math.Sin(y), y, x-math.Cos(y)
	return [2][2]float64{{2 * ux * ux, 2 * (ux*uy + u)}, {2 * (ux*uy + u), 2 * (uy*uy + u*math.Sin(y))}}
}

// logSumExpHess is the Hessian of log(eˣ + eʸ): diag(p) − ppᵀ = p₁p₂·[1 −1; −1 1] with
// p = softmax(x, y).
func logSumExpHess(x, y float64) [2][2]float64 {
	p1 := 1 / (1 + math.Exp(y-x))
	h := p1 * (1 - p1)
	return [2][2]float64{{h, -h}, {-h, h}}
}

// expSinHess is the Hessian of eˣ sin y + log x cos y.
func expSinHess(x, y float64) [2][2]float64 {
	ex, sy, cy := math.Exp(x), math.Sin(y), math.Cos(y)
	xy := ex*cy - sy/x
	return [2][2]float64{{ex*sy - cy/(x*x), xy}, {xy, -ex*sy - math.Log(x)*cy}}
}

// One neuron without activation, z = w·x + c, on the pairs (x, z̄) = (2, 1) and (−1, 0):
// K = Σ (w·x + c − z̄)² has the Hessian 2·Σ [x² x; x 1] = [10 2; 2 4].
func ExampleReverse_Hv() {
	e, _ := autodiff.NewReverse(nn.MustParse("1-1:identity"))
	b, _ := nn.NewBatch([][]float64{{2}, {-1}}, [][]float64{{1}, {0}})
	hv, k, _ := e.Hv(nil, []float64{3, -1}, []float64{1, -1}, b)
	fmt.Println(k, hv)
	// Output: 32 [8 -2]
}
