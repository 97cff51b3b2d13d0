package verify

import (
	"math"
	"math/rand/v2"
	"nabla/internal/rng"
	"strconv"
	"strings"

	"nabla/nn"
)

// Space bounds the random networks of the property tests. The zero value means depth 1–4,
// widths 1–32 and batches 1–64.
type Space struct {
	MaxDepth int // layers; zero means 4
	MaxWidth int // units per layer, inputs included; zero means 32
	MaxBatch int // training pairs; zero means 64
	// Inputs, when positive, is the input width of every network (784 for MNIST-sized
	// networks); zero draws it like the other widths.
	Inputs int
}

func (s Space) defaults() Space {
	if s.MaxDepth == 0 {
		s.MaxDepth = 4
	}
	if s.MaxWidth == 0 {
		s.MaxWidth = 32
	}
	if s.MaxBatch == 0 {
		s.MaxBatch = 64
	}
	return s
}

// Case is one random network with parameters and a batch.
type Case struct {
	Arch string
	Net  *nn.Network
	A    []float64
	B    nn.Batch
	Seed uint64
}

// logUniform draws an integer in [1, n] with log-uniform probability, so that small sizes
// (where faults and edge cases live) are as common as large ones.
func logUniform(rng *rand.Rand, n int) int {
	return min(n, int(math.Exp(rng.Float64()*math.Log(float64(n)+1))))
}

// RandomCase draws case number i of the seeded sequence: depth uniform in 1..MaxDepth,
// widths and batch log-uniform in 1..MaxWidth and 1..MaxBatch, each layer's activation
// uniform over nn.Activations(), parameters from Network.Init and the batch from
// Network.RandomBatch with the case's own seed.
func RandomCase(s Space, seed uint64, i int) Case {
	s = s.defaults()
	rng := rng.New(seed*1_000_003 + uint64(i))
	depth := 1 + rng.IntN(s.MaxDepth)
	acts := nn.Activations()
	var b strings.Builder
	in := logUniform(rng, s.MaxWidth)
	if s.Inputs > 0 {
		in = s.Inputs
	}
	b.WriteString(strconv.Itoa(in))
	for range depth {
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(logUniform(rng, s.MaxWidth)))
	}
	for l := range depth {
		if l == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(acts[rng.IntN(len(acts))].String())
	}
	arch := b.String()
	net := nn.MustParse(arch)
	cs := rng.Uint64()
	return Case{Arch: arch, Net: net, A: net.Init(nil, cs), B: net.RandomBatch(logUniform(rng, s.MaxBatch), cs), Seed: cs}
}
