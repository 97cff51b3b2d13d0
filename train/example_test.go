package train_test

import (
	"context"
	"fmt"

	_ "nabla/backprop"
	"nabla/data"
	"nabla/nn"
	"nabla/train"
)

func ExampleEtaSum() {
	// Nielsen's η = 3.0 on C = K/(2m) with mini-batches of m = 10 is η = 0.15 on the notes' K.
	fmt.Printf("%.2f\n", train.EtaSum(3.0, train.CostMean, 10))
	// Output:
	// 0.15
}

func ExampleRun() {
	net := nn.MustParse("2-3-1")
	xor := data.XOR()
	// Gradient descent as in the notes: full batch, A := A − η·∇K on the plain sum K.
	res, err := train.Run(context.Background(), net, xor, xor, train.Config{Engine: "backprop", Epochs: 2000, Eta: 2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("K: %.3f → %.4f, accuracy %.2f\n", res.Initial.TrainCost, res.Final().TrainCost, res.Final().TestAccuracy)
	// Output:
	// K: 1.125 → 0.0013, accuracy 1.00
}
