// Package lab runs nabla's whole lab, the measurements behind `nabla report`: the benchmark of
// every engine × case (bench.Run), the cross-check of the engines on each network
// (bench.CrossCheck, through the one budget of gradients.Runner), the scaling study
// (bench.RunScaling) and the further studies — the step-size sweep, the training comparison
// of package train, the symbolic engine's expression swell and the mutation catalogue of
// package mutants — into a reports.Results that reports.Write renders.
//
// Settings choose what is measured; its zero value is the full default report. The package
// registers the report sections whose data it measures and whose types live outside reports
// (expression swell, mutation testing), so that a program that renders a saved results.json
// imports it too. cmd/nabla only turns flags into Settings.
package lab
