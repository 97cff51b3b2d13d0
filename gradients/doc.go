// Package gradients is the contract between nabla's four gradient engines and everything that
// uses them: the Engine interface, the registry of engines by name, the errors engines share,
// the one runner that runs engines under a time budget, and the cross-check that holds
// engines against each other.
//
// # Overview
//
// An engine is a way of computing ∇K, the gradient of the quadratic cost
// K = Σᵢ ‖z⁽ⁱ⁾ − z̄⁽ⁱ⁾‖² of an nn.Network with respect to its flat parameter vector A. nabla has
// four independent kinds: finite differences (package numeric), hand-coded backpropagation
// (backprop), differentiation of expression trees (symbolic) and automatic differentiation
// (autodiff). Each registers one or more named engines here from its init function, with an
// Info that says how accurate it is expected to be:
//
//	gradients.Register(gradients.Info{Name: "backprop", Exact: true, Tolerance: 1e-12, New: New})
//
// A user of engines picks them by name and never imports their packages directly, except for
// the blank import that runs the registration:
//
//	e, err := gradients.New("backprop", net)   // prepared once for the network
//	grad, K, err := e.Gradient(nil, A, batch)  // asked many times
//
// # Running engines under a budget
//
// Runner is the one loop that runs engines on a network, parameters and batch (nabla compare,
// report, mutate, the benchmark runner's budget and Run all go through it). Its budget is a
// time: each engine is prepared, one gradient's time is estimated from the reference forward
// pass (ForwardTime) as cost evaluations × forward for engines that count them (CostCounter)
// and as the engine's CostModel (its grad/fwd ratio measured on small networks by Probe,
// extrapolated in the parameter count) × forward otherwise, and an engine estimated over the
// budget is skipped with the estimate and how it was found. Progress lines announce slow
// engines and report on them while they run; NewResult is the one constructor of a Result.
//
// # The cross-check
//
// Compare and CrossCheck hold the gradients of several engines against each other: for every
// pair the maximum absolute and relative error (relative with the safe denominator
// |x−y|/max(1,|x|+|y|) of ADBench), the worst parameter by name, per-block maxima, and a
// verdict per element: within SafetyFactor times the sum of the two engines' expected errors
// (an approximate engine's own estimate, ErrorBounder; ExactBound for an exact one). Where an
// estimate was a guess that does not explain the observed difference, the engine measures
// that element's bound (BoundRefiner) and the element is judged again. The pair's tolerance,
// the sum of the two engines' tolerances (each is within its own of the truth, so the two
// are within the sum of each other), is a floor only where neither engine can measure.
//
// At a ReLU kink the cost is not differentiable and a difference quotient is no reference:
// ComparePairAt, CompareAt and CrossCheck look at every parameter on which a pair disagrees,
// move it by the pair's difference step (Info.Step), and name it in Pair.NonDifferentiable
// instead of failing the pair when that moves K onto another smooth piece (Kinks, which asks
// nn.KinkProbe: the one place that knows where K is not smooth).
//
// # Layer kinds
//
// Each engine decides what it does with a layer in one place, a switch over the concrete
// layer kinds of package nn whose default case returns an error wrapping ErrUnsupported
// (made by Unsupported). The same switch answers Info.SupportsLayer, and Info.Supports asks
// it for every layer of a network: the pre-flight the registry runs before an engine's New,
// so that an unsupported network is refused before anything is built (for symbolic, before
// a program is derived and compiled). Callers that only want to know ask Supports.
//
// # Invariants
//
// Every engine, and the conformance kit in gradtest checks each of them:
//   - validates A and the batch with Network.Check before computing, and returns its errors
//     (ErrShape, ErrEmptyBatch, ErrNonFinite from package nn) wrapped as "<engine name>: …",
//     with a nil gradient;
//   - never modifies A, the network or the batch;
//   - writes ∇K into dst, which it allocates when nil and otherwise requires to have length
//     NumParams (a wrong length is a programmer error and panics), and returns it with K;
//   - allocates nothing once it has seen a batch size;
//   - is not safe for concurrent use: make one engine per goroutine.
//
// Optional capabilities are small interfaces found by type assertion (Directional,
// CostCounter, HessianVector), never methods every engine must fake.
//
// # Second order
//
// Engines that implement HessianVector compute H·v, the Hessian of K times a direction v,
// without forming H. Runner computes them instead of gradients when its Hv field holds v, as
// Results (NewHvResult) that Compare judges per element like gradients: exact engines state
// the rounding bound HvExactBounds, which scales with the size of the product, difference
// engines their own truncation and rounding per element (HvErrorBounder), and
// Info.HvTolerance is the relative floor under both. Hessian
// forms the full H of a small network by one product per parameter, SymmetryError measures
// how far the columns so formed are from a symmetric matrix, and Symmetrize gives the
// symmetric part for an eigen-decomposition (gonum's mat.EigenSym).
package gradients
