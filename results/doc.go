// Package results holds the records of nabla's measurements that reports render: the timing
// of the forward pass and of each engine's gradient on a case (Timing, Forward), the scaling
// study and its fitted power laws (Scaling, Fit), the cross-check of the engines on a case
// (Agreement) and the step-size sweep of the difference formulas (StepSweep).
//
// The types are plain data with JSON tags. Package bench produces them (and names them under
// aliases such as bench.Result), package reports renders them; keeping them here lets
// reports import no engine: `go list -deps nabla/reports` lists none of numeric, backprop,
// symbolic and autodiff (checked by a test in reports and by make deps).
package results
