package autodiff_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"nabla/autodiff"
)

// The image operations join the table of TestOpRules, which checks each one's adjoint and
// tangent against central differences on random batches of m images.
func init() {
	conv := func(g autodiff.Conv) opCase {
		return opCase{"Conv2D/" + fmtConv(g), func(m, k, n int) [][2]int {
			return [][2]int{{m, g.C * g.H * g.W}, {g.F, g.C * g.K * g.K}}
		}, nil, func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.Conv2D(in[0], in[1], g) }}
	}
	pool := func(name string, g autodiff.Pool, op func(*autodiff.Tape, *autodiff.Tensor, autodiff.Pool) *autodiff.Tensor) opCase {
		return opCase{name, func(m, k, n int) [][2]int { return [][2]int{{m, g.C * g.H * g.W}} }, nil,
			func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return op(t, in[0], g) }}
	}
	opCases = append(opCases,
		conv(autodiff.Conv{C: 1, H: 4, W: 4, F: 2, K: 3, Stride: 1}),
		conv(autodiff.Conv{C: 2, H: 5, W: 4, F: 3, K: 3, Stride: 2, Pad: 1}),
		conv(autodiff.Conv{C: 3, H: 3, W: 3, F: 1, K: 2, Stride: 1, Pad: 1}),
		opCase{"Conv2DBias", func(m, k, n int) [][2]int { return [][2]int{{m, 2 * 5 * 4}, {3, 2 * 2 * 2}, {3, 1}} }, nil,
			func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor {
				return t.Conv2DBias(in[0], in[1], in[2], autodiff.Conv{C: 2, H: 5, W: 4, F: 3, K: 2, Stride: 2, Pad: 1})
			}},
		opCase{"ChannelBias", func(m, k, n int) [][2]int { return [][2]int{{m, 3 * k}, {1, 3}} }, nil,
			func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor { return t.ChannelBias(in[0], in[1]) }},
		pool("MaxPool/2", autodiff.Pool{C: 2, H: 4, W: 5, P: 2, Stride: 2}, (*autodiff.Tape).MaxPool),
		pool("MaxPool/3s1", autodiff.Pool{C: 1, H: 5, W: 4, P: 3, Stride: 1}, (*autodiff.Tape).MaxPool),
		pool("AvgPool/2", autodiff.Pool{C: 2, H: 4, W: 5, P: 2, Stride: 2}, (*autodiff.Tape).AvgPool),
		pool("AvgPool/2s1", autodiff.Pool{C: 1, H: 3, W: 4, P: 2, Stride: 1}, (*autodiff.Tape).AvgPool),
		opCase{"composite/conv-layer", func(m, k, n int) [][2]int {
			return [][2]int{{m, 2 * 6 * 6}, {3, 2 * 3 * 3}, {1, 3}}
		}, nil, func(t *autodiff.Tape, in []*autodiff.Tensor) *autodiff.Tensor {
			h := t.Tanh(t.ChannelBias(t.Conv2D(in[0], in[1], autodiff.Conv{C: 2, H: 6, W: 6, F: 3, K: 3, Stride: 1}), in[2]))
			return t.MaxPool(h, autodiff.Pool{C: 3, H: 4, W: 4, P: 2, Stride: 2})
		}},
	)
}

func fmtConv(g autodiff.Conv) string {
	return string(rune('0'+g.C)) + "x" + string(rune('0'+g.H)) + "x" + string(rune('0'+g.W)) + "/s" + string(rune('0'+g.Stride)) + "+p" + string(rune('0'+g.Pad))
}

// TestConv2DByHand checks Conv2D, MaxPool and their adjoints on a 1×3×3 image worked out by
// hand: x = [1 2 0; 0 1 3; 2 1 1], kernel [1 −1; 2 0] gives the correlation [−1 4; 3 0], whose
// maximum 4 sits at (1, 2); the adjoint of the kernel is the window under it, [2 0; 1 3], and
// the adjoint of x is the kernel placed at that window.
func TestConv2DByHand(t *testing.T) {
	var tape autodiff.Tape
	x := tape.Var(1, 9, []float64{1, 2, 0, 0, 1, 3, 2, 1, 1})
	k := tape.Var(1, 4, []float64{1, -1, 2, 0})
	c := tape.Conv2D(x, k, autodiff.Conv{C: 1, H: 3, W: 3, F: 1, K: 2, Stride: 1})
	assert.Equal(t, []float64{-1, 4, 3, 0}, c.Value())
	m := tape.MaxPool(c, autodiff.Pool{C: 1, H: 2, W: 2, P: 2, Stride: 2})
	assert.Equal(t, []float64{4}, m.Value())
	tape.Backward(tape.Sum(m))
	assert.Equal(t, []float64{2, 0, 1, 3}, k.Grad())
	assert.Equal(t, []float64{0, 1, -1, 0, 2, 0, 0, 0, 0}, x.Grad())
}

// TestMaxPoolTie checks the convention at a tie: the first largest entry of the window in
// row-major order receives the adjoint, and the tangent is that entry's.
func TestMaxPoolTie(t *testing.T) {
	var tape autodiff.Tape
	x := tape.Var(1, 4, []float64{0.5, 2, 2, -1})
	x.SetTangent([]float64{10, 20, 30, 40})
	m := tape.MaxPool(x, autodiff.Pool{C: 1, H: 2, W: 2, P: 2, Stride: 2})
	assert.Equal(t, []float64{20}, m.Tangent())
	tape.Backward(tape.Sum(m))
	assert.Equal(t, []float64{0, 1, 0, 0}, x.Grad())
}
