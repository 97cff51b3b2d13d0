// Package gemm is nabla's one matrix multiply: C = alpha·op(A)·op(B) + beta·C, as blas64.Gemm,
// computed tile by tile over C on a worker pool prepared with the engine that owns it, so that
// it allocates nothing per call and its result does not depend on the number of threads.
//
// C is cut into a fixed grid of tiles (the grid depends on the BLAS, never on the threads);
// each tile is one call of the BLAS's Dgemm and the pool's threads share the tiles. The
// pure-Go build uses gonum's Dgemm, whose own goroutines (and allocations) start only when a
// product spans four 64×64 blocks, so its tiles are 64×192; the build with the tag openblas
// routes Dgemm to OpenBLAS through gonum.org/v1/netlib, pinned to one thread per call, with
// larger tiles. BLAS names the backend in use.
//
// It is not derivative code: backprop, autodiff and the reference forward pass in nn all
// multiply through it without sharing anything else.
package gemm
