package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runMutateCLI runs nabla in-process and returns the exit status, stdout and stderr.
func runMutateCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMutateJSON(t *testing.T) {
	code, out, stderr := runMutateCLI("mutate", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var rep struct {
		Faults []struct {
			Name    string `json:"name"`
			Truth   string `json:"truth_block"`
			Engines []struct {
				Engine   string `json:"engine"`
				Detected bool   `json:"detected"`
				Block    string `json:"block"`
			} `json:"engines"`
		} `json:"faults"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.GreaterOrEqual(t, len(rep.Faults), 15)
	for _, f := range rep.Faults {
		seen := map[string]bool{}
		for _, e := range f.Engines {
			seen[e.Engine] = true
			assert.True(t, e.Detected, "%s escapes %s", f.Name, e.Engine)
			assert.Equal(t, f.Truth, e.Block, "%s/%s", f.Name, e.Engine)
		}
		for _, peer := range []string{"autodiff-reverse", "symbolic", "numeric-central"} {
			assert.True(t, seen[peer], "%s: no verdict of %s", f.Name, peer)
		}
	}
}

func TestMutateFormats(t *testing.T) {
	for _, tc := range []struct {
		format, want string
	}{
		{"table", "Detection rate"},
		{"markdown", "| missing-output-deriv"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			code, out, stderr := runMutateCLI("mutate", "--engines", "backprop", "--format", tc.format)
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, out, tc.want)
			assert.Contains(t, strings.Join(strings.Fields(out), " "), "none flags the control")
		})
	}
}

// A network on which some faults leave the gradient unchanged is not a failure: only
// faults that change the gradient must be detected.
func TestMutateNetWithoutSquareLayer(t *testing.T) {
	code, out, stderr := runMutateCLI("mutate", "--net", "3-5-2", "--engines", "backprop,numeric-central")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "wrong-layer-activation")
}

func TestMutateBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad format", []string{"--format", "xml"}, 2, "--format xml: want one of"},
		{"bad net", []string{"--net", "4-x-3"}, 2, "bad architecture"},
		{"zero width", []string{"--net", "4-0-3"}, 2, "bad architecture"},
		{"huge net", []string{"--net", "1000000-1000000-1"}, 2, "too large"},
		{"unknown engine", []string{"--engines", "backprop,nope"}, 2, "unknown engine"},
		{"empty batch", []string{"--batch", "0"}, 2, "--batch 0: want a whole number from 1"},
		{"no directions", []string{"--directions", "0"}, 2, "--directions 0"},
		{"extra argument", []string{"extra"}, 2, "unexpected arguments"},
		{"unknown flag", []string{"--frobnicate"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMutateCLI(append([]string{"mutate"}, tc.args...)...)
			assert.Equal(t, tc.code, code)
			if tc.msg != "" {
				assert.Contains(t, stderr, tc.msg)
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
				assert.True(t, strings.HasPrefix(stderr, "nabla mutate: "), stderr)
			}
		})
	}
}
