package numeric

import (
	"gonum.org/v1/gonum/blas/cblas128"

	"nabla/nn"
)

// This file is the complex-step pass for the layer kinds beyond dense: convolution by direct
// summation and both poolings, in complex128. Max pooling compares real parts: the imaginary
// parts (the derivative, scaled by h) follow the entry whose real part is largest, the first
// one in row-major order at a tie. At an exact tie the imaginary step does not move the real
// parts, so the tie persists and the derivative reported is that of the first entry — the
// same one-sided derivative the exact engines report there, not a difference across the tie;
// a tie within h·|∂(entry)| is not seen at all, unlike with real steps.

// forward computes bufs[l] (pre-activations and activations) from in with the complex
// parameters.
func (c *Complex) forward(l int, in cblas128.General, bufs []layerBuf) {
	c.forwardWith(l, c.layerParams(l), in, bufs)
}

// forwardWith is forward with layer l's complex parameters p.
func (c *Complex) forwardWith(l int, p []complex128, in cblas128.General, bufs []layerBuf) {
	out, d := bufs[l], c.layers[l]
	if d.cpass != nil {
		d.cpass(p, in, out.pre)
	} else {
		d.Off = 0 // p is the layer's own part of A
		affine(d, p, in, out.pre)
	}
	act := d.Act
	for i, z := range out.pre.Data {
		out.act.Data[i] = complexAct(act, z)
	}
}

// layerParams returns layer l's complex parameters.
func (c *Complex) layerParams(l int) []complex128 {
	d := c.layers[l]
	return c.a[d.Off : d.Off+d.N]
}

// imageLayer is numeric's view of a convolution or pooling layer with its complex pass.
func imageLayer(l nn.Layer, off int, pass func(p []complex128, in, pre cblas128.General)) dense {
	return dense{In: l.Inputs(), Out: l.Outputs(), Off: off, Act: l.Activation(), N: l.NumParams(), cpass: pass}
}

// partialFull returns Im K(A + ih·eⱼ)/h by a complex pass from j's layer l up, starting from
// the unperturbed activations below it.
func (w *complexWorker) partialFull(j, l int) float64 {
	c := w.c
	in := cblas128.General{Rows: c.n, Cols: c.net.Inputs(), Stride: c.net.Inputs(), Data: c.x}
	if l > 0 {
		in = c.base[l-1].act
	}
	// Workers run in parallel on the shared parameters, so the perturbed layer gets a copy.
	p := c.layerParams(l)
	if cap(w.lp) < len(p) {
		w.lp = make([]complex128, len(p))
	}
	lp := w.lp[:len(p)]
	copy(lp, p)
	lp[j-c.net.LayerBlocks(l)[0].Offset] += complex(0, c.step)
	c.forwardWith(l, lp, in, w.work)
	in = w.work[l].act
	for m := l + 1; m < c.net.NumLayers(); m++ {
		c.forward(m, in, w.work)
		in = w.work[m].act
	}
	return imag(w.cost(in)) / c.step
}

// complexConv sets pre = the convolution of in with the complex kernel and biases p (kernel
// F×C×K×K, then F biases), summing over the taps in the order (c, i, j) like nn's pass.
func complexConv(cv *nn.Conv2D, p []complex128, in, pre cblas128.General) {
	nk := cv.F * cv.C * cv.K * cv.K
	kernel, bias := p[:nk], p[nk:]
	oh, ow, hw, pix := cv.OutH(), cv.OutW(), cv.H*cv.W, cv.OutH()*cv.OutW()
	for n := 0; n < in.Rows; n++ {
		x := in.Data[n*in.Stride : n*in.Stride+in.Cols]
		out := pre.Data[n*pre.Stride : n*pre.Stride+pre.Cols]
		for f := 0; f < cv.F; f++ {
			of := out[f*pix : (f+1)*pix]
			for i := range of {
				of[i] = bias[f]
			}
			for ch := 0; ch < cv.C; ch++ {
				img := x[ch*hw : (ch+1)*hw]
				for i := 0; i < cv.K; i++ {
					for j := 0; j < cv.K; j++ {
						w := kernel[((f*cv.C+ch)*cv.K+i)*cv.K+j]
						for p := 0; p < oh; p++ {
							r := p*cv.Stride + i - cv.Pad
							if r < 0 || r >= cv.H {
								continue
							}
							for q := 0; q < ow; q++ {
								if s := q*cv.Stride + j - cv.Pad; s >= 0 && s < cv.W {
									of[p*ow+q] += w * img[r*cv.W+s]
								}
							}
						}
					}
				}
			}
		}
	}
}

// complexPool sets out to the max (by real part, the first at a tie) or the mean of every
// window of in.
func complexPool(g nn.Pool, in, out cblas128.General, isMax bool) {
	oh, ow, hw := g.OutH(), g.OutW(), g.H*g.W
	area := complex(float64(g.P*g.P), 0)
	for n := 0; n < in.Rows; n++ {
		x := in.Data[n*in.Stride : n*in.Stride+in.Cols]
		o := out.Data[n*out.Stride : n*out.Stride+out.Cols]
		k := 0
		for ch := 0; ch < g.C; ch++ {
			for p := 0; p < oh; p++ {
				for q := 0; q < ow; q++ {
					top := ch*hw + p*g.Stride*g.W + q*g.Stride
					v := x[top]
					if !isMax {
						v = 0
					}
					for i := 0; i < g.P; i++ {
						for _, e := range x[top+i*g.W : top+i*g.W+g.P] {
							switch {
							case !isMax:
								v += e
							case real(e) > real(v):
								v = e
							}
						}
					}
					if !isMax {
						v /= area
					}
					o[k] = v
					k++
				}
			}
		}
	}
}
