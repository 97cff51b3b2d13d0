//go:build !amd64 || noasm

package vmath

// available lists the kernel sets this build runs: none without amd64 assembly (other
// architectures, the build tag noasm).
func available() []*kernels { return nil }

// run is never called: there are no kernel sets.
func (ks *kernels) run(k int, dst, x *float64, n int) {
	panic("vmath: no vector kernels in this build")
}

// nanSum is never called: there are no kernel sets.
func (ks *kernels) nanSum(x *float64, n int) float64 {
	panic("vmath: no vector kernels in this build")
}
