//go:build !openblas

package gemm

// Tile sizes of the pure-Go build: gonum's Dgemm runs serially, without allocating, while
// C spans fewer than four 64×64 blocks; 64×192 is three.
const (
	tileRows = 64
	tileCols = 192
)

// BLAS names the BLAS the products run on: "gonum (pure Go)", or "OpenBLAS" in the build
// with the tag openblas.
const BLAS = "gonum (pure Go)"

// splitFree: gonum's serial Dgemm computes every element of C by the same operations however
// C is cut into calls (a dot product over k, or axpy updates in k order, element by element),
// so the threads may share C evenly without changing a bit.
const splitFree = true
