package gemm_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"nabla/internal/gemm"
)

func ExampleMultiplier_Gemm() {
	a := blas64.General{Rows: 2, Cols: 3, Stride: 3, Data: []float64{1, 2, 3, 4, 5, 6}}
	c := blas64.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float64, 4)}
	m := gemm.New(2)
	m.Gemm(blas.NoTrans, blas.Trans, 1, a, a, 0, c) // C = A·Aᵀ
	fmt.Println(c.Data)
	// Output: [14 32 32 77]
}

func ExampleSmall() {
	a := []float64{1, 2, 3, 4, 5, 6} // 2×3
	c := make([]float64, 4)
	gemm.Small(false, true, 2, 2, 3, 1, a, 3, a, 3, 0, c, 2) // C = A·Aᵀ
	fmt.Println(c)
	// Output: [14 32 32 77]
}

func ExampleMultiplier_Both() {
	a := blas64.General{Rows: 2, Cols: 3, Stride: 3, Data: []float64{1, 2, 3, 4, 5, 6}}
	c := blas64.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float64, 4)}
	d := blas64.General{Rows: 3, Cols: 3, Stride: 3, Data: make([]float64, 9)}
	m := gemm.New(2)
	m.Both(
		gemm.Product{TA: blas.NoTrans, TB: blas.Trans, Alpha: 1, A: a, B: a, C: c}, // C = A·Aᵀ
		gemm.Product{TA: blas.Trans, TB: blas.NoTrans, Alpha: 1, A: a, B: a, C: d}, // D = Aᵀ·A
	)
	fmt.Println(c.Data)
	fmt.Println(d.Data)
	// Output:
	// [14 32 32 77]
	// [17 22 27 22 29 36 27 36 45]
}
