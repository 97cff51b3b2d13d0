package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/mutants"
)

const verifyNet = "4-6-6-3:tanh,sigmoid,sigmoid"

// verifyFiles writes seeded parameters and a batch for verifyNet.
func verifyFiles(t *testing.T) (pPath, bPath string) {
	t.Helper()
	params := `{"A": [` + numbers(93, 0.37) + `]}`
	var x, z string
	for i := range 5 {
		if i > 0 {
			x, z = x+",", z+","
		}
		x += "[" + numbers(4, 0.11*float64(i+1)) + "]"
		z += "[" + numbers(3, 0.05*float64(i+1)) + "]"
	}
	return writeFiles(t, params, `{"X": [`+x+`], "Z": [`+z+`]}`)
}

// numbers is n numbers in (−1, 1), deterministic in n and s.
func numbers(n int, s float64) string {
	out := ""
	v := s
	for i := range n {
		if i > 0 {
			out += ","
		}
		v = v*3.9*(1-v) + 0.01 // a logistic-map walk, away from 0 and 1
		v -= float64(int(v))
		b, _ := json.Marshal(2*v - 1)
		out += string(b)
	}
	return out
}

func TestVerifyRoundTrip(t *testing.T) {
	pPath, bPath := verifyFiles(t)
	dir := filepath.Dir(pPath)
	grad := func(engine string) string {
		code, out, stderr := runSymbolicCLI("grad", "--net", verifyNet, "--params", pPath, "--batch", bPath, "--engine", engine)
		require.Equal(t, 0, code, stderr)
		p := filepath.Join(dir, engine+".json")
		require.NoError(t, os.WriteFile(p, []byte(out), 0o644))
		return p
	}
	// Another engine's gradient, whole and as PyTorch-style blocks alone.
	g := grad("autodiff-reverse")
	code, out, stderr := runSymbolicCLI("verify", "--net", verifyNet, "--params", pPath, "--batch", bPath, "--grad", g)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "agree among themselves")
	assert.Contains(t, out, "matches them: ok")
	var full map[string]any
	data, err := os.ReadFile(g)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &full))
	blocks, err := json.Marshal(map[string]any{"blocks": full["blocks"]})
	require.NoError(t, err)
	bp := filepath.Join(dir, "blocks.json")
	require.NoError(t, os.WriteFile(bp, blocks, 0o644))
	code, _, stderr = runSymbolicCLI("verify", "--net", verifyNet, "--params", pPath, "--batch", bPath, "--grad", bp)
	require.Equal(t, 0, code, stderr)

	// Each catalogued mutant's gradient, exported as JSON by nabla grad, is named.
	for _, f := range mutants.Catalogue() {
		m := grad("mutant:" + f.Name)
		code, out, stderr := runSymbolicCLI("verify", "--net", verifyNet, "--params", pPath, "--batch", bPath, "--grad", m, "--engines", "backprop,autodiff-reverse", "--format", "json")
		assert.Equal(t, 1, code, "%s: %s", f.Name, stderr)
		var rep struct {
			Faults []struct {
				Fault string `json:"fault"`
			} `json:"faults"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		var names []string
		for _, d := range rep.Faults {
			names = append(names, d.Fault)
		}
		assert.Contains(t, names, f.Name)
	}

	// A mutant's gradient is named.
	m := grad("mutant:dw-transposed")
	code, out, stderr = runSymbolicCLI("verify", "--net", verifyNet, "--params", pPath, "--batch", bPath, "--grad", m, "--format", "json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "it is the fault dw-transposed")
	var rep struct {
		OK     bool `json:"ok"`
		Faults []struct {
			Fault string `json:"fault"`
		} `json:"faults"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.False(t, rep.OK)
	require.NotEmpty(t, rep.Faults)
	assert.Equal(t, "dw-transposed", rep.Faults[0].Fault)
}

func TestVerifyErrors(t *testing.T) {
	pPath, bPath := verifyFiles(t)
	dir := filepath.Dir(pPath)
	n := 0
	bad := func(content string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("bad%d.json", n))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--params", pPath, "--batch", bPath}, 2, "--grad is required"},
		{[]string{"--params", pPath, "--batch", bPath, "--grad", bad(`{"grad": [1, 2]}`)}, 2, "grad has 2 numbers"},
		{[]string{"--params", pPath, "--batch", bPath, "--grad", bad(`{"blocks": {"W9": []}}`)}, 2, `block "W9" is not a block`},
		{[]string{"--params", pPath, "--batch", bPath, "--grad", bad(`{}`)}, 2, `neither "grad" nor "blocks"`},
		{[]string{"--params", pPath, "--batch", bPath, "--grad", bad(`{"grad": []}`), "--tol", "0"}, 2, "--tol 0"},
	} {
		code, _, stderr := runSymbolicCLI(append([]string{"verify", "--net", verifyNet}, tc.args...)...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want)
	}
}
