// Package backprop is nabla's hand-coded gradient engine: backpropagation with the formulas
// of the lecture notes, generalised from their two layers to L dense layers with any
// activation and carried to convolution and pooling, computed for a whole batch at once with
// matrix products.
//
// # The notes' formulas
//
// The notes' network has two layers, ŷ = V x + b, y = σ(ŷ), ẑ = W y + c, z = σ(ẑ), and cost
// K = Σ ‖z − z̄‖². With δₖ := ∂K/∂ẑₖ and γⱼ := ∂K/∂ŷⱼ they derive
//
//	[1] δₖ = ∂K/∂zₖ · σ'(ẑₖ)            with ∂K/∂zₖ = 2(zₖ − z̄ₖ)
//	[2] γⱼ = (Wᵀδ)ⱼ · σ'(ŷⱼ)
//	[3] ∂K/∂cₖ = δₖ,  ∂K/∂bⱼ = γⱼ
//	[4] ∂K/∂wₖⱼ = δₖ yⱼ,  ∂K/∂vⱼᵢ = γⱼ xᵢ
//
// In nabla's layout V, b, W, c are the blocks W1, b1, W2, b2 of A. The notes write the first
// half of [4] as ∂K/∂wₖⱼ = γⱼ δₖ, a transcription slip: wₖⱼ multiplies yⱼ in ẑₖ = Σⱼ wₖⱼ yⱼ + cₖ,
// so its derivative is δₖ yⱼ, the same pattern as ∂K/∂vⱼᵢ = γⱼ xᵢ. The tests check the
// engine against these formulas written out by hand on a 2-layer network.
//
// # L layers
//
// Layer l computes ŷˡ = Wˡ yˡ⁻¹ + bˡ and yˡ = σₗ(ŷˡ) with y⁰ = x, z = yᴸ. Writing δˡ := ∂K/∂ŷˡ,
// the notes' δ is δᴸ and their γ is δᴸ⁻¹, and the formulas become one recursion:
//
//	δᴸ   = 2(z − z̄) ⊙ σ'(ŷᴸ)                       [1]
//	δˡ⁻¹ = (Wˡᵀ δˡ) ⊙ σ'(ŷˡ⁻¹)                     [2]
//	∂K/∂bˡ = δˡ,  ∂K/∂Wˡ = δˡ (yˡ⁻¹)ᵀ              [3], [4]
//
// where each σ' is the derivative of that layer's own activation, and the gradients are
// summed over the pairs of the batch, since K is a sum over them. σ' is computed from the
// activations kept from the forward pass (y(1−y) for the sigmoid, 1−y² for tanh, [y > 0] for
// ReLU, 1 for the identity), which are the same floating-point operations as
// nn.Activation.Deriv(ŷ) without a second exponential.
//
// # Cost kinds
//
// [1] holds for any cost with 2(z − z̄) replaced by that cost's ∂K/∂z. For the softmax with
// cross-entropy (nn.CrossEntropy), K = −Σₖ z̄ₖ log pₖ with p = softmax(z) = Σₖ z̄ₖ (LSE(z) − zₖ),
// and ∂LSE/∂zₖ = pₖ, so
//
//	∂K/∂zₖ = pₖ·Σⱼ z̄ⱼ − z̄ₖ        (p − z̄ for a one-hot target)
//
// and δᴸ = (p·Σz̄ − z̄) ⊙ σ'(ŷᴸ); with the identity on the last layer δᴸ is p − z̄ itself. p is
// computed as exp(zₖ − m)/Σⱼ exp(zⱼ − m) with m = max z, so no exponential overflows.
//
// # Batched
//
// With the N pairs of a batch as the rows of matrices (X is N × inputs, Yˡ and Δˡ are
// N × outputs of layer l), every step is one matrix product for the whole batch, done by
// blas64.Gemm with transposes instead of transposed copies:
//
//	Ŷˡ = Yˡ⁻¹ Wˡᵀ + 1 bˡᵀ,  Yˡ = σ(Ŷˡ)             forward
//	∂K/∂Wˡ = Δˡᵀ Yˡ⁻¹                                [4]
//	∂K/∂bˡ = column sums of Δˡ                       [3]
//	Δˡ⁻¹ = (Δˡ Wˡ) ⊙ σ'(Ŷˡ⁻¹)                        [2]
//
// The engine runs its own forward pass, because it needs every layer's activations. It keeps
// its matrices between calls, so a Gradient call allocates nothing once the engine has seen
// the batch size; the products are issued in tiles small enough that gonum computes each one
// serially rather than starting goroutines, which would allocate. ∂K/∂x of the first layer is
// not needed and not computed.
//
// # Convolution and pooling
//
// The same recursion holds for a convolutional layer, whose ŷ[f,p,q] = c[f] +
// Σ_{c,i,j} K[f,c,i,j]·y[c, pS+i−P, qS+j−P]; only the products change (conv.go). With Uₙ the
// im2col matrix of pair n's input (row (c,i,j), column (p,q): the input pixel under that tap)
// and Δₙ its δ as an F × OH·OW matrix, each step is one product per pair:
//
//	Ŷₙ = K Uₙ + c 1ᵀ                       forward                                     [C0]
//	∂K/∂K = Σₙ Δₙ Uₙᵀ                      [4]: the correlation of the input with δ      [C4]
//	∂K/∂c[f] = Σₙ Σ_{p,q} Δₙ[f,(p,q)]      [3]: the bias is shared by every position     [C3]
//	∂K/∂yₙ = col2im(Kᵀ Δₙ)                 [2]: the full convolution of δ with the kernel
//	                                            flipped, for any stride and padding        [C2]
//
// col2im adds each entry back to the input pixel its im2col entry was copied from; γ is then
// ∂K/∂y ⊙ σ'(ŷ below). Max pooling routes δ to the arg-max of each window (recorded in the
// forward pass; the first largest entry at a tie), average pooling spreads δ/P² over it.
// Layers without parameters have no σ (the identity). The im2col matrices are kept from the
// forward pass for [C4].
//
// The engine registers itself as "backprop" (exact, tolerance 1e-12) with package gradients;
// import it for that side effect:
//
//	import _ "nabla/backprop"
//
// Layer kinds are decided in one place, layerOf, a switch with one case per kind the engine
// handles (dense, convolution, max and average pooling: a step each, step.go) whose default is an error wrapping gradients.ErrUnsupported; the
// registry's pre-flight (gradients.Info.Supports) asks it before New builds anything. The
// engine also offers
// gradients.Directional, but only as a convenience: ∇K·v is the dot product of
// the full backpropagated gradient with v, not a forward-mode derivative.
//
// # Second order
//
// Hv computes Hessian-vector products H·v by Pearlmutter's R-operator carried by hand through
// the same rules: after a gradient pass, an R-forward pass (Rŷ, Ry) and an R-backward pass
// (Rδ, and R{∂K/∂p} = H·v), with one R-step per layer kind beside its step: dense layers in
// hessian.go ([R1]–[R6]), convolution through im2col/col2im and both poolings in
// hessian_conv.go ([RC0]–[RC4]). It allocates nothing after warm-up; BenchmarkHv in package
// bench measures its cost against a gradient's (about two gradients at 784-100-10, batch 100).
package backprop
