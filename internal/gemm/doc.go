// Package gemm is nabla's one matrix multiply: C = alpha·op(A)·op(B) + beta·C, as blas64.Gemm,
// computed on a worker pool prepared with the engine that owns it, so that it allocates nothing
// per call and (except in the OpenBLAS build) its result does not depend on the number of
// threads.
//
// On amd64 CPUs with AVX2 and FMA (or AVX-512F) the default build multiplies with its own
// GEMM in Go assembly, no cgo: op(A) and op(B) are packed, a block of k at a time (at most 256,
// the same cut for any thread count), into zero-padded micro-panels that a micro-kernel
// (kernel_amd64.s, written by gen_kernel.go: 8×24 doubles on AVX-512, 4×12 on AVX2) turns into
// tiles of C by FMA chains over k; the packing itself runs on AVX (4×4 transposes, vector
// copies). The threads share C's micro-tiles, numbered along C's shorter side first, in even
// contiguous ranges (split.go); every element is computed by the same operations wherever its
// tile falls, edge tiles included, so the bits do not depend on the threads. The packed panels
// live in buffers owned by the Multiplier's threads, grown on first use. Both computes two
// independent products (a layer's ∂W and ∂x) at once on two threads, one each, when they are of
// similar size: neither then packs an operand the other thread packs too.
//
// Products too small to pay for packing, other CPUs and architectures, and the build tag noasm
// use gonum's Dgemm instead: a tile of C of at most 64×192 per call, since gonum's own
// goroutines (and allocations) start only when a product spans four 64×64 blocks; gonum
// computes every element of C by the same operations however C is cut, so the threads share
// C's rows (or, for a wide C, its columns) evenly.
//
// Products of at most maxSmall (256) multiply-adds, those of tiny networks at batch 1, are
// computed by the definition (Small) in every build: a BLAS call's set-up costs more.
//
// The build with the tag openblas routes every larger product to OpenBLAS (package
// internal/gemm/openblas, through gonum.org/v1/netlib, one OpenBLAS thread per call), so that
// its figures compare nabla with PyTorch on the same BLAS: one call per product on one thread,
// as PyTorch makes it; on n threads, C is cut along its longer side into n pieces, one call
// each. OpenBLAS computes the edges of a call with other kernels than its inside, so in this
// build alone the last bits of a product can depend on the number of threads (BitIdentical is
// false). BLAS names the backend in use.
//
// It is not derivative code: backprop, autodiff and the reference forward pass in nn all
// multiply through it without sharing anything else.
package gemm
