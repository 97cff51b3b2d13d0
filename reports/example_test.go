package reports_test

import (
	"os"

	"nabla/reports"
	"nabla/results"
)

// TimingTable is the table nabla bench prints: one row per engine and case, the skipped ones
// listed below with the reason.
func ExampleTimingTable() {
	results := []results.Timing{
		{Engine: "backprop", Net: "784-30-10", Params: 23860, Batch: 100, GradientNs: 2.42e6, ForwardNs: 0.95e6,
			Ratio: 2.42 / 0.95, CPURatio: 2.5, GFLOPS: 3.9},
		{Engine: "numeric-central", Net: "784-30-10", Params: 23860, Batch: 100, Skipped: true,
			Reason: "estimated 45.3s per gradient (47721 cost evaluations × forward 950µs) exceeds the budget of 1s"},
	}
	if err := reports.TimingTable(os.Stdout, reports.Markdown, results); err != nil {
		panic(err)
	}
	// Output:
	// | engine   | net       | batch | params | gradient | forward | grad/fwd | CPU grad/fwd | allocs/op | B/op | GFLOP/s | cost evals |
	// |:---------|:----------|------:|-------:|---------:|--------:|---------:|-------------:|----------:|-----:|--------:|-----------:|
	// | backprop | 784-30-10 |   100 |  23860 |   2.42ms |   950µs |    2.55× |        2.50× |         0 |    0 |   3.900 |          — |
	//
	// Skipped (never silently):
	//
	// - numeric-central on 784-30-10 ×100: estimated 45.3s per gradient (47721 cost evaluations × forward 950µs) exceeds the budget of 1s
}
