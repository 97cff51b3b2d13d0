package results

import "nabla/gradients"

// Excluded is an engine left out of a cross-check, with the reason.
type Excluded struct {
	Engine string `json:"engine"`
	Reason string `json:"reason"`
	Failed bool   `json:"failed,omitzero"` // the engine returned an error (Reason holds it)
}

// Agreement is the cross-check of the engines on one case: every pair of the engines that ran,
// and the engines that were too slow for the case or do not support it.
type Agreement struct {
	Net      string           `json:"net"`
	Params   int              `json:"params"`
	Batch    int              `json:"batch"`
	Seed     uint64           `json:"seed"`
	Engines  []string         `json:"engines"`
	Excluded []Excluded       `json:"excluded,omitempty"`
	Report   gradients.Report `json:"report"`
	// Results are the engines' answers in the order of Engines, without their gradients (Grad
	// is nil): the cost K and the tolerance.
	Results []gradients.Result `json:"results"`
}
