package autodiff

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gonum's Dgemm multiplies serially when the product C spans fewer than four 64×64 blocks and
// otherwise starts goroutines, which allocates on every call. matmul therefore hands it C in
// panels of at most tileM × tileN (1 × 3 blocks), so that the tape's MatMul allocates nothing;
// on the shared two-core lab machine the lost parallelism costs little.
const (
	tileM = 64
	tileN = 192
)

// matmul sets c (m×n, row-major, stride n) = op(a)·op(b) + beta·c, where op(a) is m×k and
// op(b) is k×n; lda and ldb are the strides of a and b as stored (row-major).
func matmul(ta, tb blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64) {
	impl := blas64.Implementation()
	for i := 0; i < m; i += tileM {
		r := min(tileM, m-i)
		var ai []float64 // rows i… of op(a): rows of a, or its columns when transposed
		if ta == blas.Trans {
			ai = a[i:]
		} else {
			ai = a[i*lda:]
		}
		for j := 0; j < n; j += tileN {
			s := min(tileN, n-j)
			var bj []float64 // columns j… of op(b): columns of b, or its rows when transposed
			if tb == blas.Trans {
				bj = b[j*ldb:]
			} else {
				bj = b[j:]
			}
			impl.Dgemm(ta, tb, r, s, k, 1, ai, lda, bj, ldb, beta, c[i*n+j:], n)
		}
	}
}
