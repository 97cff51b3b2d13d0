// Package bench is nabla's benchmark suite: every registered engine × network × batch size,
// as go test sub-benchmarks named engine=…/net=…/batch=…/threads=… and as a runner that nabla report
// uses. It is the one library package that imports every engine.
//
// # The suite
//
// BenchmarkGradient/engine=E/net=N/batch=B/threads=T times engine E's Gradient on each of
// DefaultCases (or the cases of -cases, as nabla bench --nets takes them), on one thread and on
// all cores (T = par.Threads(); the engines are built after par.SetThreads(T)),
// BenchmarkForward/net=N/batch=B/threads=T the reference forward pass and cost
// (nn.Evaluator.Cost) on the same cases; besides ns/op, B/op and allocs/op they report grad/fwd (the ratio of the two,
// ADBench's headline measure), GFLOP/s (see ForwardFLOPs and GradientFLOPs) and, for finite
// differences, evals/op. Compare engines with benchstat -col /engine.
//
// # The runner
//
// Run measures the same things for nabla report with its own timer: a warm-up call, then the
// calls per repeat grown until a repeat lasts Options.MinTime, then the median of
// Options.Repeats repeats; allocations are counted over all repeats. RunScaling does it on the
// w-w-w networks of the scaling study and fits each engine's exponent (Fit), CrossCheck
// compares the engines' gradients on a case.
//
// # Budgets, never silent
//
// An engine that cannot reasonably run a case is skipped with the reason, both in the suite (a
// SKIP line) and in the runner (Result.Reason): Prepare estimates the time of one gradient
// before calling it with gradients.Runner.Prepare, the budget check every command shares: as
// cost evaluations × forward time for engines that count them (gradients.CostCounter), or
// from the engine's gradients.CostModel, its grad/fwd ratio measured on
// smaller networks extrapolated to the case; a first call that still exceeds the budget is not
// repeated. Engines that reject a network with gradients.ErrUnsupported are skipped with their
// message.
package bench
