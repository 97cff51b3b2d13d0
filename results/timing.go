package results

// Forward is the timing of the reference forward pass and cost (nn.Evaluator.Cost) on a case.
type Forward struct {
	Net    string  `json:"net"`
	Params int     `json:"params"`
	Batch  int     `json:"batch"`
	Ns     float64 `json:"forward_ns"`              // median ns per call
	CPUNs  float64 `json:"forward_cpu_ns,omitzero"` // median process CPU ns per call (0: unknown)
	// CheckNs is the median time of the validation every engine runs first (nn.Network.Check:
	// a scan of A and the batch for NaN and ±Inf), which at one pair costs about as much as
	// the forward pass itself.
	CheckNs float64 `json:"check_ns,omitzero"`
	Allocs  float64 `json:"allocs"`          // allocations per call
	Bytes   float64 `json:"bytes"`           // bytes allocated per call
	GFLOPS  float64 `json:"gflops"`          // ForwardFLOPs / time
	Repeats int     `json:"repeats"`         // timed repeats behind the median
	Calls   int     `json:"calls_per_rep"`   // calls per timed repeat
	Spread  float64 `json:"spread,omitzero"` // (max − min)/median of the repeats
}

// Timing is the timing of one engine's gradient on a case. A skipped engine has Skipped set
// and Reason saying why (with the estimate that made it too slow, or the engine's error).
type Timing struct {
	Engine     string  `json:"engine"`
	Net        string  `json:"net"`
	Params     int     `json:"params"`
	Batch      int     `json:"batch"`
	GradientNs float64 `json:"gradient_ns"` // median ns per gradient
	ForwardNs  float64 `json:"forward_ns"`  // median ns per reference forward pass on the case
	Ratio      float64 `json:"ratio"`       // GradientNs / ForwardNs
	// GradientCPUNs and ForwardCPUNs are the median process CPU time (user and system, all
	// threads) per call, and CPURatio their quotient: less disturbed than wall time when other
	// processes share the machine. Zero where the platform does not report CPU time.
	GradientCPUNs float64 `json:"gradient_cpu_ns,omitzero"`
	ForwardCPUNs  float64 `json:"forward_cpu_ns,omitzero"`
	CPURatio      float64 `json:"cpu_ratio,omitzero"`
	Allocs        float64 `json:"allocs"` // allocations per gradient after warm-up
	Bytes         float64 `json:"bytes"`  // bytes allocated per gradient after warm-up
	GFLOPS        float64 `json:"gflops,omitzero"`
	CostEvals     int     `json:"cost_evals,omitzero"` // cost evaluations per gradient (finite differences)
	PrepareNs     float64 `json:"prepare_ns"`          // time of Info.New (compiling, sizing tapes)
	FirstNs       float64 `json:"first_ns,omitzero"`   // time of the first (warm-up) call
	Repeats       int     `json:"repeats,omitzero"`
	Calls         int     `json:"calls_per_rep,omitzero"`
	Spread        float64 `json:"spread,omitzero"`
	Skipped       bool    `json:"skipped,omitzero"`
	// Failed marks a skip because the engine returned an error (not ErrUnsupported) on the
	// case; Reason holds the error.
	Failed     bool    `json:"failed,omitzero"`
	Reason     string  `json:"skip_reason,omitempty"`
	EstimateNs float64 `json:"estimate_ns,omitzero"` // the estimate behind a skip
}

// Fit is the power law time ∝ params^Exponent fitted by least squares on log–log axes to one
// engine's scaling points (the forward pass is the engine "forward").
type Fit struct {
	Engine string `json:"engine"`
	// Exponent of the gradient time in the parameter count: about 1 for engines that cost a
	// constant number of forward passes, about 2 for finite differences (one forward pass,
	// itself O(n), per parameter).
	Exponent float64 `json:"exponent"`
	// RatioExponent is the exponent of the gradient/forward ratio: about 0 for a constant
	// factor, about 1 for finite differences.
	RatioExponent float64 `json:"ratio_exponent"`
	Points        int     `json:"points"` // points fitted (engines skipped at large sizes have fewer)
	MinParams     int     `json:"min_params"`
	MaxParams     int     `json:"max_params"`
}

// Scaling is the outcome of the scaling study.
type Scaling struct {
	Batch    int       `json:"batch"`
	Widths   []int     `json:"widths"`
	Forward  []Forward `json:"forward"`
	Gradient []Timing  `json:"gradient"`
	Fits     []Fit     `json:"fits"`
}
