package symbolic

import (
	"fmt"

	"nabla/gradients"
	"nabla/nn"
)

// layer writes one layer's outputs as expressions of its inputs y (one pair, C×H×W
// row-major for an image) and its parameters, named by the layer's blocks: the symbolic
// engine's one switch on the layer kinds.
func (b *Builder) layer(layer nn.Layer, blocks []nn.Block, y []Expr) ([]Expr, error) {
	switch l := layer.(type) {
	case *nn.Dense:
		return b.activate(b.dense(l, blocks, y), l.Act)
	case *nn.Conv2D:
		return b.activate(b.conv(l, blocks, y), l.Act)
	case *nn.MaxPool:
		return b.pool(l.Pool, y, b.Max, nil), nil
	case *nn.AvgPool:
		return b.pool(l.Pool, y, nil, b.Const(float64(l.P*l.P))), nil
	}
	return nil, fmt.Errorf("%w: layer kind %T", gradients.ErrUnsupported, layer)
}

// activate applies σ to every expression of u, in place.
func (b *Builder) activate(u []Expr, a nn.Activation) ([]Expr, error) {
	var f func(Expr) Expr
	switch a {
	case nn.Sigmoid:
		f = b.Sigmoid
	case nn.Tanh:
		f = b.Tanh
	case nn.ReLU:
		f = b.ReLU
	case nn.Identity:
		return u, nil
	default:
		return nil, fmt.Errorf("%w: activation %v", gradients.ErrUnsupported, a)
	}
	for i, e := range u {
		u[i] = f(e)
	}
	return u, nil
}

// sum adds t to the running sum u (nil for none yet), keeping the left-to-right order of the
// reference pass.
func (b *Builder) sum(u, t Expr) Expr {
	if u == nil {
		return t
	}
	return b.Add(u, t)
}

// dense writes ŷⱼ = Σᵢ Wⱼᵢ yᵢ + bⱼ.
func (b *Builder) dense(d *nn.Dense, blocks []nn.Block, y []Expr) []Expr {
	wb, bb := blocks[0], blocks[1]
	next := make([]Expr, d.Out)
	for j := range next {
		var u Expr
		for i := 0; i < d.In; i++ {
			u = b.sum(u, b.Mul(b.Var(wb.EntryName(j*d.In+i)), y[i]))
		}
		next[j] = b.Add(u, b.Var(bb.EntryName(j)))
	}
	return next
}

// conv writes ŷ[f,p,q] = Σ_{c,i,j} K[f,c,i,j]·y[c, pS+i−P, qS+j−P] + c[f], the sum over the
// taps that fall inside the image in the order (c, i, j): sums of products, one product node
// per kernel tap and output pixel, so the expression grows with the layer's multiply-adds.
func (b *Builder) conv(c *nn.Conv2D, blocks []nn.Block, y []Expr) []Expr {
	kb, cb := blocks[0], blocks[1]
	taps := make([]Expr, kb.Len()) // the kernel's variables, named once
	for k := range taps {
		taps[k] = b.Var(kb.EntryName(k))
	}
	oh, ow, kk := c.OutH(), c.OutW(), c.K*c.K
	next := make([]Expr, 0, c.Outputs())
	for f := 0; f < c.F; f++ {
		bias := b.Var(cb.EntryName(f))
		for p := 0; p < oh; p++ {
			for q := 0; q < ow; q++ {
				var u Expr
				for ch := 0; ch < c.C; ch++ {
					for i := 0; i < c.K; i++ {
						for j := 0; j < c.K; j++ {
							r, s := p*c.Stride+i-c.Pad, q*c.Stride+j-c.Pad
							if r < 0 || r >= c.H || s < 0 || s >= c.W {
								continue
							}
							u = b.sum(u, b.Mul(taps[(f*c.C+ch)*kk+i*c.K+j], y[(ch*c.H+r)*c.W+s]))
						}
					}
				}
				next = append(next, b.Add(u, bias))
			}
		}
	}
	return next
}

// Max returns max(x, y) as x + relu(y − x): its derivative takes the subgradient convention
// of ReLU (relu'(0) = 0), so at a tie x = y it is 1 for x and 0 for y — the first of equal
// entries wins, as in nn.MaxPool. At a tie the value is the same whichever wins; the
// derivative is not (a non-smooth point of K).
func (b *Builder) Max(x, y Expr) Expr { return b.Add(x, b.ReLU(b.Sub(y, x))) }

// pool writes each window of each channel of y reduced in row-major order: by max when max is
// given, else summed and divided by area.
func (b *Builder) pool(g nn.Pool, y []Expr, max func(x, y Expr) Expr, area Expr) []Expr {
	oh, ow := g.OutH(), g.OutW()
	next := make([]Expr, 0, g.Outputs())
	for ch := 0; ch < g.C; ch++ {
		for p := 0; p < oh; p++ {
			for q := 0; q < ow; q++ {
				var u Expr
				for i := 0; i < g.P; i++ {
					for j := 0; j < g.P; j++ {
						v := y[(ch*g.H+p*g.Stride+i)*g.W+q*g.Stride+j]
						switch {
						case u == nil:
							u = v
						case max != nil:
							u = max(u, v)
						default:
							u = b.Add(u, v)
						}
					}
				}
				if max == nil {
					u = b.Div(u, area)
				}
				next = append(next, u)
			}
		}
	}
	return next
}
