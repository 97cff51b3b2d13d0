package autodiff

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// matmul sets c (m×n, row-major, stride n) = op(a)·op(b) + beta·c, where op(a) is m×k and
// op(b) is k×n; lda and ldb are the strides of a and b as stored.
func matmul(ta, tb blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64) {
	blas64.Implementation().Dgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}
