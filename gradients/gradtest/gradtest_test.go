package gradtest_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "nabla/backprop"
	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/nn"
)

// nudged is backprop with its last gradient entry moved by off: a nearly right engine.
type nudged struct {
	gradients.Engine
	off float64
}

func (n nudged) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	g, k, err := n.Engine.Gradient(dst, A, b)
	if err == nil {
		g[len(g)-1] += n.off
	}
	return g, k, err
}

func newNudged(off float64) gradtest.NewFunc {
	return func(net *nn.Network) (gradients.Engine, error) {
		e, err := gradients.New("backprop", net)
		return nudged{e, off}, err
	}
}

// kitCases run the kit's hand-worked values on engines that should pass and fail it; each
// runs in a child process (the kit fails its *testing.T, which a test cannot take back).
var kitCases = map[string]struct {
	newEngine gradtest.NewFunc
	opts      gradtest.Options
	pass      bool
}{
	"exact":                   {newNudged(0), gradtest.Options{}, true},
	"exact-off-by-1e-8":       {newNudged(1e-8), gradtest.Options{}, false},
	"exact-off-by-1e-11":      {newNudged(1e-11), gradtest.Options{}, false},
	"approximate-off-by-1e-8": {newNudged(1e-8), gradtest.Options{Approximate: true}, true},
	"approximate-off-by-1e-6": {newNudged(1e-6), gradtest.Options{Approximate: true}, false},
}

// kitCaseEnv names the case a child process runs.
const kitCaseEnv = "GRADTEST_KIT_CASE"

// TestKnownHoldsExactEnginesTo1e12 shows that the hand-worked values can fail: an exact engine
// off by 1e-8 (or 1e-11) on one entry fails them, and an approximate one only beyond its
// tolerance.
func TestKnownHoldsExactEnginesTo1e12(t *testing.T) {
	if name := os.Getenv(kitCaseEnv); name != "" {
		c := kitCases[name]
		gradtest.Known(t, c.newEngine, c.opts)
		return
	}
	for name, c := range kitCases {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestKnownHoldsExactEnginesTo1e12$")
			cmd.Env = append(os.Environ(), kitCaseEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if c.pass {
				require.NoError(t, err, "the kit fails %s:\n%s", name, out)
				return
			}
			require.Error(t, err, "the kit passes %s", name)
			assert.Contains(t, string(out), "want ", "it names the wrong entry")
		})
	}
}

// The whole kit on a real exact engine.
func TestKitOnBackprop(t *testing.T) {
	gradtest.Run(t, newNudged(0), gradtest.Options{AllowAllocs: true, Short: true})
}
