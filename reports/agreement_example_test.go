package reports_test

import (
	"os"

	"nabla/gradients"
	"nabla/nn"
	"nabla/reports"
)

// An agreement of two engines on a 1-1 network, rendered as Markdown.
func ExampleAgreement_Markdown() {
	net := nn.MustParse("1-1:identity")
	results := []gradients.Result{
		{Engine: "exact", Tolerance: 1e-12, K: 32, Grad: []float64{24, 0}},
		{Engine: "approx", Tolerance: 1e-7, K: 32, Grad: []float64{24.000001, 1e-9}},
	}
	a := reports.NewAgreement(gradients.Compare(net, results), results)
	a.Params, a.Batch, a.Seed = net.NumParams(), 2, 1
	if err := a.Markdown(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// **gradient agreement on 1-1:identity (2 parameters), batch 2, seed 1**
	//
	// | engine | tolerance |  K |
	// |:-------|----------:|---:|
	// | exact  |  1.00e-12 | 32 |
	// | approx |  1.00e-07 | 32 |
	//
	// | a     | b      | max abs err | max rel err | tolerance | obs/exp | worst   | a at worst | b at worst | cost rel err | agree |
	// |:------|:-------|------------:|------------:|----------:|--------:|:--------|-----------:|-----------:|-------------:|:------|
	// | exact | approx |    1.00e-06 |    2.08e-08 |  1.00e-07 |       – | W1[1,1] |         24 |  24.000001 |     0.00e+00 | yes   |
	//
	// obs/exp: the largest observed difference over 4× the sum of the two engines' expected errors (below 1: explained by them); an element agrees within that, or within the tolerance where neither engine estimates its error per element
	//
	// the pair agrees within its error bound
}
