// Package mutants measures the verification power of nabla's cross-check: a catalogue of
// realistic faulty variants of the hand-coded gradient (mutants), each with exactly one
// mistake a student implementing the notes' δ/γ rules could make, and a runner that holds
// every mutant against every registered engine and reports which engines detect the fault
// and which block of A they name first.
//
// The mutants are written here from scratch as one batched backpropagation (forward pass,
// output δ, propagation of δ, layer gradients) with hooks at the points where a student goes
// wrong: a fault is data, one catalogue entry with its name, its explanation and the hooks it
// replaces (see fault.go), so that adding a fault is one table entry.
// The package imports no engine (it reaches them through the gradients registry), and the
// real backprop engine stays clean. The clean variant, Control, runs the same code
// with no fault: every engine must agree with it, so a detection is never an artefact of
// the catalogue's own code.
//
// Two checks are measured side by side: the full check (gradients.ComparePairAt on the whole
// gradient) and the directional or "fast" check, which compares only ∇K·v for a few random
// unit vectors v, between the mutant and each engine (gradients.Directional where the
// engine implements it, the dot product of its gradient otherwise) and against central
// differences of the reference cost along v.
//
// Second order: SecondCatalogue holds mistakes in a hand-coded Hessian-vector product (the
// R-operator through the same rules, HvEngine, over the clean mutant's forward pass and δ),
// and RunSecond holds each against every engine's H·v along seeded random directions (nabla
// mutate --order 2), with SecondControl as the clean variant.
package mutants
