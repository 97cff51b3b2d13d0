//go:build openblas

package openblas

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// Enabled reports whether this build routes gonum's BLAS to OpenBLAS: true with the build tag
// openblas.
const Enabled = true

// init routes gonum's BLAS to OpenBLAS, one thread per call: the threads are the pool's.
func init() {
	C.openblas_set_num_threads(1)
	blas64.Use(netlib.Implementation{})
}
