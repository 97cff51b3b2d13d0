package backprop_test

import (
	"fmt"

	"nabla/backprop"
	"nabla/nn"
)

// The notes' 784-30-10 sigmoid network on a seeded random batch of 10 pairs.
func ExampleEngine_Gradient() {
	net := nn.MustParse("784-30-10")
	A := net.Init(nil, 1)
	batch := net.RandomBatch(10, 1)
	e, err := backprop.New(net)
	if err != nil {
		fmt.Println(err)
		return
	}
	grad, K, err := e.Gradient(nil, A, batch)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("K = %.6f\n", K)
	for _, name := range []string{"W1[1,1]", "b1[1]", "W2[3,7]", "b2[10]"} {
		i, _ := net.ParamIndex(name)
		fmt.Printf("∂K/∂%s = %+.6f\n", name, grad[i])
	}
	// Output:
	// K = 14.110791
	// ∂K/∂W1[1,1] = +0.002210
	// ∂K/∂b1[1] = +0.113060
	// ∂K/∂W2[3,7] = -0.174568
	// ∂K/∂b2[10] = +0.394713
}
