//go:build !amd64 || noasm

package vec

// HasAsm reports whether the kernels run in assembly (false: this build has none).
func HasAsm() bool { return false }

// maxLevel and level: the Go kernels only (see vec_amd64.go).
const maxLevel = 0

var level = 0

func comb4(buf []float64, dst [4]int, n int, t []Term4, w []float64) { comb4Go(buf, dst, n, t, w) }
func dots(out, buf []float64, a, n int, t []DotTerm)                 { dotsGo(out, buf, a, n, t) }
func dots4(out, buf []float64, a [4]int, n int, t []Term4)           { dots4Go(out, buf, a, n, t) }
func dot(a, b []float64) float64                                     { return dotGo(a, b) }
func addVV(d, a, b []float64)                                        { addVVGo(d, a, b) }
func subVV(d, a, b []float64)                                        { subVVGo(d, a, b) }
func mulVV(d, a, b []float64)                                        { mulVVGo(d, a, b) }
func fmaVVV(d, a, b, c []float64)                                    { fmaVVVGo(d, a, b, c) }
func addVS(d, a []float64, s float64)                                { addVSGo(d, a, s) }
func mulVS(d, a []float64, s float64)                                { mulVSGo(d, a, s) }
func fmaVVS(d, a, b []float64, s float64)                            { fmaVVSGo(d, a, b, s) }
func relu(d, a []float64)                                            { reluGo(d, a) }
func step(d, a []float64)                                            { stepGo(d, a) }
