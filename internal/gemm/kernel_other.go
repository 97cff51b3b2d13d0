//go:build !amd64 || noasm

package gemm

// available lists the micro-kernels this build runs: none without amd64 assembly (other
// architectures, the tag noasm) or with OpenBLAS (the tag openblas).
func available() []*kernel { return nil }
