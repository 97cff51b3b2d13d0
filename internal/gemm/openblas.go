//go:build openblas

package gemm

import (
	"math"

	"nabla/internal/gemm/openblas"
)

// Tile sizes of the block loop, unused in this build: OpenBLAS computes C in pieces (see
// Multiplier.pieces).
const (
	tileRows = 256
	tileCols = 256
)

// BLAS names the BLAS the products run on.
const BLAS = "OpenBLAS"

// minKernel: every product above maxSmall multiply-adds goes to OpenBLAS in this build (the
// assembly micro-kernels are not used), so that its figures compare nabla with PyTorch on the
// same BLAS.
const minKernel = math.MaxInt

// gonum's BLAS is OpenBLAS in this build (package openblas's init).
var _ = openblas.Enabled

// splitFree: OpenBLAS's kernels treat the edges of a product differently from its inside, so
// the bits of C depend on how C is cut into calls (see pieces and BitIdentical).
const splitFree = false

// BitIdentical reports whether products give the same bits on any number of threads: false
// in this build. One thread makes one OpenBLAS call per product; n threads cut C into n
// pieces, one call each, and OpenBLAS computes the edges of a call with other kernels than its
// inside, so an element's last bits can depend on the cut (2, 3 and 5 pieces of products of the
// shapes of 784-300-100-10 at batch 100 and of odd shapes differed from one call in 28 of 96
// cases with OpenBLAS as Debian's build detects this CPU, 55 of 96 with its SkylakeX kernels).
const BitIdentical = false
