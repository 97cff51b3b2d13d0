// Package numeric is nabla's finite-difference engine: it approximates ∇K by evaluating the
// cost K at perturbed parameters, with nothing but the reference forward pass of package nn
// (and its own float32 and complex128 forward passes).
//
// # Formulas and settings
//
// Difference formulas are data (gonum's fd.Formula): Forward, the lecture notes'
// (K(A+h·eⱼ) − K(A))/h, Backward, Central and the five-point Central5; any fd.Formula for a
// first derivative works. An Engine applies one to every parameter in turn, in a private copy
// of A, and reuses K(A) for stencil points at the origin, so a gradient costs n+1 evaluations
// of K with Forward and 2n+1 with Central (CostEvaluations). Settings choose the formula, the
// step, the precision (Float64, or Float32 as on a GPU) and Richardson extrapolation over the
// steps h, h/2, h/4, … with a per-parameter error estimate; their zero value is Central with
// its default step in float64.
//
// Engine.Partial computes one partial derivative, which is how the step sweep and spot checks
// on large networks use the engine. On networks with ReLU layers a stencil point may lie
// across a kink of K; the engine notices it from the pre-activations and retries that
// parameter with a smaller step (KinkRetries counts the retries), so that the wide stencils of
// Central5 and Richardson stay valid there.
//
// Complex is the complex-step derivative Im K(A + ih·eⱼ)/h, with the forward pass in complex
// arithmetic: no difference of nearly equal numbers is formed, so h = 1e-20 gives the
// gradient to rounding.
//
// Every cost kind of package nn is evaluated, never differentiated: the float64 engines use the
// reference cost, the float32 and complex128 passes their own version of it (one switch over
// cost kinds, costsFor); the cross-entropy's log-sum-exp is shifted by the largest (real part
// of the) output, and in complex arithmetic uses the principal exp and log, analytic there.
//
// Convolutional networks: the real-step engines evaluate K with nn's reference pass, which
// handles every layer kind (float64 only; the float32 pass is for dense layers). The complex
// pass has its own convolution and pooling (cnn.go). Max pooling compares real parts, so at
// a window whose two largest entries tie exactly, the imaginary step does not break the tie:
// the first entry stays chosen and Complex returns the derivative through it — the one-sided
// derivative the exact engines report there by their convention, not an average and not a
// warning. Real steps see a tie the way they see a ReLU kink: the difference engines' piece
// check (nn.KinkProbe, with max-pool ties among the non-smooth points) sets such parameters
// aside or retries them with smaller steps.
//
// # Why finite differences "give random values"
//
// A difference quotient has two errors: truncation, which shrinks with h like h^p (p = 1 for
// Forward, 2 for Central, 4 for Central5), and rounding, about ε|K|/h, which grows as h
// shrinks, because K(A+h) and K(A) agree in more and more leading digits. The total is
// smallest near h ≈ ε^(1/(p+1)) (√ε ≈ 1.5e-8 for forward differences in float64, ε^(1/3) ≈
// 6e-6 for central); below it the quotient is dominated by rounding noise, and in float32
// (ε ≈ 1.2e-7) the noise reaches whole percent at the steps that suit float64. Package bench's
// step sweep (nabla steps) measures these curves.
//
// # Engines
//
// The package registers with package gradients, all approximate (Info.Exact false), each with
// a tolerance measured against backprop: "numeric-forward", "numeric-backward",
// "numeric-central", "numeric-central5", "numeric-richardson" and "numeric-complex".
//
// # Second order
//
// Two engines compute Hessian-vector products H·v, both from numeric's own complex-step
// gradient (no other engine's): numeric-central by central differences of it along v, and
// numeric-complex by the complex step along v taken through it, in bicomplex arithmetic, which
// needs no difference and is accurate to rounding. Each states the expected error of every
// element of its product (HvErrorBounds: truncation and rounding for the differences, rounding
// for the bicomplex step), which the cross-check holds each element to.
package numeric
