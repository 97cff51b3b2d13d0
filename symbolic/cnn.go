package symbolic

import "nabla/nn"

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
							t := b.Mul(taps[(f*c.C+ch)*kk+i*c.K+j], y[(ch*c.H+r)*c.W+s])
							if u == nil {
								u = t
							} else {
								u = b.Add(u, t)
							}
						}
					}
				}
				next = append(next, b.activate(b.Add(u, bias), c.Act))
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
