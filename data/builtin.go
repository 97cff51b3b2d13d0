package data

import (
	"fmt"
	"math"
	"nabla/internal/rng"

	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

// XOR returns the four pairs of the exclusive or: inputs (0,0), (0,1), (1,0), (1,1) with
// targets 0, 1, 1, 0 and one output. A 2-2-1 or 2-3-1 network learns it.
func XOR() Set {
	x := mat.NewDense(4, 2, []float64{0, 0, 0, 1, 1, 0, 1, 1})
	z := mat.NewDense(4, 1, []float64{0, 1, 1, 0})
	return Set{Name: "xor", Batch: nn.Batch{X: x, Z: z}, Labels: []int{0, 1, 1, 0}, Classes: 2}
}

// Spirals returns n seeded pairs (n ≥ 2) of two interleaved spirals in the plane, half from
// each arm: inputs in about [-1, 1]², targets one-hot over the two arms. noise is the
// standard deviation of Gaussian jitter added to each coordinate (0.02 is mild). The same
// seed gives the same set.
func Spirals(n int, noise float64, seed uint64) Set {
	if n < 2 {
		panic(fmt.Sprintf("data: Spirals n = %d < 2", n))
	}
	rng := rng.New(seed ^ 0x5b1ea15)
	x := mat.NewDense(n, 2, nil)
	labels := make([]int, n)
	for i := range n {
		arm := i % 2
		t := rng.Float64()                        // position along the arm
		r := 0.1 + 0.9*t                          // radius
		phi := 3*math.Pi*t + math.Pi*float64(arm) // 1.5 turns, arms half a turn apart
		x.Set(i, 0, r*math.Cos(phi)+noise*rng.NormFloat64())
		x.Set(i, 1, r*math.Sin(phi)+noise*rng.NormFloat64())
		labels[i] = arm
	}
	return Set{Name: fmt.Sprintf("spirals(n=%d,seed=%d)", n, seed), Batch: nn.Batch{X: x, Z: oneHot(labels, 2)}, Labels: labels, Classes: 2}
}

// Blobs returns n seeded pairs drawn from k Gaussian blobs (k ≥ 2) in the plane, with centres
// evenly spaced on the unit circle and standard deviation sd; targets are one-hot over the
// blobs. Pair i belongs to blob i mod k.
func Blobs(n, k int, sd float64, seed uint64) Set {
	if n < 1 || k < 2 {
		panic(fmt.Sprintf("data: Blobs n = %d, k = %d (want n ≥ 1, k ≥ 2)", n, k))
	}
	rng := rng.New(seed ^ 0xb10b5)
	x := mat.NewDense(n, 2, nil)
	labels := make([]int, n)
	for i := range n {
		c := i % k
		phi := 2 * math.Pi * float64(c) / float64(k)
		x.Set(i, 0, math.Cos(phi)+sd*rng.NormFloat64())
		x.Set(i, 1, math.Sin(phi)+sd*rng.NormFloat64())
		labels[i] = c
	}
	return Set{Name: fmt.Sprintf("blobs(n=%d,k=%d,seed=%d)", n, k, seed), Batch: nn.Batch{X: x, Z: oneHot(labels, k)}, Labels: labels, Classes: k}
}

// Builtin returns the training and test sets of a built-in set by name: "xor" (the four
// pairs, tested on themselves), "spirals" (1000 training and 500 test pairs) or "blobs"
// (4 blobs, 800 training and 400 test pairs). Test sets are drawn with a different seed.
func Builtin(name string, seed uint64) (train, test Set, err error) {
	switch name {
	case "xor":
		return XOR(), XOR(), nil
	case "spirals":
		return Spirals(1000, 0.02, seed), Spirals(500, 0.02, seed+1), nil
	case "blobs":
		return Blobs(800, 4, 0.3, seed), Blobs(400, 4, 0.3, seed+1), nil
	}
	return Set{}, Set{}, fmt.Errorf("unknown data set %q (want mnist, xor, spirals or blobs)", name)
}
