//go:build !openblas

package gemm

// Tile sizes of gonum's Dgemm, used where no assembly micro-kernel runs (other CPUs and
// architectures, the tag noasm) and for products too small to pack: gonum's Dgemm runs
// serially, without allocating, while C spans fewer than four 64×64 blocks; 64×192 is three.
const (
	tileRows = 64
	tileCols = 192
)

// BLAS names the matrix multiply the products run on: "nabla asm (AVX-512)" or "nabla asm
// (AVX2+FMA)" (this package's assembly micro-kernels, chosen by the CPU), "gonum (pure Go)"
// where none runs, or "OpenBLAS" in the build with the tag openblas.
var BLAS = blasName()

func blasName() string {
	if active == nil {
		return "gonum (pure Go)"
	}
	return "nabla asm (" + active.name + ")"
}

// minKernel is the number of multiply-adds below which a product goes to gonum's Dgemm rather
// than to the assembly micro-kernels.
const minKernel = 4096

// splitFree: gonum's serial Dgemm computes every element of C by the same operations however
// C is cut into calls (a dot product over k, or axpy updates in k order, element by element),
// so the threads may share C evenly without changing a bit.
const splitFree = true

// BitIdentical reports whether products give the same bits on any number of threads: true
// without the tag openblas (the assembly micro-kernels and gonum compute every element of C by
// the same operations whichever thread computes it).
const BitIdentical = true
