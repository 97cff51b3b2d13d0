package gradtest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"nabla/gradients"
	"nabla/nn"
)

// Options tune Run for engines that are approximate or slow. The zero value is right for an
// exact engine.
type Options struct {
	// Tolerance is the largest relative error (gradients.RelErr) allowed against the
	// central-difference reference on random networks (never below 1e-7, the reference's own
	// accuracy), and, for an Approximate engine, against the hand-worked values. Zero means
	// 1e-7.
	Tolerance float64
	// Approximate declares an engine that approximates the gradient (finite differences):
	// the hand-worked values hold it to Tolerance. An exact engine (false) is held there to
	// KnownTolerance: rounding only.
	Approximate bool
	// MaxParams skips random architectures with more parameters (slow engines). Zero means no
	// limit.
	MaxParams int
	// AllowAllocs skips the no-allocation check.
	AllowAllocs bool
	// Short runs fewer random cases (testing.Short() does too).
	Short bool
	// DenseOnly leaves out the convolutional networks, for engines that handle dense layers
	// only (test doubles).
	DenseOnly bool
}

// NewFunc prepares an engine for a network, like gradients.Info.New.
type NewFunc func(net *nn.Network) (gradients.Engine, error)

// Run runs the whole conformance suite as subtests of t.
func Run(t *testing.T, newEngine NewFunc, opts Options) {
	t.Run("known", func(t *testing.T) { Known(t, newEngine, opts) })
	t.Run("central", func(t *testing.T) { Central(t, newEngine, opts) })
	t.Run("unchanged", func(t *testing.T) { Unchanged(t, newEngine) })
	t.Run("dst", func(t *testing.T) { Dst(t, newEngine) })
	t.Run("errors", func(t *testing.T) { Errors(t, newEngine) })
	if !opts.AllowAllocs {
		t.Run("allocs", func(t *testing.T) { NoAllocs(t, newEngine, opts) })
	}
}

// KnownTolerance is the relative error (gradients.RelErr) within which an exact engine must
// match the hand-worked values of Known: a few roundings of numbers of order one. An engine
// off by 1e-8 fails it.
const KnownTolerance = 1e-12

// knownTol is the tolerance of Known.
func (o Options) knownTol() float64 {
	if o.Approximate {
		return o.tol()
	}
	return KnownTolerance
}

func (o Options) tol() float64 {
	if o.Tolerance == 0 {
		return 1e-7
	}
	return o.Tolerance
}

// knownCase is a network whose K and ∇K are worked out by hand below.
type knownCase struct {
	name  string
	arch  string
	cost  nn.CostKind
	A     []float64
	x, z  [][]float64
	wantK float64
	want  []float64
}

func knownCases() []knownCase {
	// 1-1 identity: z = w·x + c, K = Σ (z − z̄)², ∂K/∂w = Σ 2(z − z̄)x, ∂K/∂c = Σ 2(z − z̄).
	// x = 2, z̄ = 1, w = 3, c = −1: z = 5, r = 4, K = 16, ∂w = 16, ∂c = 8.
	// Second pair x = −1, z̄ = 0: z = −4, r = −4, K += 16, ∂w += 8, ∂c += −8.
	// 2-1 sigmoid with zero weights: z = σ(0) = ½, σ' = ¼, δ = 2(½ − z̄)·¼.
	// x = (1, 2), z̄ = 1: δ = −¼, ∂w = (−¼, −½), ∂c = −¼, K = ¼.
	// 1-1-1 tanh then identity, all weights 1, biases 0, x = 0.5, z̄ = 0:
	// y = tanh(0.5), z = y, K = y², δ = 2y, ∂W2 = δ·y = 2y², ∂b2 = 2y, γ = δ·(1 − y²),
	// ∂W1 = γ·x, ∂b1 = γ.
	y := math.Tanh(0.5)
	g := 2 * y * (1 - y*y)
	// Cross-entropy, K = Σᵢ Σₖ z̄ₖ (LSE(z) − zₖ), ∂K/∂z = p·Σz̄ − z̄ with p = softmax(z).
	// 2-2 identity, W = I, b = 0, so z = x. Pair 1: x = (0, ln 3), z̄ = (1, 0): p = (¼, ¾),
	// K = log 4, δ = (−¾, ¾), ∂W = δxᵀ = [[0, −¾ ln 3], [0, ¾ ln 3]], ∂b = δ.
	// Pair 2: x = (ln 3, 0), z̄ = (1, 1) (sums to 2): p = (¾, ¼), K = 2 log 4 − ln 3,
	// δ = 2p − z̄ = (½, −½), ∂W += [[½ ln 3, 0], [−½ ln 3, 0]], ∂b += δ.
	l3 := math.Log(3)
	// 1-2 sigmoid with zero weights: z = (½, ½), p = (½, ½), z̄ = (1, 0), x = 1: K = log 2,
	// ∂K/∂z = (−½, ½), σ' = ¼, δ = (−⅛, ⅛) = ∂W = ∂b.
	return []knownCase{
		{"identity-1-1-two-pairs", "1-1:identity", nn.Quadratic, []float64{3, -1}, [][]float64{{2}, {-1}}, [][]float64{{1}, {0}}, 32, []float64{24, 0}},
		{"sigmoid-2-1-zero-weights", "2-1", nn.Quadratic, []float64{0, 0, 0}, [][]float64{{1, 2}}, [][]float64{{1}}, 0.25, []float64{-0.25, -0.5, -0.25}},
		{"tanh-identity-1-1-1", "1-1-1:tanh,identity", nn.Quadratic, []float64{1, 0, 1, 0}, [][]float64{{0.5}}, [][]float64{{0}}, y * y, []float64{g * 0.5, g, 2 * y * y, 2 * y}},
		{"xent-identity-2-2-two-pairs", "2-2:identity", nn.CrossEntropy, []float64{1, 0, 0, 1, 0, 0},
			[][]float64{{0, l3}, {l3, 0}}, [][]float64{{1, 0}, {1, 1}}, 3*math.Log(4) - l3,
			[]float64{l3 / 2, -0.75 * l3, -l3 / 2, 0.75 * l3, -0.25, 0.25}},
		{"xent-sigmoid-1-2-zero-weights", "1-2", nn.CrossEntropy, []float64{0, 0, 0, 0}, [][]float64{{1}}, [][]float64{{1, 0}},
			math.Log(2), []float64{-0.125, 0.125, -0.125, 0.125}},
		// A 1×3×3 image x = [1 2 0; 0 1 3; 2 1 1], kernel [1 −1; 2 0], bias 0.5: ŷ = [−0.5 4.5;
		// 3.5 0.5]; max pooling picks 4.5 at (1, 2); z = 2·4.5 − 1 = 8 against z̄ = 7: K = 1,
		// ∂K/∂z = 2, ∂W = 2·4.5 = 9, ∂b = 2; the pooled pixel's δ = 2·2 = 4 goes to (1, 2) only:
		// ∂c = 4 and ∂kernel = 4·[2 0; 1 3], the window under that pixel.
		{"conv-maxpool-1x3x3", "1x3x3-conv1@2x2-maxpool2-1:identity", nn.Quadratic, []float64{1, -1, 2, 0, 0.5, 2, -1},
			[][]float64{{1, 2, 0, 0, 1, 3, 2, 1, 1}}, [][]float64{{7}}, 1, []float64{8, 0, 4, 12, 4, 9, 2}},
		// Average pooling instead: (−0.5 + 4.5 + 3.5 + 0.5)/4 = 2, z = 2·2 − 1 = 3 against 7: K = 16,
		// ∂K/∂z = −8, ∂W = −16, ∂b = −8, every conv pixel gets δ = −8·2/4 = −4: ∂c = −16 and
		// ∂kernel[i,j] = −4·Σ of the four windows' entries at (i,j) = −4·[4 6; 4 6].
		{"conv-avgpool-1x3x3", "1x3x3-conv1@2x2-avgpool2-1:identity", nn.Quadratic, []float64{1, -1, 2, 0, 0.5, 2, -1},
			[][]float64{{1, 2, 0, 0, 1, 3, 2, 1, 1}}, [][]float64{{7}}, 16, []float64{-16, -24, -16, -24, -16, -16, -8}},
	}
}

// Known checks K and ∇K on tiny networks worked out by hand: to KnownTolerance for an exact
// engine, to Tolerance for an approximate one.
func Known(t *testing.T, newEngine NewFunc, opts Options) {
	for _, c := range knownCases() {
		if opts.DenseOnly && strings.Contains(c.arch, "conv") {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			net := nn.MustParse(c.arch).WithCost(c.cost)
			b, err := nn.NewBatch(c.x, c.z)
			require.NoError(t, err)
			e, err := newEngine(net)
			require.NoError(t, err)
			g, k, err := e.Gradient(nil, c.A, b)
			require.NoError(t, err)
			assert.InDelta(t, c.wantK, k, 1e-12*max(1, math.Abs(c.wantK)), "K")
			require.Len(t, g, len(c.want))
			for i := range c.want {
				assert.LessOrEqual(t, gradients.RelErr(c.want[i], g[i]), opts.knownTol(), "%s: want %v, got %v", net.ParamName(i), c.want[i], g[i])
			}
		})
	}
}

// CentralReference returns ∇K by central differences over the reference cost, using gonum's
// fd.Gradient: the independent yardstick of this kit.
func CentralReference(net *nn.Network, A []float64, b nn.Batch) []float64 {
	ev := nn.NewEvaluator(net)
	return fd.Gradient(nil, func(a []float64) float64 { return ev.Cost(a, b) }, A, &fd.Settings{Formula: fd.Central})
}

// Case is a random network, parameters and batch drawn by RandomCase.
type Case struct {
	Net *nn.Network
	A   []float64
	B   nn.Batch
}

// RandomCase draws a seeded random case; for ReLU networks it redraws until every
// pre-activation is at least 1e-3 away from the kink at 0, so that differences are valid.
func RandomCase(arch string, batch int, seed uint64) Case {
	net := nn.MustParse(arch)
	for s := seed; ; s += 1000 {
		A := net.Init(nil, s)
		b := net.RandomBatch(batch, s)
		if KinkDistance(net, A, b) > 1e-3 {
			return Case{net, A, b}
		}
	}
}

// KinkDistance returns how far the network is on the batch from its nearest non-smooth point
// (the smallest |pre-activation| of its ReLU layers; +Inf for a smooth network), as
// nn.Evaluator.Nearest measures it.
func KinkDistance(net *nn.Network, A []float64, b nn.Batch) float64 {
	ev := nn.NewEvaluator(net)
	ev.Forward(A, b.X)
	return ev.Nearest().Distance
}

// Architectures are the random networks of the central-difference check: depths 1 to 4,
// several widths, every activation.
var Architectures = []string{
	"3-2:identity", "4-3", "2-5:tanh", "3-4:relu",
	"3-5-2", "4-6-3:tanh,sigmoid", "5-4-3:relu,identity", "2-8-1:sigmoid,tanh",
	"3-5-4-2", "4-6-6-3:tanh,relu,sigmoid", "6-3-5-2:relu,tanh,identity",
	"5-7-6-4-3:tanh,relu,sigmoid,identity", "3-4-4-4-2:sigmoid,sigmoid,tanh,relu",
	"16-12-10",
}

// CNNArchitectures are the convolutional networks of the central-difference check: stride,
// padding, both poolings (overlapping windows too), several channels and conv layers, every
// activation.
var CNNArchitectures = []string{
	"1x6x6-conv2@3x3-maxpool2-3:relu,sigmoid",
	"2x7x7-conv3@3x3/s2+p1-4:tanh,sigmoid",
	"2x8x8-conv3@3x3-conv2@2x2-avgpool2/s1-3:tanh,sigmoid,tanh",
	"3x5x5-conv2@2x2+p1-maxpool3/s2-avgpool2-2:sigmoid,identity",
	"1x9x9-conv2@4x4/s1+p2-maxpool2/s3-conv1@2x2-2:relu,tanh,relu",
}

// Central checks the engine against central differences on every architecture of
// Architectures with several batch sizes and seeds.
func Central(t *testing.T, newEngine NewFunc, opts Options) {
	batches, seeds := []int{1, 7, 64}, []uint64{1, 2, 3}
	if opts.Short || testing.Short() {
		batches, seeds = []int{1, 7}, []uint64{1}
	}
	for _, cost := range nn.CostKinds() {
		for _, arch := range Architectures {
			for _, bs := range batches {
				for _, seed := range seeds {
					centralCase(t, newEngine, opts, cost, arch, bs, seed)
				}
			}
		}
	}
	if opts.DenseOnly {
		return
	}
	// The convolutional networks: slower references, so fewer cases.
	for _, cost := range nn.CostKinds() {
		for _, arch := range CNNArchitectures {
			for _, bs := range batches[:min(2, len(batches))] {
				centralCase(t, newEngine, opts, cost, arch, bs, seeds[0])
			}
		}
	}
}

// centralCase is one case of Central: a random network with the cost kind, held against
// central differences of the reference cost.
func centralCase(t *testing.T, newEngine NewFunc, opts Options, cost nn.CostKind, arch string, bs int, seed uint64) {
	c := RandomCase(arch, bs, seed)
	c.Net = c.Net.WithCost(cost)
	if cost == nn.CrossEntropy {
		// Cross-entropy targets are distributions: each row of Z is scaled to sum to one, which
		// keeps K near N·log(outputs) like the quadratic K. Targets of other sums are in Known.
		Z := mat.DenseCopyOf(c.B.Z)
		for i := range Z.RawMatrix().Rows {
			row := Z.RawRowView(i)
			floats.Scale(1/floats.Sum(row), row)
		}
		c.B = nn.Batch{X: c.B.X, Z: Z}
	}
	if opts.MaxParams > 0 && c.Net.NumParams() > opts.MaxParams {
		return
	}
	t.Run(fmt.Sprintf("cost=%s/net=%s/batch=%d/seed=%d", cost, arch, bs, seed), func(t *testing.T) {
		e, err := newEngine(c.Net)
		require.NoError(t, err)
		g, k, err := e.Gradient(nil, c.A, c.B)
		require.NoError(t, err)
		wantK, err := c.Net.Cost(c.A, c.B)
		require.NoError(t, err)
		assert.LessOrEqual(t, gradients.RelErr(wantK, k), 1e-12, "K: want %v, got %v", wantK, k)
		ref := CentralReference(c.Net, c.A, c.B)
		// The reference's own rounding error grows with K: the two evaluations of K it
		// differences are each off by a few ε·|K| over a batch sum of hundreds of terms,
		// divided by gonum's central step h. 32ε|K|/h bounds it with room (2e-7 was observed
		// at K = 750); real faults are 1e-3 and up.
		tol := max(opts.tol(), 1e-7) + 32*0x1p-52*math.Abs(wantK)/fd.Central.Step
		for i := range ref {
			if re := gradients.RelErr(ref[i], g[i]); re > tol {
				t.Errorf("%s: central %v, engine %v (rel err %.2g > %.2g)", c.Net.ParamName(i), ref[i], g[i], re, tol)
			}
		}
	})
}

// Unchanged checks that Gradient leaves A, X and Z as they were.
func Unchanged(t *testing.T, newEngine NewFunc) {
	c := RandomCase("4-6-3:tanh,sigmoid", 5, 7)
	A := slices.Clone(c.A)
	X, Z := mat.DenseCopyOf(c.B.X), mat.DenseCopyOf(c.B.Z)
	e, err := newEngine(c.Net)
	require.NoError(t, err)
	_, _, err = e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	assert.Equal(t, A, c.A, "A modified")
	assert.True(t, mat.Equal(X, c.B.X), "X modified")
	assert.True(t, mat.Equal(Z, c.B.Z), "Z modified")
	assert.Equal(t, "4-6-3:tanh,sigmoid", c.Net.String(), "network modified")
}

// Dst checks that a nil dst is allocated, a given dst is filled and returned, stale contents
// of dst do not leak into the result, and a dst of the wrong length panics.
func Dst(t *testing.T, newEngine NewFunc) {
	c := RandomCase("3-4-2", 3, 11)
	e, err := newEngine(c.Net)
	require.NoError(t, err)
	g1, k1, err := e.Gradient(nil, c.A, c.B)
	require.NoError(t, err)
	require.Len(t, g1, c.Net.NumParams())
	dst := make([]float64, c.Net.NumParams())
	for i := range dst {
		dst[i] = 1e6
	}
	g2, k2, err := e.Gradient(dst, c.A, c.B)
	require.NoError(t, err)
	assert.Same(t, &dst[0], &g2[0], "dst not returned")
	assert.InDelta(t, k1, k2, 1e-12*max(1, math.Abs(k1)))
	for i := range g1 {
		assert.InDelta(t, g1[i], g2[i], 1e-9*max(1, math.Abs(g1[i])), c.Net.ParamName(i))
	}
	assert.Panics(t, func() { _, _, _ = e.Gradient(make([]float64, 3), c.A, c.B) }, "wrong-length dst must panic")
}

// Errors checks that bad parameters and batches are reported as errors, not panics, the same
// way by every engine: the error wraps nn's sentinel, begins with the engine's name, and the
// returned gradient is nil even when the caller passed dst.
func Errors(t *testing.T, newEngine NewFunc) {
	c := RandomCase("3-4-2", 4, 5)
	e, err := newEngine(c.Net)
	require.NoError(t, err)
	nanA := slices.Clone(c.A)
	nanA[5] = math.NaN()
	infX := mat.DenseCopyOf(c.B.X)
	infX.Set(1, 2, math.Inf(1))
	wideX := mat.NewDense(4, 5, nil)
	narrowZ := mat.NewDense(4, 1, nil)
	for _, tc := range []struct {
		name string
		A    []float64
		b    nn.Batch
		want error
	}{
		{"NaN in A", nanA, c.B, nn.ErrNonFinite},
		{"Inf in X", c.A, nn.Batch{X: infX, Z: c.B.Z}, nn.ErrNonFinite},
		{"short A", c.A[:len(c.A)-1], c.B, nn.ErrShape},
		{"wrong input width", c.A, nn.Batch{X: wideX, Z: c.B.Z}, nn.ErrShape},
		{"wrong output width", c.A, nn.Batch{X: c.B.X, Z: narrowZ}, nn.ErrShape},
		{"empty batch", c.A, nn.Batch{}, nn.ErrEmptyBatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g []float64
			require.NotPanics(t, func() {
				g, _, err = e.Gradient(make([]float64, c.Net.NumParams()), tc.A, tc.b)
			})
			assert.ErrorIs(t, err, tc.want)
			assert.Nil(t, g, "no gradient with an error")
			assert.True(t, strings.HasPrefix(err.Error(), e.Name()+": "), "error %q begins with the engine's name %q", err, e.Name())
		})
	}
}

// NoAllocs checks that Gradient allocates nothing once it has seen a batch size, for every
// cost kind, on a dense and on a convolutional network.
func NoAllocs(t *testing.T, newEngine NewFunc, opts Options) {
	archs := []string{"8-6-4:tanh,sigmoid", "2x6x6-conv3@3x3/s1+p1-maxpool2-avgpool3-2:relu,tanh"}
	if opts.DenseOnly {
		archs = archs[:1]
	}
	for _, arch := range archs {
		c := RandomCase(arch, 10, 3)
		for _, cost := range nn.CostKinds() {
			net := c.Net.WithCost(cost)
			e, err := newEngine(net)
			require.NoError(t, err)
			dst := make([]float64, net.NumParams())
			_, _, err = e.Gradient(dst, c.A, c.B) // warm-up
			require.NoError(t, err)
			allocs := testing.AllocsPerRun(5, func() {
				_, _, _ = e.Gradient(dst, c.A, c.B)
			})
			assert.Zero(t, allocs, "%s: allocations per Gradient call after warm-up, cost %s", arch, cost)
		}
	}
}
