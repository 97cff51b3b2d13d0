package lab

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/bench"
	"nabla/gradients"
	"nabla/reports"
)

// The mutation section is measured into the results, survives a JSON round trip (nabla
// report --from) and renders the detection table.
func TestReportMutationSection(t *testing.T) {
	infos, err := gradients.Infos([]string{"backprop", "numeric-central"})
	require.NoError(t, err)
	r := &reports.Results{Version: reports.FormatVersion}
	var progress bytes.Buffer
	require.NoError(t, measureMutation(r, infos, 1, &progress))
	assert.Contains(t, progress.String(), "mutation testing: full check: every engine detects every fault")

	data, err := json.Marshal(r)
	require.NoError(t, err)
	var back reports.Results
	require.NoError(t, json.Unmarshal(data, &back))

	rendered, err := reports.Render(&back, reports.Sections())
	require.NoError(t, err)
	md := string(rendered.Markdown)
	assert.Contains(t, md, "## Verification power: mutation testing")
	assert.Contains(t, md, "| missing-output-deriv")
	assert.Contains(t, md, "| numeric-central ")

	empty, err := reports.Render(&reports.Results{}, reports.Sections())
	require.NoError(t, err)
	assert.NotContains(t, string(empty.Markdown), "Verification power", "no section without its data")
}

// A small run measures what its settings ask for, and nothing else.
func TestMeasureSmall(t *testing.T) {
	infos, err := gradients.Infos([]string{"backprop", "symbolic"})
	require.NoError(t, err)
	var progress bytes.Buffer
	r, err := Measure(Settings{Engines: infos, Cases: []bench.Case{{Net: "2-3-1", Batch: 2}}, Quick: true,
		NoScaling: true, NoExtras: true, Command: "test", Progress: &progress})
	require.NoError(t, err)
	assert.Equal(t, "test", r.Command)
	assert.Len(t, r.Benchmarks, 2)
	require.Len(t, r.Agreement, 1)
	assert.True(t, r.Agreement[0].Agree)
	assert.Nil(t, r.Scaling)
	_, ok := r.Section(SectionMutation)
	assert.False(t, ok, "no extras")
	assert.Contains(t, progress.String(), "cross-check net=2-3-1/batch=2")
}

// The second-order section is measured, survives a JSON round trip and renders the Newton–CG
// table, the mutant table and the learning-curve figure.
func TestReportSecondOrderSection(t *testing.T) {
	infos, err := gradients.Infos([]string{"backprop", "autodiff-reverse", "numeric-forward"})
	require.NoError(t, err)
	r := &reports.Results{Version: reports.FormatVersion}
	var progress bytes.Buffer
	require.NoError(t, measureSecondOrder(r, infos, 1, &progress))
	assert.Contains(t, progress.String(), "second order: Newton–CG")
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var back reports.Results
	require.NoError(t, json.Unmarshal(data, &back))
	rendered, err := reports.Render(&back, reports.Sections())
	require.NoError(t, err)
	md := string(rendered.Markdown)
	assert.Contains(t, md, "## Second order: Hessian-vector products")
	assert.Contains(t, md, "Newton–CG train cost")
	assert.Contains(t, md, "missing-cross-term")
	assert.Contains(t, md, "no false alarm on the control")
	assert.NotContains(t, md, "| numeric-forward", "an engine without H·v is not in the mutant table")
	found := false
	for _, f := range rendered.Figures {
		found = found || f.File == "newton.svg"
	}
	assert.True(t, found, "newton.svg among the figures")
}
