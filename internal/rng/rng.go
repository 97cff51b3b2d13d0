// Package rng is nabla's one seeded random generator, for every package that draws numbers
// from a seed (initial parameters, random batches, built-in data sets, shuffles, random
// networks and directions): the same seed gives the same numbers everywhere, on every
// machine.
package rng

import (
	"math"
	"math/rand/v2"
)

// New returns the seeded generator: PCG from math/rand/v2, with the second word of its state
// derived from the seed.
func New(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// UnitVectors returns k random unit vectors of length n (normal entries, normalised), drawn
// from r in order.
func UnitVectors(r *rand.Rand, n, k int) [][]float64 {
	vs := make([][]float64, k)
	for j := range vs {
		v := make([]float64, n)
		var norm float64
		for i := range v {
			v[i] = r.NormFloat64()
			norm += v[i] * v[i]
		}
		norm = math.Sqrt(norm)
		for i := range v {
			v[i] /= norm
		}
		vs[j] = v
	}
	return vs
}
