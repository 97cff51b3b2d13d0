package verify

// Gradient holds a gradient against every registered exact engine and asks a
// finite-difference engine as the witness: the four engine packages register themselves here.
import (
	_ "nabla/autodiff"
	_ "nabla/backprop"
	_ "nabla/numeric"
	_ "nabla/symbolic"
)
