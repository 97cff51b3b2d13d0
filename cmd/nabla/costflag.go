package main

import (
	"flag"

	"nabla/nn"
)

// costUsage is the help text of --cost, the same in every command that names a network.
const costUsage = "the cost K (`NAME`, quadratic|xent): quadratic is the notes' Σ‖z − z̄‖²; xent is a softmax of\n" +
	"the last layer's output followed by the cross-entropy −Σ z̄·log softmax(z) (give the last layer identity for logits)"

// costFlag declares --cost on fs and returns where its value lands (nn.Quadratic unless set).
// A name other than quadratic or xent is a usage error naming the valid values.
func costFlag(fs *flag.FlagSet) *nn.CostKind {
	c := new(nn.CostKind)
	fs.Var(c, "cost", costUsage)
	return c
}
