// Package stats holds the small statistics nabla's measurements share: the least-squares
// slope on log–log axes behind cost models and scaling exponents.
package stats

import (
	"fmt"
	"math"
)

// LogLogSlope returns the least-squares slope of log y against log x: the exponent k of
// y ∝ x^k. It returns NaN for fewer than two points or when every x is the same, and panics
// when x and y differ in length (a programmer error).
func LogLogSlope(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("stats: LogLogSlope: %d x but %d y", len(x), len(y)))
	}
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for i := range x {
		lx, ly := math.Log(x[i]), math.Log(y[i])
		sx += lx
		sy += ly
		sxx += lx * lx
		sxy += lx * ly
	}
	den := n*sxx - sx*sx
	if len(x) < 2 || den <= 1e-12*n*sxx {
		return math.NaN()
	}
	return (n*sxy - sx*sy) / den
}
