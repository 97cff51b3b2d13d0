package verify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// hvCase draws a random smooth network: depth 1–3, widths 1–12, sigmoid or tanh per layer
// (identity on some outputs), either cost kind, batch 1–16.
func hvCase(i int) (*nn.Network, []float64, nn.Batch) {
	rng := nn.NewRand(uint64(1000 + i))
	depth := 1 + rng.IntN(3)
	arch := fmt.Sprint(1 + rng.IntN(12))
	acts := ""
	for l := range depth {
		arch += fmt.Sprintf("-%d", 1+rng.IntN(12))
		act := []string{"sigmoid", "tanh"}[rng.IntN(2)]
		if l == depth-1 && rng.IntN(4) == 0 {
			act = "identity"
		}
		if l > 0 {
			acts += ","
		}
		acts += act
	}
	net := nn.MustParse(arch + ":" + acts).WithCost(nn.CostKinds()[rng.IntN(2)])
	seed := uint64(i)
	return net, net.Init(nil, seed), net.RandomBatch(1+rng.IntN(16), seed)
}

// TestHvEnginesAgree holds every engine with Hessian-vector products against every other on
// random sigmoid and tanh networks, along two random directions each: exact engines within
// 1e-10 of each other, and every pair within its verdict, which holds the difference engines
// to the error they state per element (HvErrorBounds).
func TestHvEnginesAgree(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 10
	}
	worstExact, worstApprox, worstRatio := 0.0, 0.0, 0.0
	for i := range n {
		net, A, b := hvCase(i)
		names := gradients.HvNames(net)
		require.GreaterOrEqual(t, len(names), 4, "engines with Hv on %s: %v", net, names)
		rep, _, err := gradients.CrossCheckHv(names, net, A, b, 2, uint64(i))
		require.NoError(t, err)
		for _, p := range rep.Pairs {
			ia, _ := gradients.Lookup(p.A)
			ib, _ := gradients.Lookup(p.B)
			if ia.Exact && ib.Exact {
				worstExact = max(worstExact, p.MaxRelErr)
				assert.LessOrEqual(t, p.MaxRelErr, 1e-10, "%s: %s vs %s at %s", net, p.A, p.B, p.Worst)
			} else {
				worstApprox = max(worstApprox, p.MaxRelErr)
				worstRatio = max(worstRatio, p.WorstRatio)
			}
			assert.True(t, p.Agree, "%s batch %d: %s vs %s: %.2g > %.2g at %s", net, b.Len(), p.A, p.B, p.MaxRelErr, p.Tolerance, p.Worst)
		}
	}
	t.Logf("largest relative H·v difference over %d networks: %.2g between exact engines, %.2g with a difference engine (at most %.2g of the stated errors times the safety factor)", n, worstExact, worstApprox, worstRatio)
}

// TestHessianSymmetry forms the full Hessian with each exact engine on the notes' small
// networks and requires it to be symmetric to 1e-12 relative.
func TestHessianSymmetry(t *testing.T) {
	for _, arch := range []string{"2-3-1", "2-3-1:tanh", "16-32-10", "16-32-10:tanh,identity/xent"} {
		a, cost, _ := strings.Cut(arch, "/")
		net := nn.MustParse(a)
		if cost == "xent" {
			net = net.WithCost(nn.CrossEntropy)
		}
		A, b := net.Init(nil, 3), net.RandomBatch(8, 3)
		for _, name := range gradients.HvNames(net) {
			info, _ := gradients.Lookup(name)
			if !info.Exact || (testing.Short() && net.NumParams() > 100 && name == "symbolic") {
				continue
			}
			t.Run(fmt.Sprintf("net=%s/engine=%s", arch, name), func(t *testing.T) {
				e, err := gradients.NewHv(name, net)
				require.NoError(t, err)
				h, _, err := gradients.Hessian(nil, e, net, A, b)
				require.NoError(t, err)
				s := gradients.SymmetryError(h)
				t.Logf("symmetry error %.2g", s)
				assert.LessOrEqual(t, s, 1e-12)
			})
		}
	}
}

// TestHvCNN holds every engine with H·v against every other on small CNNs (convolution with
// stride and padding, both poolings, either cost): exact engines within 1e-10 relative of each
// other, every pair within its verdict.
func TestHvCNN(t *testing.T) {
	for _, arch := range []string{
		"1x6x6-conv2@3x3-4:tanh,sigmoid",
		"1x6x6-conv2@3x3-avgpool2-3:tanh,sigmoid",
		"2x6x6-conv3@3x3+p1-maxpool2-3:tanh,identity",
		"1x8x8-conv3@3x3/s2+p1-conv2@2x2-avgpool2-2:sigmoid,tanh,identity",
	} {
		for _, cost := range nn.CostKinds() {
			t.Run(fmt.Sprintf("net=%s/cost=%s", arch, cost), func(t *testing.T) {
				net := nn.MustParse(arch).WithCost(cost)
				A, b := net.Init(nil, 2), net.RandomBatch(3, 2)
				names := gradients.HvNames(net)
				require.GreaterOrEqual(t, len(names), 4, "engines with H·v: %v", names)
				rep, _, err := gradients.CrossCheckHv(names, net, A, b, 2, 5)
				require.NoError(t, err)
				for _, p := range rep.Pairs {
					t.Logf("%s vs %s: %.2g", p.A, p.B, p.MaxRelErr)
					ia, _ := gradients.Lookup(p.A)
					ib, _ := gradients.Lookup(p.B)
					if ia.Exact && ib.Exact {
						assert.LessOrEqual(t, p.MaxRelErr, 1e-10, "%s vs %s at %s", p.A, p.B, p.Worst)
					}
					assert.True(t, p.Agree, "%s vs %s: %.2g > %.2g at %s", p.A, p.B, p.MaxRelErr, p.Tolerance, p.Worst)
				}
			})
		}
	}
}
