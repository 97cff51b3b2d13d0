// Package bench is nabla's benchmark suite: every registered engine × network × batch size,
// as go test sub-benchmarks named engine=…/net=…/batch=… and as a runner that nabla report
// uses. It is the one library package that imports every engine.
package bench
