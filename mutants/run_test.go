package mutants_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "nabla/autodiff"
	_ "nabla/backprop"
	"nabla/gradients"
	"nabla/mutants"
	"nabla/nn"
	_ "nabla/numeric"
	_ "nabla/symbolic"
)

// peers are the engines the issue requires to catch every fault of backprop's catalogue.
var peers = []string{"autodiff-reverse", "symbolic", "numeric-central"}

func TestRunDetectsEveryFaultOnDefaultNet(t *testing.T) {
	for _, cost := range nn.CostKinds() {
		t.Run(cost.String(), func(t *testing.T) { detectsEveryFault(t, cost) })
	}
}

func detectsEveryFault(t *testing.T, cost nn.CostKind) {
	rep, err := mutants.Run(mutants.Config{Cost: cost})
	require.NoError(t, err)
	assert.Equal(t, cost, rep.Cost)
	require.Len(t, rep.Faults, len(mutants.Catalogue()))
	names := map[string]bool{}
	for _, e := range rep.Engines {
		names[e.Name] = true
	}
	for _, p := range peers {
		require.True(t, names[p], "engine %s did not run", p)
	}
	for ei, e := range rep.Engines {
		c := rep.Control.Detections[ei]
		assert.False(t, c.Detected, "%s flags the control: %+v", e.Name, c)
		assert.False(t, c.Directional, "%s flags the control in the directional check: %+v", e.Name, c)
	}
	assert.False(t, rep.Control.Central, "central differences flag the control")
	for _, o := range rep.Faults {
		require.NotEmpty(t, o.Truth, "fault %s does not change the gradient on %s", o.Name, rep.Net)
		for ei, e := range rep.Engines {
			d := o.Detections[ei]
			assert.True(t, d.Detected, "%s misses %s", e.Name, o.Name)
			assert.Equal(t, o.Truth, d.Block, "%s on %s names the wrong block", e.Name, o.Name)
			assert.True(t, d.Directional, "%s's directional check misses %s", e.Name, o.Name)
		}
		assert.True(t, o.Central, "central differences along v miss %s", o.Name)
	}
	assert.Empty(t, rep.Undetected(false))
	for _, r := range rep.Rates() {
		assert.Equal(t, r.Faults, r.Full, r.Engine)
		assert.False(t, r.FalseAlarm, r.Engine)
	}
}

// On other networks a fault may leave the gradient unchanged (a batch of one hides the batch
// faults, an all-sigmoid net hides wrong-layer-activation); every engine must then detect
// exactly the faults that change the gradient, and never the others.
func TestRunDetectsExactlyTheChangingFaults(t *testing.T) {
	for _, tc := range []struct {
		net       string
		batch     int
		unchanged []string
	}{
		{"3-5-2", 4, []string{"wrong-layer-activation"}},
		{"2-3:identity", 1, []string{"missing-output-deriv", "missing-hidden-deriv", "deriv-at-activation", "deriv-twice", "deriv-typo", "wrong-layer-activation", "w-not-transposed", "bias-not-summed", "notes-rule", "preactivation-input", "mean-not-sum"}},
		{"5-4-4-3:sigmoid,tanh,identity", 16, []string{"missing-output-deriv", "deriv-twice"}},
		{"3-4-4-4-2:relu,relu,tanh,sigmoid", 5, nil},
		{"4-6-6-3:tanh,relu,sigmoid", 8, nil},
	} {
		t.Run(tc.net, func(t *testing.T) {
			rep, err := mutants.Run(mutants.Config{Net: tc.net, Batch: tc.batch, Seed: 7})
			require.NoError(t, err)
			for ei, e := range rep.Engines {
				c := rep.Control.Detections[ei]
				assert.False(t, c.Detected || c.Directional, "%s flags the control: %+v", e.Name, c)
			}
			var unchanged []string
			for _, o := range rep.Faults {
				if o.Truth == "" {
					unchanged = append(unchanged, o.Name)
				}
				for ei, e := range rep.Engines {
					d := o.Detections[ei]
					assert.Equal(t, o.Truth != "", d.Detected, "%s on %s", e.Name, o.Name)
					if d.NonDifferentiable == 0 {
						assert.Equal(t, o.Truth, d.Block, "%s on %s", e.Name, o.Name)
					}
				}
			}
			assert.Equal(t, tc.unchanged, unchanged)
		})
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  mutants.Config
		want error
	}{
		{"bad net", mutants.Config{Net: "4-0-3"}, nil},
		{"unknown engine", mutants.Config{Engines: []string{"no-such-engine"}}, gradients.ErrUnknownEngine},
		{"negative batch", mutants.Config{Batch: -1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mutants.Run(tc.cfg)
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
		})
	}
}

func TestJSONListsEveryFault(t *testing.T) {
	rep, err := mutants.Run(mutants.Config{Engines: peers})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, rep.JSON(&buf))
	var got struct {
		Faults []struct {
			Name    string `json:"name"`
			Engines []struct {
				Engine   string `json:"engine"`
				Detected bool   `json:"detected"`
				Block    string `json:"block"`
			} `json:"engines"`
		} `json:"faults"`
		Rates []mutants.Rate `json:"rates"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	require.Len(t, got.Faults, len(mutants.Catalogue()))
	for _, f := range got.Faults {
		require.Len(t, f.Engines, len(peers))
		for _, e := range f.Engines {
			assert.True(t, e.Detected, "%s/%s", f.Name, e.Engine)
			assert.NotEmpty(t, e.Block, "%s/%s", f.Name, e.Engine)
		}
	}
	assert.Len(t, got.Rates, len(peers)+1)
}
