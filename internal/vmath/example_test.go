package vmath_test

import (
	"fmt"
	"math"

	"nabla/internal/vmath"
)

func ExampleSigmoid() {
	x := []float64{-800, -1, 0, 1, 800}
	fmt.Printf("%.6f\n", vmath.Sigmoid(nil, x))
	fmt.Printf("%.6f\n", vmath.Tanh(x, x)) // in place
	// Output:
	// [0.000000 0.268941 0.500000 0.731059 1.000000]
	// [-1.000000 -0.761594 0.000000 0.761594 1.000000]
}

func ExampleExp() {
	fmt.Println(vmath.Exp(nil, []float64{0, 1, -746, 710}))
	// Output:
	// [1 2.718281828459045 0 +Inf]
}

func ExampleFirstNonFinite() {
	x := make([]float64, 100)
	fmt.Println(vmath.FirstNonFinite(x))
	x[70], x[90] = math.Inf(1), math.NaN()
	fmt.Println(vmath.FirstNonFinite(x))
	// Output:
	// -1
	// 70
}
