package mutants

import (
	"nabla/nn"
)

// This file is the mutant's convolution and pooling, written out as loops like its dense
// layers, with the points where a CNN gradient typically goes wrong as hooks (see hooks):
//
//	forward      ŷ[f,p,q] = c[f] + Σ_{c,i,j} K[f,c,i,j]·y[c, pS+i−P, qS+j−P]
//	∂K/∂K[f,c,i,j] = Σ_{p,q} δ[f,p,q]·y[c, pS+i−P, qS+j−P]
//	∂K/∂c[f]     = Σ_{p,q} δ[f,p,q]
//	∂K/∂y[c,u,v] = Σ_{f,p,q,i,j: pS+i−P=u, qS+j−P=v} K[f,c,i,j]·δ[f,p,q]
//	               (for stride 1 the full convolution of δ with the flipped kernel)
//	max pooling routes δ to the arg-max of each window (the first largest entry), average
//	pooling spreads δ/P² over it.

// knows reports whether the mutant handles the layer kind.
func knows(l nn.Layer) bool {
	switch l.(type) {
	case *nn.Dense, *nn.Conv2D, *nn.MaxPool, *nn.AvgPool:
		return true
	}
	return false
}

// input returns pair i's input of layer l: a row of X or of the layer below's activations.
func (e *Engine) input(b nn.Batch, l, i int) []float64 {
	in := e.layers[l].Inputs()
	if l == 0 {
		X := b.X.RawMatrix()
		return X.Data[i*X.Stride : i*X.Stride+in]
	}
	return e.act[l-1][i*in : (i+1)*in]
}

// imageForward computes layer l (a convolution or a pooling) for every pair.
func (e *Engine) imageForward(A []float64, b nn.Batch, l int) {
	layer := e.layers[l]
	out := layer.Outputs()
	for i := 0; i < b.Len(); i++ {
		x, pre := e.input(b, l, i), e.pre[l][i*out:(i+1)*out]
		switch ly := layer.(type) {
		case *nn.Conv2D:
			kernel, bias := ly.Split(e.net.LayerParams(A, l))
			for f := 0; f < ly.F; f++ {
				for p := 0; p < ly.OutH(); p++ {
					for q := 0; q < ly.OutW(); q++ {
						s := bias[f]
						convTaps(ly, p, q, ly.Stride, ly.Pad, func(c, i, j, at int) {
							s += kernel[((f*ly.C+c)*ly.K+i)*ly.K+j] * x[at]
						})
						pre[(f*ly.OutH()+p)*ly.OutW()+q] = s
					}
				}
			}
		case *nn.MaxPool:
			e.windows(ly.Pool, func(k int, win []int) {
				best := x[win[0]]
				for _, at := range win[1:] {
					best = max(best, x[at])
				}
				pre[k] = best
			})
		case *nn.AvgPool:
			e.windows(ly.Pool, func(k int, win []int) {
				var s float64
				for _, at := range win {
					s += x[at]
				}
				pre[k] = s / float64(len(win))
			})
		}
		act := layer.Activation()
		for k, v := range pre {
			e.act[l][i*out+k] = act.F(v)
		}
	}
}

// convTaps calls f for every kernel tap (c, i, j) of output pixel (p, q) that falls inside
// the image, with the index of the input value it meets, for stride s and padding pad.
func convTaps(cv *nn.Conv2D, p, q, s, pad int, f func(c, i, j, at int)) {
	for c := 0; c < cv.C; c++ {
		for i := 0; i < cv.K; i++ {
			r := p*s + i - pad
			if r < 0 || r >= cv.H {
				continue
			}
			for j := 0; j < cv.K; j++ {
				if u := q*s + j - pad; u >= 0 && u < cv.W {
					f(c, i, j, (c*cv.H+r)*cv.W+u)
				}
			}
		}
	}
}

// windows calls f for every output k of a pooling with the input indices of its window,
// row-major, gathered in the engine's scratch.
func (e *Engine) windows(g nn.Pool, f func(k int, win []int)) {
	if cap(e.win) < g.P*g.P {
		e.win = make([]int, 0, g.P*g.P)
	}
	win := e.win[:0]
	k := 0
	for c := 0; c < g.C; c++ {
		for p := 0; p < g.OutH(); p++ {
			for q := 0; q < g.OutW(); q++ {
				win = win[:0]
				for i := 0; i < g.P; i++ {
					for j := 0; j < g.P; j++ {
						win = append(win, (c*g.H+p*g.Stride+i)*g.W+q*g.Stride+j)
					}
				}
				f(k, win)
				k++
			}
		}
	}
}

// backGeometry is the stride and padding the backward pass uses (the hooks may get them wrong).
func (e *Engine) backGeometry(cv *nn.Conv2D) (s, pad int) {
	s, pad = cv.Stride, cv.Pad+e.h.padShift
	if e.h.strideOne {
		s = 1
	}
	return s, pad
}

// imageBack writes ∂K/∂y of layer l's input (a convolution's or a pooling's) into delta[l−1].
func (e *Engine) imageBack(A []float64, l, N int) {
	layer := e.layers[l]
	in, out := layer.Inputs(), layer.Outputs()
	for i := 0; i < N; i++ {
		d, g := e.delta[l][i*out:(i+1)*out], e.delta[l-1][i*in:(i+1)*in]
		clear(g)
		switch ly := layer.(type) {
		case *nn.Conv2D:
			kernel, _ := ly.Split(e.net.LayerParams(A, l))
			s, pad := e.backGeometry(ly)
			for f := 0; f < ly.F; f++ {
				for p := 0; p < ly.OutH(); p++ {
					for q := 0; q < ly.OutW(); q++ {
						df := d[(f*ly.OutH()+p)*ly.OutW()+q]
						convTaps(ly, p, q, s, pad, func(c, ti, tj, at int) {
							if e.h.tapFlip {
								ti, tj = ly.K-1-ti, ly.K-1-tj
							}
							g[at] += kernel[((f*ly.C+c)*ly.K+ti)*ly.K+tj] * df
						})
					}
				}
			}
		case *nn.MaxPool:
			x := e.act[l-1][i*in : (i+1)*in]
			e.windows(ly.Pool, func(k int, win []int) {
				if e.h.poolSpread {
					for _, at := range win {
						g[at] += d[k] / float64(len(win))
					}
					return
				}
				best := win[0]
				for _, at := range win[1:] {
					if x[at] > x[best] {
						best = at
					}
				}
				g[best] += d[k]
			})
		case *nn.AvgPool:
			e.windows(ly.Pool, func(k int, win []int) {
				for _, at := range win {
					g[at] += d[k] / float64(len(win))
				}
			})
		}
	}
}

// imageGradient accumulates a convolution's ∂K/∂K and ∂K/∂c into dst; pooling has none.
func (e *Engine) imageGradient(dst []float64, b nn.Batch, l int) {
	cv, ok := e.layers[l].(*nn.Conv2D)
	if !ok {
		return
	}
	dk, dc := cv.Split(e.net.LayerParams(dst, l))
	s, pad := e.backGeometry(cv)
	out := cv.Outputs()
	for i := e.h.firstPair; i < b.Len(); i++ {
		x, d := e.input(b, l, i), e.delta[l][i*out:(i+1)*out]
		for f := 0; f < cv.F; f++ {
			for p := 0; p < cv.OutH(); p++ {
				for q := 0; q < cv.OutW(); q++ {
					df := d[(f*cv.OutH()+p)*cv.OutW()+q]
					convTaps(cv, p, q, s, pad, func(c, ti, tj, at int) {
						k := ((f*cv.C+c)*cv.K+ti)*cv.K + tj
						if e.h.channelsSwapped {
							k = ((c*cv.F+f)*cv.K+ti)*cv.K + tj
						}
						dk[k] += df * x[at]
					})
					if !e.h.convBiasLast {
						dc[f] += df
					}
				}
			}
			if e.h.convBiasLast {
				dc[f] += d[(f+1)*cv.OutH()*cv.OutW()-1]
			}
		}
	}
}
