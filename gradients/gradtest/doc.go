// Package gradtest is the conformance kit every gradient engine's tests run. Run checks an
// engine against the contract of package gradients: gradients of tiny networks worked out by
// hand (exact engines to KnownTolerance, 1e-12, so that an engine off by 1e-8 fails;
// engines declared Approximate to their own tolerance), agreement with central differences
// (computed here with gonum's diff/fd over the reference cost, independently of any engine)
// on random architectures, activations, batch sizes and seeds, inputs left unchanged, dst
// handling, errors for bad input, and no allocation after warm-up. The hand-worked cases and
// the central-difference cases cover both cost kinds of package nn (quadratic, and softmax
// with cross-entropy, with targets that are distributions and, by hand, targets that are not).
//
// The kit's own tests run it on backprop and show that it fails nearly right engines.
package gradtest
