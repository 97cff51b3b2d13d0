// Package verify holds nabla's whole-lab verification: property tests that draw hundreds of
// random networks and require every pair of registered engines to agree (no false alarms),
// the ReLU-kink test on a point built to sit on a kink, and the bad-input table that feeds
// NaN, infinities, wrong sizes, empty batches and absurd architectures to every engine and
// requires a clear error, never a panic. It is the one place besides bench that imports every
// engine.
//
// Its library part draws random cases (Space, Case) and verifies a gradient computed
// anywhere else (Gradient): held against every exact engine, it is localised per block and
// to its worst elements by name, the pattern is named where one fits (a block zero,
// transposed, sign-flipped or scaled by 2, ½ or the batch size; one layer's σ' left out),
// the fault is diagnosed against the mutants catalogue where the gradient matches a
// catalogued fault's to DefaultFaultTol, and a finite-difference engine differentiates K
// along the direction in which the gradient departs from the exact engines, as an
// independent witness. nabla verify is its command.
package verify
