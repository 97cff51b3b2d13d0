// Package gemm is nabla's one matrix multiply: C = alpha·op(A)·op(B) + beta·C, as blas64.Gemm,
// computed on a worker pool prepared with the engine that owns it, so that it allocates nothing
// per call and its result does not depend on the number of threads.
//
// On amd64 CPUs with AVX2 and FMA (or AVX-512F) the default build multiplies with its own
// GEMM in Go assembly, no cgo: op(A) and op(B) are packed, a block of k at a time (at most 256,
// the same cut for any thread count), into zero-padded micro-panels that a micro-kernel
// (kernel_amd64.s, written by gen_kernel.go: 8×24 doubles on AVX-512, 4×12 on AVX2) turns into
// tiles of C by FMA chains over k. The threads share C's micro-tile rows (or columns, when C is
// wider than tall); every element is computed by the same operations wherever its tile falls,
// edge tiles included, so the bits do not depend on the threads. The packed panels live in
// buffers owned by the Multiplier's threads, grown on first use.
//
// Products too small to pay for packing, other CPUs and architectures, and the build tag noasm
// use gonum's Dgemm instead: a tile of C of at most 64×192 per call, since gonum's own
// goroutines (and allocations) start only when a product spans four 64×64 blocks; gonum
// computes every element of C by the same operations however C is cut, so the threads share
// C's rows (or, for a wide C, its columns) evenly.
//
// The build with the tag openblas routes gonum's Dgemm to OpenBLAS (package
// internal/gemm/openblas, through gonum.org/v1/netlib, one OpenBLAS thread per call) and gives
// it the products below 2^17 multiply-adds, which run on one thread anyway, one call each; the
// larger ones, which the threads share, still run on the micro-kernels where the CPU has them
// (on one thread they match one OpenBLAS call, while cutting a product into pieces for OpenBLAS
// cost 10–25%). Without micro-kernels, OpenBLAS computes those too: C is cut along its longer
// side into pieces whose number depends on the shape alone (two, more only past 1024 rows or
// columns) and the threads share the pieces (OpenBLAS may treat a product's edges differently
// from its inside, so the cut must not depend on the threads). BLAS names the backends in use.
//
// It is not derivative code: backprop, autodiff and the reference forward pass in nn all
// multiply through it without sharing anything else.
package gemm
