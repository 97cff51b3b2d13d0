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
	fmt.Printf("%.2f\n", train.EtaSum(3.0, train.CostMean, nn.Quadratic, 10))
	// His η = 0.5 on the mean cross-entropy C = K/m is η = 0.05 on K.
	fmt.Printf("%.2f\n", train.EtaSum(0.5, train.CostMean, nn.CrossEntropy, 10))
	// Output:
	// 0.15
	// 0.05
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
