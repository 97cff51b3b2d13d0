// Package openblas routes gonum's BLAS (blas64) to OpenBLAS through gonum.org/v1/netlib (cgo)
// in the build with the tag openblas, one OpenBLAS thread per call, and does nothing in the
// default build. It is a package of its own because a package with cgo cannot hold Go
// assembly: internal/gemm keeps its micro-kernels and imports this one for its init.
package openblas
