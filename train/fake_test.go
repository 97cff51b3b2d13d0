package train

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"nabla/gradients"
	"nabla/nn"
)

// fakeEngine is a test-only engine, so that the training loop can be tested without any real
// engine package: plain per-pair backpropagation for dense networks, written from the chain
// rule in the simplest way (slow, allocating, but exact).
type fakeEngine struct {
	net   *nn.Network
	dense []*nn.Dense
}

// newFake is the fake engine's one switch over layer kinds.
func newFake(net *nn.Network) (gradients.Engine, error) {
	e := &fakeEngine{net: net}
	for _, layer := range net.Layers() {
		switch l := layer.(type) {
		case *nn.Dense:
			e.dense = append(e.dense, l)
		default:
			return nil, gradients.Unsupported(fakeName, layer)
		}
	}
	return e, nil
}

const fakeName = "test-backprop"

func init() {
	gradients.Register(gradients.Info{
		Name: fakeName, Description: "test-only per-pair backpropagation", Exact: true,
		New: newFake,
	})
}

func (e *fakeEngine) Name() string { return fakeName }

func (e *fakeEngine) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	dst = gradients.CheckDst("fake", dst, e.net.NumParams())
	if err := e.net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", fakeName, err)
	}
	clear(dst)
	L := e.net.NumLayers()
	var k float64
	for i := range b.Len() {
		// Forward, keeping every layer's input and pre-activation.
		ins := make([][]float64, L+1)
		pres := make([][]float64, L)
		ins[0] = mat.Row(nil, i, b.X)
		for l, d := range e.dense {
			w, bias := d.Split(e.net.LayerParams(A, l))
			pre := make([]float64, d.Out)
			for o := range d.Out {
				s := bias[o]
				for j := range d.In {
					s += w[o*d.In+j] * ins[l][j]
				}
				pre[o] = s
			}
			out := make([]float64, d.Out)
			d.Act.Apply(out, pre)
			pres[l], ins[l+1] = pre, out
		}
		// Backward: delta = ∂K/∂pre, starting from ∂K/∂z·σ' with ∂K/∂z = 2(z − z̄) for the
		// quadratic cost and softmax(z)·Σz̄ − z̄ for the cross-entropy.
		delta := make([]float64, e.net.Outputs())
		zbar := mat.Row(nil, i, b.Z)
		k += e.net.CostKind().RowCost(ins[L], zbar)
		switch e.net.CostKind() {
		case nn.Quadratic:
			for o, z := range ins[L] {
				delta[o] = 2 * (z - zbar[o])
			}
		case nn.CrossEntropy:
			lse := nn.LogSumExp(ins[L])
			for o, z := range ins[L] {
				delta[o] = math.Exp(z-lse)*floats.Sum(zbar) - zbar[o]
			}
		default:
			return nil, 0, fmt.Errorf("fake: %w: cost %v", gradients.ErrUnsupported, e.net.CostKind())
		}
		for l := L - 1; l >= 0; l-- {
			d := e.dense[l]
			gw, gb := d.Split(e.net.LayerParams(dst, l))
			w, _ := d.Split(e.net.LayerParams(A, l))
			for o := range d.Out {
				delta[o] *= d.Act.Deriv(pres[l][o])
				gb[o] += delta[o]
				for j := range d.In {
					gw[o*d.In+j] += delta[o] * ins[l][j]
				}
			}
			prev := make([]float64, d.In)
			for j := range d.In {
				for o := range d.Out {
					prev[j] += w[o*d.In+j] * delta[o]
				}
			}
			delta = prev
		}
	}
	return dst, k, nil
}
