//go:build !amd64 || noasm

package vmath

// available lists the kernel sets this build runs: none without amd64 assembly (other
// architectures, the build tag noasm).
func available() []*kernels { return nil }
