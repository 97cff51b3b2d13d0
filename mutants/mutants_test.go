package mutants_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/mutants"
	"nabla/nn"
)

// The control variant is a correct engine: it passes the whole conformance kit, so that
// every detection below is the fault's doing and not the catalogue's.
func TestControlConforms(t *testing.T) {
	gradtest.Run(t, func(net *nn.Network) (gradients.Engine, error) { return mutants.New(net, mutants.Control) }, gradtest.Options{})
}

func TestCatalogue(t *testing.T) {
	faults := mutants.Catalogue()
	require.GreaterOrEqual(t, len(faults), 15)
	seen := map[string]bool{}
	for _, f := range faults {
		assert.False(t, seen[f.Name], "duplicate %s", f.Name)
		seen[f.Name] = true
		assert.NotEmpty(t, f.Mistake)
		got, err := mutants.Lookup(f.Name)
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	_, err := mutants.Lookup("no-such-fault")
	assert.ErrorIs(t, err, mutants.ErrUnknownFault)
	c, err := mutants.Lookup("none")
	require.NoError(t, err)
	assert.Equal(t, mutants.Control, c)
}

// Every fault changes the gradient on the default network, and each one is wrong against
// central differences of the reference cost (the kit's independent yardstick).
func TestEveryFaultIsWrongOnDefaultNet(t *testing.T) {
	c := gradtest.RandomCase(mutants.DefaultNet, mutants.DefaultBatch, 1)
	ref := gradtest.CentralReference(c.Net, c.A, c.B)
	for _, f := range mutants.Catalogue() {
		t.Run(f.Name, func(t *testing.T) {
			e, err := mutants.New(c.Net, f)
			require.NoError(t, err)
			g, _, err := e.Gradient(nil, c.A, c.B)
			require.NoError(t, err)
			g, _, err = e.Gradient(g, c.A, c.B) // reused dst, as in training
			require.NoError(t, err)
			worst := 0.0
			for i := range g {
				worst = max(worst, gradients.RelErr(ref[i], g[i]))
			}
			assert.Greater(t, worst, 1e-4, "fault %s leaves the gradient right", f.Name)
		})
	}
}

// Every CNN fault changes the gradient on the default CNN, and each one is wrong against
// central differences of the reference cost.
func TestEveryCNNFaultIsWrongOnDefaultCNN(t *testing.T) {
	c := gradtest.RandomCase(mutants.DefaultCNN, mutants.DefaultBatch, 1)
	ref := gradtest.CentralReference(c.Net, c.A, c.B)
	require.GreaterOrEqual(t, len(mutants.CNNCatalogue()), 6)
	for _, f := range mutants.CNNCatalogue() {
		t.Run(f.Name, func(t *testing.T) {
			e, err := mutants.New(c.Net, f)
			require.NoError(t, err)
			g, _, err := e.Gradient(nil, c.A, c.B)
			require.NoError(t, err)
			worst := 0.0
			for i := range g {
				worst = max(worst, gradients.RelErr(ref[i], g[i]))
			}
			assert.Greater(t, worst, 1e-4, "fault %s leaves the gradient right", f.Name)
			got, err := mutants.Lookup(f.Name)
			require.NoError(t, err)
			assert.Equal(t, f.Name, got.Name)
		})
	}
}

// On the default CNN every registered engine detects every CNN fault, and none raises an
// alarm on the clean control.
func TestCNNFaultsDetectedByEveryEngine(t *testing.T) {
	rep, err := mutants.Run(mutants.Config{Net: mutants.DefaultCNN, Faults: append([]mutants.Fault{mutants.Control}, mutants.CNNCatalogue()...)})
	require.NoError(t, err)
	require.Len(t, rep.Faults, 1+len(mutants.CNNCatalogue()))
	for _, o := range rep.Faults {
		require.GreaterOrEqual(t, len(o.Detections), 10, "every registered engine, numeric ones included")
		for _, d := range o.Detections {
			if o.Fault.Name == mutants.Control.Name {
				assert.False(t, d.Detected, "false alarm: %s on the control", d.Engine)
				continue
			}
			assert.True(t, d.Detected, "%s not detected by %s", o.Fault.Name, d.Engine)
		}
	}
}
