//go:build openblas

package gemm

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// Tile sizes of the block loop, unused in this build: OpenBLAS computes C in pieces (see
// Multiplier.pieces).
const (
	tileRows = 256
	tileCols = 256
)

// BLAS names the BLAS the products run on.
var BLAS = "OpenBLAS"

// init routes gonum's BLAS to OpenBLAS, one thread per call: the threads are the pool's.
func init() {
	C.openblas_set_num_threads(1)
	blas64.Use(netlib.Implementation{})
}

// splitFree: OpenBLAS's kernels may treat the edges of a product differently from its inside,
// so C is cut into pieces by its shape alone, never by the number of threads.
const splitFree = false
