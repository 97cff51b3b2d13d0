// Package gemm is nabla's one matrix multiply: C = alpha·op(A)·op(B) + beta·C, as blas64.Gemm,
// computed tile by tile over C on a worker pool prepared with the engine that owns it, so that
// it allocates nothing per call and its result does not depend on the number of threads.
//
// Each Dgemm call computes a tile of C of at most tileRows × tileCols. The pure-Go build uses
// gonum's Dgemm, whose own goroutines (and allocations) start only when a product spans four
// 64×64 blocks, so its tiles are at most 64×192; gonum computes every element of C by the same
// operations however C is cut, so the threads share C's rows (or, for a wide C, its columns)
// evenly. The build with the tag openblas routes Dgemm to OpenBLAS through
// gonum.org/v1/netlib, pinned to one thread per call, on a fixed grid of 256×256 tiles that
// the threads share (OpenBLAS may treat a product's edges differently from its inside, so the
// cut must not depend on the threads). BLAS names the backend in use.
//
// It is not derivative code: backprop, autodiff and the reference forward pass in nn all
// multiply through it without sharing anything else.
package gemm
