// Package gradtest is the conformance kit every gradient engine's tests run. Run checks an
// engine against the contract of package gradients: gradients of tiny networks worked out by
// hand, agreement with central differences (computed here with gonum's diff/fd over the
// reference cost, independently of any engine) on random architectures, activations, batch
// sizes and seeds, inputs left unchanged, dst handling, errors for bad input, and no
// allocation after warm-up.
package gradtest
