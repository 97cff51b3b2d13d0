package train_test

import (
	"context"
	"fmt"

	"nabla/data"
	"nabla/nn"
	"nabla/train"
)

// Newton–CG and full-batch gradient descent from the same parameters on XOR.
func ExampleNewton() {
	set := data.XOR()
	net := nn.MustParse("2-3-1")
	gd, _ := train.Run(context.Background(), net, set, set, train.Config{Epochs: 15, Eta: 0.5, Cost: train.CostSum, Seed: 3})
	nt, _ := train.Newton(context.Background(), net, set, set, train.NewtonConfig{Iterations: 15, Cost: train.CostSum, Seed: 3})
	fmt.Println("same start:", gd.Initial.TrainCost == nt.Initial.TrainCost)
	fmt.Println("Newton–CG ends lower:", nt.Final().TrainCost < gd.Final().TrainCost)
	// Output:
	// same start: true
	// Newton–CG ends lower: true
}
