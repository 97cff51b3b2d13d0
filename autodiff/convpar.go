package autodiff

import (
	"nabla/internal/gemm"
	"nabla/internal/par"
)

// This file runs Conv2D's value and adjoint rule image by image on the tape's threads. Each
// image's im2col matrix, bias and products are its own, so the images of a batch are shared
// out between the threads, each multiplying on a single-thread Multiplier of its own (a
// product's bits do not depend on the Multiplier's threads). The kernel's adjoint is a sum
// over the images: it is summed in groups whose number depends on the batch size alone
// (kernelGroups), each group in image order into a buffer of its own, and the groups are then
// added in order — the same operations for any number of threads.

// maxKernelGroups is the largest number of groups the kernel's adjoint is summed in.
const maxKernelGroups = 8

// kernelGroups returns the number of groups the kernel adjoint of a batch of n images is
// summed in: a function of n alone.
func kernelGroups(n int) int { return min(n, maxKernelGroups) }

// convPass is Conv2D's value (back false) or adjoint rule on a tape's threads, a par.Task:
// part i takes the images, or backwards the groups of images, par.Span(…, parts, i).
type convPass struct {
	z      *Tensor
	back   bool
	parts  int
	groups int
	gk     []float64 // k̄, nil when not needed; group 0 adds to it directly, with kbeta
	kbeta  float64
	gx     []float64 // x̄, nil when not needed
}

// partMul returns the Multiplier of part i of a pass in parts: the tape's own (on all its
// threads) when the pass is not split, a single-thread one per part otherwise.
func (t *Tape) partMul(parts, i int) *gemm.Multiplier {
	if parts == 1 {
		return t.mul
	}
	return t.muls[i]
}

// runConv runs the pass on the tape's threads, in parts of at least one image (or group).
func (t *Tape) runConv(p convPass, items int) {
	p.parts = min(t.ew.Threads(), items)
	for len(t.muls) < p.parts {
		t.muls = append(t.muls, gemm.New(1))
	}
	t.conv = p
	t.ew.Run(p.parts, &t.conv)
	t.conv = convPass{}
}

// Run does part i of the pass.
func (p *convPass) Run(i int) {
	z, g := p.z, p.z.geom.conv
	mul := z.tape.partMul(p.parts, i)
	ckk, pix := g.C*g.K*g.K, g.OutH()*g.OutW()
	if !p.back {
		lo, hi := par.Span(z.rows, p.parts, i)
		for n := lo; n < hi; n++ {
			convImage(mul, z, n)
		}
		return
	}
	dU := z.aux2[i*ckk*pix : (i+1)*ckk*pix]
	glo, ghi := par.Span(p.groups, p.parts, i)
	for grp := glo; grp < ghi; grp++ {
		gk, beta := p.gk, p.kbeta
		if grp > 0 && gk != nil { // a partial sum of its own, added to k̄ after the pass
			off := p.parts*ckk*pix + (grp-1)*len(gk)
			gk, beta = z.aux2[off:off+len(gk)], 0
		}
		lo, hi := par.Span(z.rows, p.groups, grp)
		for n := lo; n < hi; n++ {
			gz := z.grad[n*z.cols : (n+1)*z.cols]
			if gk != nil { // k̄ += z̄·Uᵀ
				mulOn(mul, false, true, gz, g.F, pix, z.aux[n*ckk*pix:(n+1)*ckk*pix], ckk, pix, beta, gk)
				beta = 1
			}
			if p.gx != nil { // x̄ += col2im(kᵀ·z̄)
				mulOn(mul, true, false, z.y.value, g.F, ckk, gz, g.F, pix, 0, dU)
				col2im(g, p.gx[n*z.x.cols:(n+1)*z.x.cols], dU)
			}
		}
	}
}

// convImage computes image n of Conv2D's value: its im2col matrix U (kept for the adjoint),
// then z = b (per channel, when there is a bias) + k·U.
func convImage(mul *gemm.Multiplier, z *Tensor, n int) {
	x, k, g := z.x, z.y, z.geom.conv
	ckk, pix := g.C*g.K*g.K, g.OutH()*g.OutW()
	U := z.aux[n*ckk*pix : (n+1)*ckk*pix]
	im2col(g, U, x.value[n*x.cols:(n+1)*x.cols])
	out := z.value[n*z.cols : (n+1)*z.cols]
	beta := 0.0
	if z.b != nil {
		channelBias(out, nil, z.b.value, 1, g.F, pix)
		beta = 1
	}
	mulOn(mul, false, false, k.value, g.F, ckk, U, ckk, pix, beta, out)
}

// conv2DVJP is Conv2D's adjoint rule: b̄[f] += Σ_{n,p} z̄[n,f,p], k̄ += Σₙ z̄ₙ·Uₙᵀ and
// x̄ₙ += col2im(kᵀ·z̄ₙ), image by image on the tape's threads.
func conv2DVJP(z *Tensor) {
	x, k, g := z.x, z.y, z.geom.conv
	ckk, pix := g.C*g.K*g.K, g.OutH()*g.OutW()
	if b := z.b; b != nil && b.needGrad {
		z.tape.addBiasSums(b.adjoint(), z.grad, z.rows, g.F, pix)
	}
	p := convPass{z: z, back: true, groups: kernelGroups(z.rows)}
	if x.needGrad {
		p.gx = x.adjoint()
	}
	if k.needGrad {
		p.gk, p.kbeta = adjointBeta(k)
	}
	if p.gx == nil && p.gk == nil {
		return
	}
	parts := min(z.tape.ew.Threads(), p.groups)
	z.aux2 = grow(&z.aux2, parts*ckk*pix+(p.groups-1)*g.F*ckk) // dU per part, then the partial k̄s
	z.tape.runConv(p, p.groups)
	if p.gk == nil {
		return
	}
	for grp := 1; grp < p.groups; grp++ {
		off := parts*ckk*pix + (grp-1)*len(p.gk)
		for i, v := range z.aux2[off : off+len(p.gk)] {
			p.gk[i] += v
		}
	}
}
