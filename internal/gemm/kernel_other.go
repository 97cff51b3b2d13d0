//go:build !amd64 || noasm

package gemm

// available lists the micro-kernels this build runs: none without amd64 assembly (other
// architectures, the tag noasm) or with OpenBLAS (the tag openblas).
func available() []*kernel { return nil }

// packT sets d[l·wd + x] = s[x·ld + l] for x < n, l < kb.
func packT(d []float64, wd int, s []float64, ld, kb, n int) { packTGo(d, wd, s, ld, kb, n) }

// packRuns sets d[l·wd + x] = s[l·ld + x] for x < wd, l < kb.
func packRuns(d []float64, wd int, s []float64, ld, kb int) { packRunsGo(d, wd, s, ld, kb) }
