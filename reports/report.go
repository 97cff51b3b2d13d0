package reports

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"nabla/internal/units"
)

// A Section is one part of REPORT.md: a heading, a Markdown body and the SVG figures the body
// shows. The report is its sections in Order; a section whose Has is false for the results (its
// data was not measured) is left out. Other parts of the lab add theirs with RegisterSection,
// keeping their data in Results.Sections under the section's ID.
type Section struct {
	ID    string // short name: the anchor of the heading and the key in Results.Sections
	Title string
	Order int // position in the report: the built-in sections use 10, 20, …
	// Has reports whether the results hold the section's data. Nil means always.
	Has func(r *Results) bool
	// Body writes the section's Markdown, without the heading.
	Body func(w io.Writer, r *Results) error
	// Figures returns the section's plots; the report links each below the body. Nil means none.
	Figures func(r *Results) ([]Figure, error)
}

// Figure is one SVG file of a section.
type Figure struct {
	File  string // file name in the report directory, e.g. "scaling-time.svg"
	Title string // alt text of the link
	// Caption is the line under the figure in REPORT.md: what to read in it; "" uses Title.
	Caption string
	SVG     []byte
}

var (
	sectionsMu sync.Mutex
	registered []Section
)

// RegisterSection adds a section to every report; packages call it from init. It panics on a
// section without ID or Body, or an ID used twice (programmer errors).
func RegisterSection(s Section) {
	if s.ID == "" || s.Body == nil {
		panic("reports: RegisterSection needs an ID and a Body")
	}
	sectionsMu.Lock()
	defer sectionsMu.Unlock()
	for _, o := range append(append(builtinSections(), labSections()...), registered...) {
		if o.ID == s.ID {
			panic("reports: section " + s.ID + " registered twice")
		}
	}
	registered = append(registered, s)
}

// Sections returns the report's sections in order: the built-in ones and the registered ones.
func Sections() []Section {
	sectionsMu.Lock()
	ss := append(append(builtinSections(), labSections()...), registered...)
	sectionsMu.Unlock()
	slices.SortStableFunc(ss, func(a, b Section) int { return a.Order - b.Order })
	return ss
}

func builtinSections() []Section {
	return []Section{
		{ID: "engines", Title: "Engines", Order: 10, Body: enginesBody},
		summarySection(),
		{ID: "headline", Title: "Gradient time and its ratio to the forward pass", Order: 20,
			Has: func(r *Results) bool { return len(r.Benchmarks) > 0 }, Body: headlineBody},
		{ID: "scaling", Title: "Scaling with the parameter count", Order: 30,
			Has:  func(r *Results) bool { return r.Scaling != nil && len(r.Scaling.Gradient) > 0 },
			Body: scalingBody, Figures: scalingFigures},
		agreementSection(),
		{ID: "timings", Title: "Timings in detail", Order: 50,
			Has: func(r *Results) bool { return len(r.Benchmarks) > 0 }, Body: timingsBody},
	}
}

// engineNames lists the engines of the results in their order.
func (r *Results) engineNames() []string {
	names := make([]string, len(r.Engines))
	for i, e := range r.Engines {
		names[i] = e.Name
	}
	return names
}

func enginesBody(w io.Writer, r *Results) error {
	var rows [][]string
	for _, e := range r.Engines {
		kind := "approximate"
		if e.Exact {
			kind = "exact"
		}
		rows = append(rows, []string{e.Name, kind, strconv.FormatFloat(e.Tolerance, 'g', 3, 64), e.Description})
	}
	if len(rows) == 0 {
		_, err := io.WriteString(w, "No engine was registered.\n")
		return err
	}
	return labTable(w, Markdown, []string{"engine", "kind", "tolerance", "description"}, aligns("llrl"), rows)
}

func headlineBody(w io.Writer, r *Results) error {
	fmt.Fprintf(w, "Median time per gradient · that time divided by the reference forward pass and cost "+
		"(nn.Evaluator.Cost) on the same net and batch, ADBench's headline measure. A column is a "+
		"network and batch size (×N pairs). Engines over the budget of %s per gradient are skipped; "+
		"the reasons are under [Timings in detail](#timings).\n\n", units.FormatNs(r.BudgetNs))
	return RatioMatrix(w, Markdown, r.engineNames(), r.Benchmarks)
}

func timingsBody(w io.Writer, r *Results) error {
	io.WriteString(w, "Per engine and case: median of the timed repeats; grad/fwd in wall time and in process "+
		"CPU time (user and system, all threads), the latter less disturbed by other processes on a shared "+
		"machine; allocations and bytes per gradient after warm-up; GFLOP/s counted as backpropagation's "+
		"dense products (for finite differences, cost evaluations × the forward pass's).\n\n")
	if err := TimingTable(w, Markdown, r.Benchmarks); err != nil {
		return err
	}
	io.WriteString(w, "\nThe reference forward pass and cost, and the validation of A and the batch "+
		"(nn.Network.Check) that every engine runs before its gradient: where the two are comparable (one pair, "+
		"many parameters), every engine's grad/fwd ratio carries the validation too.\n\n")
	return ForwardTable(w, Markdown, r.Forward)
}

func scalingBody(w io.Writer, r *Results) error {
	sc := r.Scaling
	ws := make([]string, len(sc.Widths))
	for i, x := range sc.Widths {
		ws[i] = strconv.Itoa(x)
	}
	fmt.Fprintf(w, "Networks w-w-w for w = %s at batch %d. The exponent k fits time ∝ params^k by least "+
		"squares on log–log axes: about 1 for an engine whose gradient costs a fixed number of forward "+
		"passes, about 2 for finite differences (one forward pass per parameter).\n\n", strings.Join(ws, ", "), sc.Batch)
	return FitTable(w, Markdown, sc.Fits)
}

func scalingFigures(r *Results) ([]Figure, error) {
	names := r.engineNames()
	var figs []Figure
	for _, f := range []struct {
		file string
		lp   LinePlot
	}{
		{"scaling-time.svg", ScalingTimePlot(names, r.Scaling)},
		{"scaling-ratio.svg", ScalingRatioPlot(names, r.Scaling)},
	} {
		if len(f.lp.Series) == 0 {
			continue
		}
		svg, err := f.lp.SVG()
		if err != nil {
			return nil, err
		}
		figs = append(figs, Figure{File: f.file, Title: f.lp.Title, SVG: svg,
			Caption: f.lp.Title + " (log–log; one line per engine, skipped engines left out)"})
	}
	return figs, nil
}

// Rendered is a report ready to be written: the Markdown and the figures it links.
type Rendered struct {
	Markdown []byte
	Figures  []Figure
}

// Render renders the results with the given sections (Sections() for the full report).
func Render(r *Results, sections []Section) (*Rendered, error) {
	var b strings.Builder
	b.WriteString("# nabla: comparison of gradient methods\n\n")
	fmt.Fprintf(&b, "Measured %s on %s. Seed %d", r.Date, r.Machine, r.Seed)
	if r.Quick {
		b.WriteString(", quick run")
	}
	if r.Elapsed > 0 {
		fmt.Fprintf(&b, "; the run took %s", (time.Duration(r.Elapsed * 1e9)).Round(100*time.Millisecond))
	}
	b.WriteString(".\n\n")
	if r.Command != "" {
		fmt.Fprintf(&b, "Regenerate with `%s` (timings vary from run to run and machine to machine; "+
			"ratios measured in one run are the figures to compare). Re-render this report from its "+
			"data with `go run ./cmd/nabla report --from results.json --out DIR`.\n\n", r.Command)
	}
	var shown []Section
	for _, s := range sections {
		if s.Has == nil || s.Has(r) {
			shown = append(shown, s)
		}
	}
	b.WriteString("Contents:\n\n")
	for _, s := range shown {
		fmt.Fprintf(&b, "- [%s](#%s)\n", s.Title, s.ID)
	}
	out := &Rendered{}
	for _, s := range shown {
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n\n## %s\n\n", s.ID, s.Title)
		var body strings.Builder
		if err := s.Body(&body, r); err != nil {
			return nil, fmt.Errorf("reports: section %s: %w", s.ID, err)
		}
		// Whatever the body ends with, one newline closes it, so that a figure link below a
		// table is never read as a table row.
		b.WriteString(strings.TrimRight(body.String(), "\n"))
		b.WriteString("\n")
		if s.Figures == nil {
			continue
		}
		figs, err := s.Figures(r)
		if err != nil {
			return nil, fmt.Errorf("reports: section %s: %w", s.ID, err)
		}
		for _, f := range figs {
			caption := f.Caption
			if caption == "" {
				caption = f.Title
			}
			fmt.Fprintf(&b, "\n![%s](%s)\n\n*%s*\n", f.Title, f.File, mdEscape(caption))
		}
		out.Figures = append(out.Figures, figs...)
	}
	out.Markdown = []byte(b.String())
	return out, nil
}

// Write renders the results into dir (created if need be): REPORT.md, results.json and the
// SVG figures. It returns the paths it wrote.
func Write(dir string, r *Results) ([]string, error) {
	rendered, err := Render(r, Sections())
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	write := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		paths = append(paths, p)
		return nil
	}
	if err := write("REPORT.md", rendered.Markdown); err != nil {
		return paths, err
	}
	var js strings.Builder
	if err := r.WriteJSON(&js); err != nil {
		return paths, err
	}
	if err := write("results.json", []byte(js.String())); err != nil {
		return paths, err
	}
	for _, f := range rendered.Figures {
		if err := write(f.File, f.SVG); err != nil {
			return paths, err
		}
	}
	return paths, nil
}
