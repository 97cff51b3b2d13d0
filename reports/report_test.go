package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/plotter"

	"nabla/train"
)

// fixture is testdata/report_results.json: the results of a real quick run (nabla report
// --quick --nets "2-3-1@4,4-8-3:tanh,sigmoid@8,64-32-10@8" --engines
// backprop,autodiff-reverse,autodiff-forward,numeric-central,symbolic --budget 20ms --no-extras), kept
// fixed so that its rendering can be compared byte for byte.
func fixture(t *testing.T) *Results {
	t.Helper()
	r, err := ReadFile(filepath.Join("testdata", "report_results.json"))
	require.NoError(t, err)
	return r
}

func TestReportGolden(t *testing.T) {
	r := fixture(t)
	out, err := Render(r, Sections())
	require.NoError(t, err)
	checkGolden(t, "report.md", out.Markdown)
	md := string(out.Markdown)
	for _, want := range []string{r.Date, r.Machine.GoVersion, "Seed 1", "(scaling-time.svg)", "(scaling-ratio.svg)", "(agreement.svg)"} {
		assert.Contains(t, md, want)
	}
	// Every engine pair of every cross-check is listed.
	for _, a := range r.Agreement {
		n := len(a.Engines)
		require.Len(t, a.Pairs, n*(n-1)/2, a.Net)
		for _, p := range a.Pairs {
			assert.Regexp(t, `\| `+regexp.QuoteMeta(p.A)+` +\| `+regexp.QuoteMeta(p.B)+` +\|`, md)
		}
	}
	// Every skipped engine is named with its reason.
	for _, b := range r.Benchmarks {
		if b.Skipped {
			assert.Contains(t, md, b.Engine+" on "+caseLabel(b.Net, b.Batch)+": "+mdEscape(b.Reason))
		}
	}
}

// svgTexts parses an SVG document as XML and returns the text of its <text> elements.
func svgTexts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var texts []string
	var in bool
	var cur strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "SVG must be well-formed XML")
		switch x := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = x.Name.Local
			}
			if x.Name.Local == "text" {
				in = true
				cur.Reset()
			}
		case xml.CharData:
			if in {
				cur.Write(x)
			}
		case xml.EndElement:
			if x.Name.Local == "text" {
				in = false
				texts = append(texts, strings.TrimSpace(cur.String()))
			}
		}
	}
	require.Equal(t, "svg", root)
	return texts
}

func TestReportFigures(t *testing.T) {
	r := fixture(t)
	out, err := Render(r, Sections())
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, f := range out.Figures {
		files[f.File] = f.SVG
	}
	var scaled []string
	for _, e := range r.engineNames() {
		for _, g := range r.Scaling.Gradient {
			if g.Engine == e && !g.Skipped {
				scaled = append(scaled, e)
				break
			}
		}
	}
	require.NotEmpty(t, scaled)
	for _, c := range []struct {
		file   string
		series []string
	}{
		{"scaling-time.svg", append(append([]string(nil), scaled...), "forward pass")},
		{"scaling-ratio.svg", scaled},
		{"agreement.svg", []string{"autodiff-reverse", "autodiff-forward", "numeric-central", "symbolic"}}, // against backprop
	} {
		t.Run(c.file, func(t *testing.T) {
			svg, ok := files[c.file]
			require.True(t, ok, "figure %s missing", c.file)
			texts := svgTexts(t, svg)
			assert.Contains(t, texts, "parameters", "x axis label")
			for _, s := range c.series {
				assert.Contains(t, texts, s, "legend entry")
			}
		})
	}
}

func TestResultsJSONRoundTrip(t *testing.T) {
	r := fixture(t)
	var b bytes.Buffer
	require.NoError(t, r.WriteJSON(&b))
	again, err := ReadJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	var b2 bytes.Buffer
	require.NoError(t, again.WriteJSON(&b2))
	assert.Equal(t, b.String(), b2.String())

	// The figures the issue asks for, for each engine and net.
	var doc struct {
		Benchmarks []map[string]any `json:"benchmarks"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	require.NotEmpty(t, doc.Benchmarks)
	for _, m := range doc.Benchmarks {
		for _, k := range []string{"engine", "net", "batch", "gradient_ns", "forward_ns", "ratio", "allocs"} {
			assert.Contains(t, m, k)
		}
	}
}

func TestReadJSONErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      "{",
		"unknown field": `{"version":1,"bogus":2}`,
		"wrong version": `{"version":99}`,
	} {
		_, err := ReadJSON(strings.NewReader(in))
		assert.Error(t, err, name)
	}
	_, err := ReadFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestWriteReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := Write(dir, fixture(t))
	require.NoError(t, err)
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
		_, err := os.Stat(p)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"REPORT.md", "results.json", "scaling-time.svg", "scaling-ratio.svg", "agreement.svg"}, names)
	again, err := ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	assert.Equal(t, fixture(t).Date, again.Date)
}

func TestSections(t *testing.T) {
	ss := Sections()
	for i := 1; i < len(ss); i++ {
		assert.LessOrEqual(t, ss[i-1].Order, ss[i].Order)
	}
	assert.Panics(t, func() { RegisterSection(Section{ID: "engines", Body: enginesBody}) }, "duplicate ID")
	assert.Panics(t, func() { RegisterSection(Section{ID: "x"}) }, "no Body")

	// A section without data is left out, with its entry in the contents.
	r := &Results{Version: FormatVersion, Date: "2026-01-01T00:00:00Z"}
	out, err := Render(r, Sections())
	require.NoError(t, err)
	assert.Contains(t, string(out.Markdown), "## Engines")
	assert.NotContains(t, string(out.Markdown), "(#scaling)")
	assert.Empty(t, out.Figures)
}

func TestLinePlotSinglePoint(t *testing.T) {
	// One network in a report gives one point per series; a log axis must still have a range.
	svg, err := LinePlot{Title: "one", LogX: true, LogY: true, Series: []Series{{Name: "a", XY: plotter.XYs{{X: 13, Y: 1e-17}}}}}.SVG()
	require.NoError(t, err)
	assert.Contains(t, svgTexts(t, svg), "a")
}

func TestLinePlotErrors(t *testing.T) {
	_, err := LinePlot{Title: "empty"}.SVG()
	assert.Error(t, err)
	_, err = LinePlot{Title: "log", LogY: true, Series: []Series{{Name: "a", XY: plotter.XYs{{X: 1, Y: 0}}}}}.SVG()
	assert.Error(t, err)
}

func TestLabSections(t *testing.T) {
	a, b := fixedRun(), fixedRun()
	b.Engine = "symbolic"
	tr := &train.Trajectories{
		Net: "2-6-2", Set: "spirals", BatchSize: 20, Eta: 2, Convention: "mean", Seed: 1,
		Engines: []string{"backprop", "symbolic"}, Exact: []bool{true, true},
		Results: []*train.Result{a, b}, MaxRelDiff: []float64{0, 0},
	}
	r := &Results{Version: FormatVersion, Date: "2026-01-01T00:00:00Z"}
	require.NoError(t, r.SetSteps(sweep()))
	require.NoError(t, r.SetTrajectories(tr))

	// Through results.json and back, as nabla report --from renders it.
	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	r, err := ReadJSON(&js)
	require.NoError(t, err)
	out, err := Render(r, Sections())
	require.NoError(t, err)
	md := string(out.Markdown)

	var steps, traj bytes.Buffer
	require.NoError(t, StepsMarkdown(&steps, sweep()))
	require.NoError(t, TrajectoryTable(&traj, tr, Markdown))
	assert.Contains(t, md, "## Finite differences: the step size")
	assert.Contains(t, md, strings.TrimSpace(steps.String()), "the sweep's own rendering")
	assert.Contains(t, md, strings.TrimSpace(traj.String()), "the trajectories' own rendering")
	assert.Contains(t, md, "\n\n![finite-difference error against the step h](steps.svg)\n", "a blank line between the body and the figure")

	require.Len(t, out.Figures, 1)
	assert.Equal(t, "steps.svg", out.Figures[0].File)
	texts := svgTexts(t, out.Figures[0].SVG)
	assert.Contains(t, texts, "central")
}

func TestProblems(t *testing.T) {
	r := fixture(t)
	assert.Empty(t, r.Problems(), "the fixture is a clean run")

	r.Benchmarks[1].Skipped, r.Benchmarks[1].Failed, r.Benchmarks[1].Reason = true, true, "error: boom"
	r.Agreement[0].Pairs[0].Agree = false
	r.Agreement[0].Agree = false
	probs := r.Problems()
	require.Len(t, probs, 2)
	assert.Equal(t, "engine "+r.Benchmarks[1].Engine+" failed on 2-3-1 ×4", probs[0])
	assert.Contains(t, probs[1], r.Agreement[0].Pairs[0].A+" and "+r.Agreement[0].Pairs[0].B+" disagree on 2-3-1")

	out, err := Render(r, Sections())
	require.NoError(t, err)
	assert.Contains(t, string(out.Markdown), "- **Problems:** engine "+r.Benchmarks[1].Engine+" failed")
	assert.Contains(t, string(out.Markdown), "<details open>", "a disagreeing network's pairs are shown open")
}

// TestAgreementPlotMarks checks the agreement plot's marks: each pair's tolerance as a dashed
// line, and an error of exactly 0 on a labelled row a decade below every other value.
func TestAgreementPlotMarks(t *testing.T) {
	r := fixture(t)
	lp, ref := AgreementPlot(r)
	require.Equal(t, "backprop", ref)
	lowest := math.Inf(1)
	for _, s := range lp.Series {
		require.NotEmpty(t, s.Limit, "%s has its tolerance line", s.Name)
		for _, pt := range append(append(plotter.XYs(nil), s.XY...), s.Limit...) {
			if pt.Y > 0 {
				lowest = min(lowest, pt.Y)
			}
		}
	}
	assert.Less(t, lp.ZeroAt, lowest/9, "the row of zeros lies below every other value")
	assert.NotContains(t, svgTexts(t, mustSVG(t, lp)), zeroLabel, "no zeros, no row")

	// An exact agreement (0) is drawn on the labelled row, not left out or faked as 1e-17.
	for i := range r.Agreement {
		for j := range r.Agreement[i].Pairs {
			if p := &r.Agreement[i].Pairs[j]; (p.A == "symbolic" || p.B == "symbolic") && (p.A == ref || p.B == ref) {
				p.MaxRelErr = 0
			}
		}
	}
	lp, _ = AgreementPlot(r)
	i := slices.IndexFunc(lp.Series, func(s Series) bool { return s.Name == "symbolic" })
	require.GreaterOrEqual(t, i, 0)
	assert.Zero(t, lp.Series[i].XY[0].Y)
	texts := svgTexts(t, mustSVG(t, lp))
	assert.Contains(t, texts, zeroLabel)
	assert.Contains(t, texts, "dotted: exact 0 (no error)")
	assert.Contains(t, texts, "dashed: the pair's tolerance")
}

func mustSVG(t *testing.T, lp LinePlot) []byte {
	t.Helper()
	svg, err := lp.SVG()
	require.NoError(t, err)
	return svg
}
