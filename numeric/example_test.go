package numeric_test

import (
	"fmt"
	"math"

	"nabla/gradients"
	"nabla/nn"
	"nabla/numeric"
)

func ExampleNew() {
	net := nn.MustParse("3-5-2")
	A := net.Init(nil, 1)
	batch := net.RandomBatch(10, 1)

	fwd, err := numeric.New(net, &numeric.Settings{Formula: numeric.Forward})
	if err != nil {
		fmt.Println(err)
		return
	}
	cen, err := numeric.New(net, nil) // the zero Settings: central differences
	if err != nil {
		fmt.Println(err)
		return
	}
	gf, k, _ := fwd.Gradient(nil, A, batch)
	gc, _, _ := cen.Gradient(nil, A, batch)
	fmt.Printf("K = %.6f, %d parameters\n", k, net.NumParams())
	fmt.Printf("%s: %d cost evaluations, ∂K/∂%s = %.6f\n", fwd.Name(), fwd.CostEvaluations(), net.ParamName(0), gf[0])
	fmt.Printf("%s: %d cost evaluations, ∂K/∂%s = %.6f\n", cen.Name(), cen.CostEvaluations(), net.ParamName(0), gc[0])
	// Output:
	// K = 3.446003, 32 parameters
	// numeric-forward: 41 cost evaluations, ∂K/∂W1[1,1] = 0.023182
	// numeric-central: 73 cost evaluations, ∂K/∂W1[1,1] = 0.023182
}

func ExampleEngine_Directional() {
	net := nn.MustParse("3-5-2")
	A := net.Init(nil, 1)
	batch := net.RandomBatch(10, 1)
	e, _ := numeric.New(net, nil)
	v := make([]float64, net.NumParams())
	v[0], v[1] = 1, -1
	k, dk, _ := e.Directional(A, v, batch) // 3 cost evaluations
	g, _, _ := e.Gradient(nil, A, batch)   // 65 cost evaluations
	fmt.Printf("K = %.6f, ∇K·v = %.6f, ∂K/∂A₁ − ∂K/∂A₂ = %.6f\n", k, dk, g[0]-g[1])
	// Output:
	// K = 3.446003, ∇K·v = 0.022281, ∂K/∂A₁ − ∂K/∂A₂ = 0.022281
}

func Example_registry() {
	net := nn.MustParse("3-5-2")
	rep, err := gradients.CrossCheck([]string{"numeric-forward", "numeric-central"}, net, net.Init(nil, 1), net.RandomBatch(10, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := rep.Pairs[0]
	fmt.Printf("%s vs %s: agree %v (max rel err below 1e-6: %v)\n", p.A, p.B, p.Agree, p.MaxRelErr < 1e-6)
	// Output:
	// numeric-forward vs numeric-central: agree true (max rel err below 1e-6: true)
}

// Forward differences on a network whose second derivatives outgrow K (two layers without
// activation): ErrorBounds' guess of the truncation error is exceeded at the worst element,
// while RefineBound, the same formula at twice the step, measures it (complex step as the
// reference).
func ExampleEngine_RefineBound() {
	net := nn.MustParse("6-9-15-1:sigmoid,identity,identity")
	A, batch := net.Init(nil, 1), net.RandomBatch(50, 1)
	fwd, err := numeric.New(net, &numeric.Settings{Formula: numeric.Forward})
	if err != nil {
		fmt.Println(err)
		return
	}
	cs, err := numeric.NewComplex(net, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	g, _, _ := fwd.Gradient(nil, A, batch)
	ref, _, _ := cs.Gradient(nil, A, batch)
	guess, _ := fwd.ErrorBounds()
	worst, at := 0.0, 0
	for i := range g {
		if r := math.Abs(g[i]-ref[i]) / guess[i]; r > worst {
			worst, at = r, i
		}
	}
	measured := fwd.RefineBound(at, g[at])
	fmt.Printf("%s: error beyond 5× the guess: %v; within the measured bound: %v\n",
		net.ParamName(at), worst > 5, math.Abs(g[at]-ref[at]) <= measured)
	// Output:
	// W3[1,8]: error beyond 5× the guess: true; within the measured bound: true
}
