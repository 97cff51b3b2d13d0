package symbolic_test

import (
	"fmt"

	"nabla/gradients"
	"nabla/nn"
	"nabla/symbolic"
)

func ExampleParse() {
	f, err := symbolic.Parse("x*(x^2 - sin(y))")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	fmt.Println(symbolic.LaTeX(f))
	_, err = symbolic.Parse("x*(x^2 - sin(y)")
	fmt.Println(err)
	// Output:
	// x*(x^2 - sin(y))
	// x \cdot \left(x^{2} - \sin\left(y\right)\right)
	// symbolic: parse error at column 16: unexpected end of input, want ')' to close the "(" at column 3
}

func ExampleBuilder_Diff() {
	b := symbolic.NewBuilder()
	f, _ := b.Parse("x*(x^2 - sin(y))")
	for _, v := range []string{"x", "y"} {
		fmt.Printf("∂f/∂%s = %s\n", v, b.Simplify(b.Diff(f, v)))
	}
	// Output:
	// ∂f/∂x = 3*x^2 - sin(y)
	// ∂f/∂y = -x*cos(y)
}

func ExampleCompile() {
	b := symbolic.NewBuilder()
	f, _ := b.Parse("exp(-a*x)/2")
	vars := []string{"a", "x"}
	grad := b.Gradient(f, vars) // reverse accumulation over the DAG of f
	prog, err := symbolic.Compile(append([]symbolic.Expr{f}, grad...), vars)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := prog.Eval(nil, []float64{0.5, 2})
	fmt.Printf("f = %.6f, ∂f/∂a = %.6f, ∂f/∂x = %.6f (%d instructions)\n", out[0], out[1], out[2], prog.Len())
	// Output:
	// f = 0.183940, ∂f/∂a = -0.367879, ∂f/∂x = -0.091970 (9 instructions)
}

func ExampleMeasure() {
	for _, ex := range symbolic.Examples() {
		s, err := symbolic.Measure(ex.Name, ex.Build, ex.Wrt, symbolic.MeasureOptions{NaiveBudget: 100_000})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: DAG %d nodes, %d instructions (cost alone %d), naive tree: %d nodes %v\n",
			s.Name, s.DAGNodes, s.Instructions, s.CostInstructions, s.NaiveNodes, s.NaiveErr != "")
	}
	// Output:
	// logistic map n=10: DAG 71 nodes, 68 instructions (cost alone 30), naive tree: 59393 nodes false
	// y <- sin(y)*y x100: DAG 699 nodes, 698 instructions (cost alone 200), naive tree: 100001 nodes true
}

func Example_engine() {
	net := nn.MustParse("4-6-3")
	A := net.Init(nil, 1)
	batch := net.RandomBatch(8, 1)
	grad, K, err := gradients.Grad("symbolic", net, A, batch)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("K = %.6f, ∂K/∂%s = %.6f\n", K, net.ParamName(0), grad[0])
	// Output:
	// K = 3.256010, ∂K/∂W1[1,1] = 0.036173
}

func ExampleCheck() {
	r, err := symbolic.Check("x*(x^2 - sin(y))", "2*x - sin(y), -x*cos(y)", symbolic.CheckSettings{
		At: []map[string]float64{{"x": 1.5, "y": 0.3}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.OK, r.Wrong())
	_, err = symbolic.Check("log(x)", "1/x", symbolic.CheckSettings{At: []map[string]float64{{"x": -1}}})
	fmt.Println(err)
	// Output:
	// false [∂f/∂x is 2*x - sin(y), want 3*x^2 - sin(y)]
	// no point where the formula and its derivatives are finite: skipped x=-1 (f = NaN: outside the formula's domain)
}
