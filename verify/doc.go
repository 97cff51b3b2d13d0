// Package verify holds nabla's whole-lab verification: property tests that draw hundreds of
// random networks and require every pair of registered engines to agree (no false alarms),
// the ReLU-kink test on a point built to sit on a kink, and the bad-input table that feeds
// NaN, infinities, wrong sizes, empty batches and absurd architectures to every engine and
// requires a clear error, never a panic. It is the one place besides bench that imports every
// engine, for its tests; its library part only draws random cases.
package verify
