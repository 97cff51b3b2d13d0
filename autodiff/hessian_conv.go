package autodiff

// Adjoint-tangent rules of the convolution-network operations (see hessian.go). ChannelBias,
// AvgPool and MaxPool are linear in their inputs with coefficients fixed at the point (MaxPool
// routes through the entries it chose), so the tangent of their adjoint follows the tangent
// of z̄ by the very same rule: x̄̇ += Lᵀ z̄̇. Conv2D is bilinear in the image x and the kernel k,
// so besides that term each input gets the other's tangent against z̄:
//
//	k̄ += z̄·Uᵀ            ⇒  k̄̇ += z̄̇·Uᵀ + z̄·im2col(ẋ)ᵀ
//	x̄ += col2im(kᵀ·z̄)    ⇒  x̄̇ += col2im(kᵀ·z̄̇) + col2im(k̇ᵀ·z̄)

// linearTangentVJP runs an operation's vjp rule on the adjoint tangents instead of the
// adjoints: for an operation linear in its inputs with fixed coefficients, that is the
// tangent of the rule.
func linearTangentVJP(z *Tensor, vjpf func(*Tensor)) {
	swap := func(t *Tensor) {
		if t != nil {
			t.grad, t.gtan = t.gtan, t.grad
		}
	}
	swapAll := func() {
		swap(z)
		swap(z.x)
		if z.y != z.x {
			swap(z.y)
		}
		if z.b != z.x && z.b != z.y {
			swap(z.b)
		}
	}
	swapAll()
	vjpf(z)
	swapAll()
}

// conv2DTangentVJP is the tangent of Conv2D's adjoint rule.
func conv2DTangentVJP(z *Tensor) {
	linearTangentVJP(z, conv2DVJP) // the z̄̇ terms
	x, k, g := z.x, z.y, z.geom.conv
	ckk, pix := g.C*g.K*g.K, g.OutH()*g.OutW()
	if !(k.needGrad && x.hasTangent) && !(x.needGrad && k.hasTangent) {
		return
	}
	dU := grow(&z.aux2, ckk*pix)
	for n := 0; n < x.rows; n++ {
		gz := z.grad[n*z.cols : (n+1)*z.cols]
		if k.needGrad && x.hasTangent { // k̄̇ += z̄·im2col(ẋ)ᵀ
			im2col(g, dU, x.tangent[n*x.cols:(n+1)*x.cols])
			z.tape.gemm(false, true, gz, g.F, pix, dU, ckk, pix, 1, k.gtan)
		}
		if x.needGrad && k.hasTangent { // x̄̇ += col2im(k̇ᵀ·z̄)
			z.tape.gemm(true, false, k.tangent, g.F, ckk, gz, g.F, pix, 0, dU)
			col2im(g, x.gtan[n*x.cols:(n+1)*x.cols], dU)
		}
	}
}
