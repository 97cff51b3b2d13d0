package mutants_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/gradients/gradtest"
	"nabla/mutants"
	"nabla/nn"
)

// The clean second-order mutant is a correct H·v: it passes the conformance kit (except the
// allocation check: it is written for clarity).
func TestSecondControlConformance(t *testing.T) {
	gradtest.RunHv(t, func(net *nn.Network) (gradients.Engine, error) {
		h, err := mutants.NewHv(net, mutants.SecondControl)
		if err != nil {
			return nil, err
		}
		g, _ := mutants.New(net, mutants.Control)
		return hvAndGrad{h, g}, nil
	}, gradtest.HvOptions{AllowAllocs: true})
}

// hvAndGrad pairs the second-order mutant with the clean gradient mutant, for the kit.
type hvAndGrad struct {
	*mutants.HvEngine
	g *mutants.Engine
}

func (e hvAndGrad) Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error) {
	return e.g.Gradient(dst, A, b)
}

func TestSecondOrderMutantsDetected(t *testing.T) {
	for _, cost := range nn.CostKinds() {
		t.Run("cost="+cost.String(), func(t *testing.T) {
			rep, err := mutants.RunSecond(mutants.SecondConfig{Cost: cost})
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(rep.Engines), 4, "engines with H·v: %v", rep.Engines)
			assert.False(t, rep.Control.Changes)
			require.Len(t, rep.Faults, len(mutants.SecondCatalogue()))
			for _, o := range rep.Faults {
				assert.True(t, o.Changes, "%s does not change H·v on %s", o.Name, rep.Net)
			}
			assert.Empty(t, rep.Undetected())
			var b bytes.Buffer
			require.NoError(t, rep.Table(&b, false))
			assert.Contains(t, b.String(), "no false alarm on the control")
		})
	}
}
