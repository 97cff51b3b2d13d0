//go:build openblas

package gemm

import "nabla/internal/gemm/openblas"

// Tile sizes of the block loop, unused in this build: OpenBLAS computes C in pieces (see
// Multiplier.pieces).
const (
	tileRows = 256
	tileCols = 256
)

// BLAS names the BLAS the products run on: OpenBLAS, and the assembly micro-kernels (when
// the CPU runs them) for the products shared by threads (see minKernel).
var BLAS = blasName()

func blasName() string {
	if active == nil {
		return "OpenBLAS"
	}
	return "OpenBLAS + nabla asm (" + active.name + ")"
}

// minKernel: products of at least minParallel multiply-adds, the ones the threads share, go
// to the assembly micro-kernels where the CPU runs them; OpenBLAS computes the smaller ones
// with one call each. OpenBLAS's result may depend on how C is cut, so a product it computes
// must be cut by its shape alone, and two pieces cost 10–25% more than one call on one thread
// (784-300-100-10 at batch 100, internal/gemm's shapes, process CPU time, 06:00 UTC); the
// micro-kernels are split among the threads without changing a bit and on one thread run the
// large products about as fast as one OpenBLAS call (0.9–1.1×), while OpenBLAS is up to 3×
// faster on the small thin ones (an output of 10 columns).
const minKernel = minParallel

// gonum's BLAS is OpenBLAS in this build (package openblas's init).
var _ = openblas.Enabled

// splitFree: OpenBLAS's kernels may treat the edges of a product differently from its inside,
// so C is cut into pieces by its shape alone, never by the number of threads.
const splitFree = false
