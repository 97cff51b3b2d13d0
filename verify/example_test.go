package verify_test

import (
	"fmt"

	"nabla/mutants"
	"nabla/nn"
	"nabla/verify"
)

// A gradient with the notes' transcription slip in it, held against the exact engines.
func ExampleGradient() {
	net := nn.MustParse("3-4-2:tanh,sigmoid")
	A := net.Init(nil, 1)
	b := net.RandomBatch(4, 2)
	fault, _ := mutants.Lookup("notes-rule")
	G, _, _ := mutants.Gradient(net, fault, A, b) // stands for a student's gradient
	r, err := verify.Gradient(net, A, b, G, verify.Settings{Engines: []string{"backprop", "autodiff-reverse"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.ExactAgree, r.OK)
	for _, blk := range r.Blocks {
		fmt.Println(blk.Block, blk.Wrong, "of", blk.Len)
	}
	fmt.Println(r.Faults[0].Fault+":", r.Faults[0].Mistake)
	fmt.Println("the witness sides with", r.Witness.Sides)
	// Output:
	// true false
	// W1 0 of 12
	// b1 0 of 4
	// W2 8 of 8
	// b2 0 of 2
	// notes-rule: the notes' transcribed rule ∂K/∂wₖⱼ = γⱼδₖ in place of δₖyⱼ
	// the witness sides with exact
}
