package mutants

import (
	"fmt"
	"math"
	"slices"

	"nabla/gradients"
	"nabla/nn"
)

// SecondFault is one mistake in a hand-coded Hessian-vector product (Pearlmutter's R-operator
// through the notes' rules): its name, its explanation, and the hooks that put it into the
// mutant's R-pass. Like Fault, a second-order fault is data: one catalogue entry.
type SecondFault struct {
	Name    string `json:"name"`
	Mistake string `json:"mistake"`
	Needs   string `json:"needs,omitempty"` // what a network must have for the fault to show
	hooks   *rhooks
}

// rhooks are the points of the R-pass (see HvEngine.Hv) where a student goes wrong; nil or
// false is the correct code.
type rhooks struct {
	// second is σ''(ŷ) given the activation y = σ(ŷ) (correct: secondDeriv).
	second func(act nn.Activation, y float64) float64
	// noCurvature leaves out the σ'' term (Wᵀδ') ⊙ σ''(ŷ) ⊙ Rŷ of Rδ.
	noCurvature bool
	// noCross leaves out δ (Ry)ᵀ of R{∂K/∂W}: the cross term between a layer's weights and the
	// parameters of the layers below.
	noCross bool
	// noDirectionTerm leaves out Vᵀδ' of Rδ: the direction's own part of the layer above.
	noDirectionTerm bool
}

// SecondControl is the clean R-pass: every engine must agree with it.
var SecondControl = SecondFault{Name: "none", Mistake: "no fault: the control", hooks: &rhooks{}}

var secondCatalogue = []SecondFault{
	{Name: "sigmoid-second-deriv-typo",
		Mistake: "σ'' of the sigmoid written as σ'(1 − σ) instead of σ'(1 − 2σ)",
		Needs:   "a sigmoid layer",
		hooks: &rhooks{second: func(act nn.Activation, y float64) float64 {
			if act == nn.Sigmoid {
				return y * (1 - y) * (1 - y)
			}
			return secondDeriv(act, y)
		}}},
	{Name: "tanh-second-deriv-typo",
		Mistake: "σ'' of tanh written as −2·tanh, the factor 1 − tanh² left out",
		Needs:   "a tanh layer",
		hooks: &rhooks{second: func(act nn.Activation, y float64) float64 {
			if act == nn.Tanh {
				return -2 * y
			}
			return secondDeriv(act, y)
		}}},
	{Name: "missing-curvature",
		Mistake: "the σ'' term (Wᵀδ') ⊙ σ''(ŷ) ⊙ Rŷ of Rδ left out (only the Gauss–Newton part)",
		Needs:   "a sigmoid or tanh layer",
		hooks:   &rhooks{noCurvature: true}},
	{Name: "missing-cross-term",
		Mistake: "R{∂K/∂W} = Rδ yᵀ: the cross term δ (Ry)ᵀ between layers left out",
		Needs:   "two layers or more",
		hooks:   &rhooks{noCross: true}},
	{Name: "missing-direction-term",
		Mistake: "Rδ = (Wᵀ Rδ') ⊙ σ' + …: the term Vᵀδ' of the direction in the layer above left out",
		Needs:   "two layers or more",
		hooks:   &rhooks{noDirectionTerm: true}},
}

// SecondCatalogue returns the second-order faults.
func SecondCatalogue() []SecondFault { return slices.Clone(secondCatalogue) }

// secondDeriv is σ”(ŷ) written in y = σ(ŷ): σ'(1 − 2σ) for the sigmoid, −2·tanh·(1 − tanh²),
// 0 for ReLU (away from 0) and the identity.
func secondDeriv(act nn.Activation, y float64) float64 {
	switch act {
	case nn.Sigmoid:
		return y * (1 - y) * (1 - 2*y)
	case nn.Tanh:
		return -2 * y * (1 - y*y)
	}
	return 0
}

// HvEngine computes H·v with one second-order fault built in, by its own R-pass over the
// activations and δ of the clean mutant (Control). It implements gradients.HessianVector
// and is never registered. It allocates; it is for small networks.
type HvEngine struct {
	grad  *Engine // the clean first-order mutant: forward pass and δ
	fault SecondFault
	rcost rOutput
}

var _ gradients.HessianVector = (*HvEngine)(nil)

// NewHv prepares a second-order mutant for a network of dense layers.
func NewHv(net *nn.Network, f SecondFault) (*HvEngine, error) {
	g, err := New(net, Control)
	if err != nil {
		return nil, err
	}
	rc, err := rOutputOf(net.CostKind())
	if err != nil {
		return nil, err
	}
	if f.hooks == nil {
		f.hooks = SecondControl.hooks
	}
	return &HvEngine{grad: g, fault: f, rcost: rc}, nil
}

// Name returns "mutant2:" and the fault's name.
func (e *HvEngine) Name() string { return "mutant2:" + e.fault.Name }

// rOutput writes ∂K/∂z into g and R{∂K/∂z} into rg for one pair.
type rOutput func(z, zbar, rz, g, rg []float64)

// rOutputOf is the second-order mutants' one switch over cost kinds: ∂K/∂z = 2(z − z̄) and
// R{∂K/∂z} = 2 Rz for the quadratic cost; ∂K/∂z = p·Σz̄ − z̄ and R{∂K/∂z} = Σz̄·(p ⊙ Rz −
// p·(pᵀRz)) with p = softmax(z) for the cross-entropy.
func rOutputOf(c nn.CostKind) (rOutput, error) {
	switch c {
	case nn.Quadratic:
		return func(z, zbar, rz, g, rg []float64) {
			for k := range z {
				g[k], rg[k] = 2*(z[k]-zbar[k]), 2*rz[k]
			}
		}, nil
	case nn.CrossEntropy:
		return func(z, zbar, rz, g, rg []float64) {
			top := slices.Max(z)
			var sum, mass, prz float64
			for k := range z {
				sum += math.Exp(z[k] - top)
				mass += zbar[k]
			}
			for k := range z {
				p := math.Exp(z[k]-top) / sum
				g[k] = p*mass - zbar[k]
				prz += p * rz[k]
			}
			for k := range z {
				p := math.Exp(z[k]-top) / sum
				rg[k] = mass * p * (rz[k] - prz)
			}
		}, nil
	default:
		return nil, fmt.Errorf("mutants: cost %v: %w", c, gradients.ErrUnsupported)
	}
}

// Hv writes the mutant's H(A)·v into dst and returns it with K: the clean forward pass and
// δ, then per training pair the R-forward pass Rŷ = V y + W Ry + Rb, Ry = σ'(ŷ) Rŷ and the
// R-backward pass Rδ = (Vᵀδ' + WᵀRδ') ⊙ σ'(ŷ) + (Wᵀδ') ⊙ σ”(ŷ) ⊙ Rŷ (at the output R{∂K/∂z}
// and ∂K/∂z in place of the brackets), R{∂K/∂W} = Rδ yᵀ + δ (Ry)ᵀ, R{∂K/∂b} = Rδ, with the
// fault's hooks.
func (e *HvEngine) Hv(dst, A, v []float64, b nn.Batch) ([]float64, float64, error) {
	m, net := e.grad, e.grad.net
	dst = gradients.CheckDst("mutants", dst, net.NumParams())
	if err := net.Check(A, b); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", e.Name(), err)
	}
	if err := gradients.CheckDirection("mutants", net, v); err != nil {
		return nil, 0, err
	}
	_, k, err := m.Gradient(make([]float64, net.NumParams()), A, b) // pre, act, delta
	if err != nil {
		return nil, 0, err
	}
	clear(dst)
	for i := 0; i < b.Len(); i++ {
		ru, ry := e.rForward(A, v, b, i)
		e.rBackward(dst, A, v, b, i, ru, ry)
	}
	return dst, k, nil
}

// rForward is the R-forward pass of pair i: Rŷ and Ry of every layer.
func (e *HvEngine) rForward(A, v []float64, b nn.Batch, i int) (ru, ry [][]float64) {
	m := e.grad
	ru, ry = make([][]float64, len(m.dense)), make([][]float64, len(m.dense))
	for l, d := range m.dense {
		w, _ := d.Split(m.net.LayerParams(A, l))
		vw, vb := d.Split(m.net.LayerParams(v, l))
		y := e.input(b, i, l)
		ru[l], ry[l] = make([]float64, d.Out), make([]float64, d.Out)
		for k := range d.Out {
			s := vb[k]
			for j := range d.In {
				s += vw[k*d.In+j] * y[j]
				if l > 0 {
					s += w[k*d.In+j] * ry[l-1][j]
				}
			}
			at := i*d.Out + k
			ru[l][k] = s
			ry[l][k] = d.Act.Deriv(m.pre[l][at]) * s
		}
	}
	return ru, ry
}

// input is layer l's input of pair i: x, or the activations of the layer below.
func (e *HvEngine) input(b nn.Batch, i, l int) []float64 {
	m := e.grad
	if l == 0 {
		X := b.X.RawMatrix()
		return X.Data[i*X.Stride : i*X.Stride+X.Cols]
	}
	n := m.dense[l-1].Out
	return m.act[l-1][i*n : (i+1)*n]
}

// rBackward is the R-backward pass of pair i, adding its H·v into dst.
func (e *HvEngine) rBackward(dst, A, v []float64, b nn.Batch, i int, ru, ry [][]float64) {
	m, h := e.grad, e.fault.hooks
	L := len(m.dense) - 1
	var rdUp []float64 // Rδ of the layer above
	for l := L; l >= 0; l-- {
		d := m.dense[l]
		g, rg := make([]float64, d.Out), make([]float64, d.Out) // Wᵀδ' and its R
		if l == L {
			Z := b.Z.RawMatrix()
			e.rcost(m.act[l][i*d.Out:(i+1)*d.Out], Z.Data[i*Z.Stride:i*Z.Stride+d.Out], ry[l], g, rg)
		} else {
			up := m.dense[l+1]
			w, _ := up.Split(m.net.LayerParams(A, l+1))
			vw, _ := up.Split(m.net.LayerParams(v, l+1))
			for j := range d.Out {
				for k := range up.Out {
					du := m.delta[l+1][i*up.Out+k]
					g[j] += w[k*up.In+j] * du
					rg[j] += w[k*up.In+j] * rdUp[k]
					if !h.noDirectionTerm {
						rg[j] += vw[k*up.In+j] * du
					}
				}
			}
		}
		rd := make([]float64, d.Out)
		for k := range d.Out {
			at := i*d.Out + k
			rd[k] = rg[k] * d.Act.Deriv(m.pre[l][at])
			if !h.noCurvature {
				s2 := secondDeriv(d.Act, m.act[l][at])
				if h.second != nil {
					s2 = h.second(d.Act, m.act[l][at])
				}
				rd[k] += g[k] * s2 * ru[l][k]
			}
		}
		hw, hb := d.Split(m.net.LayerParams(dst, l))
		y := e.input(b, i, l)
		for k := range d.Out {
			for j := range d.In {
				hw[k*d.In+j] += rd[k] * y[j]
				if l > 0 && !h.noCross {
					hw[k*d.In+j] += m.delta[l][i*d.Out+k] * ry[l-1][j]
				}
			}
			hb[k] += rd[k]
		}
		rdUp = rd
	}
}
