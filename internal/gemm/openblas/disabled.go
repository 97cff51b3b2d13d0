//go:build !openblas

package openblas

// Enabled reports whether this build routes gonum's BLAS to OpenBLAS: false without the build
// tag openblas.
const Enabled = false
