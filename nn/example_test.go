package nn_test

import (
	"fmt"

	"nabla/nn"
)

func ExampleParse() {
	net, err := nn.Parse("4-8-3:tanh,sigmoid")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net, net.NumParams(), "parameters")
	for _, b := range net.Blocks() {
		fmt.Printf("%s at %d, %d entries\n", b.Name, b.Offset, b.Len())
	}
	fmt.Println(net.ParamName(35), net.ParamName(40))
	_, err = nn.Parse("4-8-3:tanh,relu,sigmoid")
	fmt.Println(err)
	// Output:
	// 4-8-3:tanh,sigmoid 67 parameters
	// W1 at 0, 32 entries
	// b1 at 32, 8 entries
	// W2 at 40, 24 entries
	// b2 at 64, 3 entries
	// b1[4] W2[1,1]
	// architecture "4-8-3:tanh,relu,sigmoid": nn: bad architecture: 2 layers with parameters but 3 activations (give one, or one per conv and dense layer)
}

func ExampleEvaluator_Cost() {
	net := nn.MustParse("3-5-2")
	A := net.Init(nil, 1)
	batch := net.RandomBatch(10, 1)
	ev := nn.NewEvaluator(net)
	fmt.Printf("K = %.6f\n", ev.Cost(A, batch))
	// Output:
	// K = 3.446003
}

func ExampleParseCost() {
	cost, err := nn.ParseCost("xent")
	if err != nil {
		fmt.Println(err)
		return
	}
	net := nn.MustParse("3-5-2:tanh,identity").WithCost(cost)
	A := net.Init(nil, 1)
	batch := net.RandomBatch(10, 1)
	k, _ := net.Cost(A, batch)
	fmt.Printf("%s (%s): K = %.6f\n", net.CostKind(), net.CostKind().Formula(), k)
	_, err = nn.ParseCost("hinge")
	fmt.Println(err)
	// Output:
	// xent (K = −Σ z̄·log softmax(z)): K = 7.547773
	// nn: unknown cost "hinge" (want quadratic or xent)
}

// A KinkProbe tells whether a difference step crosses a point where K is not smooth: here the
// bias of the first ReLU unit, whose pre-activations on the two pairs are −1 and −4.
func ExampleKinkProbe() {
	net := nn.MustParse("2-2-1:relu,identity")
	A := []float64{1, -1, 2, 0.5, 0, -1, 3, -2, 0.5}
	b, _ := nn.NewBatch([][]float64{{1, 2}, {0, 4}}, [][]float64{{1}, {-1}})
	probe := nn.NewKinkProbe(net).Reset(A, b)
	i, _ := net.ParamIndex("b1[1]")
	fmt.Println(probe.Nearest())
	fmt.Println("h = 0.5:", probe.Crosses(i, 0.5, -0.5))
	fmt.Println("h = 1.5:", probe.Crosses(i, 1.5, -1.5))
	// Output:
	// ReLU at 0: layer 1, pair 1, unit 1, distance 1
	// h = 0.5: false
	// h = 1.5: true
}

// Every layer describes itself; generic code (names, Init, FLOP counts) asks these methods.
func ExampleNetwork_Layers() {
	net := nn.MustParse("4-8-3:relu,sigmoid")
	for l, layer := range net.Layers() {
		fmt.Printf("layer %d: %v, %v → %v, fan-in %d, %v, forward %v FLOPs per pair\n",
			l+1, layer, layer.InShape(), layer.OutShape(), layer.FanIn(), layer.Kink(), layer.FLOPs().Forward)
		for _, b := range net.LayerBlocks(l) {
			fmt.Printf("  %v at %d, last entry %s\n", b, b.Offset, b.EntryName(b.Len()-1))
		}
	}
	// Output:
	// layer 1: dense 4→8 relu, 4 → 8, fan-in 4, ReLU at 0, forward 72 FLOPs per pair
	//   W1 (8×4) at 0, last entry W1[8,4]
	//   b1 (8) at 32, last entry b1[8]
	// layer 2: dense 8→3 sigmoid, 8 → 3, fan-in 8, smooth, forward 51 FLOPs per pair
	//   W2 (3×8) at 40, last entry W2[3,8]
	//   b2 (3) at 64, last entry b2[3]
}
