// Package vec holds the vector kernels of the symbolic engine's batch programs: element-wise
// arithmetic, linear combinations of four sums over shared vectors (Comb4), groups of dot
// products against one vector or four (Dots, CombTable.Dots4) and single dot products (Dot),
// in assembly on CPUs with AVX-512 or with AVX2 and FMA (golang.org/x/sys/cpu decides), and
// in Go elsewhere (other CPUs, other architectures, the build tag noasm). The AVX2 kernels add
// in the order of the AVX-512 ones (a dot product's eight partial sums are two registers of
// four). Nothing here knows about derivatives: the kernels are plain arithmetic on float64
// slices.
//
// The assembly adds with fused multiply-adds where the Go code multiplies and then adds, and
// its dot products add their rows in eight interleaved partial sums (see Dots), where the Go
// code calls gonum's floats.Dot: so the two may differ in the last bits, while each gives the
// same result for the same input every time, whichever goroutine or thread runs it.
package vec
