package main

import (
	"flag"

	"nabla/nn"
)

// costUsage is the help text of --cost, the same in every command that names a network.
const costUsage = "the cost K (`NAME`): quadratic, the notes' Σ‖z − z̄‖², or xent, a softmax of the\n" +
	"last layer's output and the cross-entropy −Σ z̄·log softmax(z) (an identity last layer gives logits)"

// costFlag declares --cost on fs and returns where its value lands (nn.Quadratic unless set).
// A name other than quadratic or xent is a usage error naming the valid values.
func costFlag(fs *flag.FlagSet) *nn.CostKind {
	c := new(nn.CostKind)
	fs.Var(c, "cost", costUsage)
	return c
}
