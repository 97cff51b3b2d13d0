package reports

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/results"
)

// StepsTable writes a step-size sweep (bench.Steps) as terminal tables: the guidance per
// method and precision (the textbook and the scale-aware theoretical optimal step, the
// measured one, best error, where signs start to flip, recommended step), the relative error at the chosen parameter for each decade of
// h, and the spread of the errors over the sample for forward and central differences.
func StepsTable(w io.Writer, s *results.StepSweep) error { return WriteSteps(w, s, Terminal) }

// StepsMarkdown writes the same tables as StepsTable in Markdown.
func StepsMarkdown(w io.Writer, s *results.StepSweep) error { return WriteSteps(w, s, Markdown) }

// WriteSteps writes the sweep in the format f: the tables of StepsTable, or as CSV the
// relative error by step h alone. A terminal table leaves out columns (float32 first) to fit
// f's width.
func WriteSteps(w io.Writer, s *results.StepSweep, f Format) error {
	if f.Format == table.CSV {
		header, align, rows, _ := stepErrorTable(s)
		return labTable(w, f, header, align, rows)
	}
	return renderSteps(w, s, f)
}

func stepsHeading(s *results.StepSweep) string {
	return fmt.Sprintf("step-size sweep on %s (%d parameters)%s, batch %d, seed %d, K = %s: ∂K/∂%s = %s by %s (complex step agrees to %s over the sample of %d parameters)",
		s.Net, s.Params, costNote(s.Cost), s.Batch, s.Seed, fmtK(s.K), s.Param, fmtK(s.Exact), s.ExactEngine, fmtErr(s.ComplexCheck), len(s.Sample))
}

// fmtStep prints a step with two significant digits ("1e-05", "3.2e-08"); 0 prints as "—".
func fmtStep(h float64) string {
	if h == 0 {
		return "—"
	}
	return strconv.FormatFloat(h, 'g', 2, 64)
}

// isDecade reports whether h is a power of ten.
func isDecade(h float64) bool {
	e := math.Log10(h)
	return math.Abs(e-math.Round(e)) < 1e-9
}

func curveLabel(c results.StepCurve) string {
	if c.Precision == "float64" {
		return c.Method
	}
	return c.Method + " f32"
}

// stepGuideTable is the guidance per method and precision; a narrow terminal keeps the
// method, precision, measured and recommended step and the best error.
func stepGuideTable(s *results.StepSweep) (header []string, align tw.Alignment, rows [][]string, optional []int) {
	for _, c := range s.Curves {
		ratio := "—"
		if c.Ratio > 0 {
			ratio = strconv.FormatFloat(c.Ratio, 'f', 1, 64)
		}
		scaled := "—"
		if c.ScaledRatio > 0 {
			scaled = strconv.FormatFloat(c.ScaledRatio, 'f', 2, 64)
		}
		rows = append(rows, []string{c.Method, c.Precision, strconv.Itoa(c.Order), fmtStep(c.Theory), fmtStep(c.Scaled), fmtStep(c.Best),
			ratio, scaled, fmtErr(c.BestErr), fmtStep(c.Flat), fmtStep(c.FirstFlip), fmtStep(c.Recommended)})
	}
	return []string{"method", "precision", "order", "theory h", "scaled theory h", "measured h", "measured/theory", "measured/scaled", "best median err", "as good from h ≤", "first sign flip at h", "recommended h"},
		aligns("llrrrrrrrrrr"), rows, []int{7, 6, 9, 4, 2, 10, 3}
}

// stepErrorTable is the relative error at the chosen parameter per decade of h, one column
// per method and precision; a narrow terminal leaves out the float32 columns first.
func stepErrorTable(s *results.StepSweep) (header []string, align tw.Alignment, rows [][]string, optional []int) {
	header = []string{"h"}
	align = tw.Alignment{tw.AlignRight}
	for i, c := range s.Curves {
		header = append(header, curveLabel(c))
		align = append(align, tw.AlignRight)
		if c.Precision != "float64" {
			optional = append(optional, i+1)
		}
	}
	rowOf := map[float64]int{}
	for ci, c := range s.Curves {
		for _, p := range c.Points {
			if !isDecade(p.H) {
				continue
			}
			r, ok := rowOf[p.H]
			if !ok {
				r = len(rows)
				rowOf[p.H] = r
				row := make([]string, len(header))
				row[0] = fmtStep(p.H)
				rows = append(rows, row)
			}
			rows[r][ci+1] = fmtErr(p.RelErr)
		}
	}
	return header, align, thinDeepRows(rows), optional
}

// stepSpreadTable is the median and largest error over the sample, and the sign flips, of
// forward and central differences; nil when the sweep has neither.
func stepSpreadTable(s *results.StepSweep) (header []string, align tw.Alignment, rows [][]string, optional []int) {
	header = []string{"h"}
	align = tw.Alignment{tw.AlignRight}
	var picked []results.StepCurve
	for _, c := range s.Curves {
		if c.Method == "forward" || c.Method == "central" {
			picked = append(picked, c)
			header = append(header, curveLabel(c))
			align = append(align, tw.AlignRight)
			if c.Precision != "float64" {
				optional = append(optional, len(header)-1)
			}
		}
	}
	if len(picked) == 0 {
		return nil, nil, nil, nil
	}
	for i, p := range picked[0].Points {
		if !isDecade(p.H) {
			continue
		}
		row := []string{fmtStep(p.H)}
		for _, c := range picked {
			if i >= len(c.Points) || c.Points[i].H != p.H {
				row = append(row, "")
				continue
			}
			q := c.Points[i]
			row = append(row, fmt.Sprintf("%s / %s (%d)", fmtErr(q.Median), fmtErr(q.Max), q.SignFlips))
		}
		rows = append(rows, row)
	}
	return header, align, rows, optional
}

func renderSteps(w io.Writer, s *results.StepSweep, f Format) error {
	var b strings.Builder
	line := func(text string) {
		if isMarkdown(f) {
			fmt.Fprintf(&b, "%s\n", mdEscape(text))
		} else {
			fmt.Fprintf(&b, "%s\n", table.Wrap(text, f.MaxWidth()))
		}
	}
	heading := func(text string) {
		if isMarkdown(f) {
			fmt.Fprintf(&b, "**%s**\n\n", mdEscape(text))
			return
		}
		line(text)
		b.WriteString("\n")
	}
	heading(stepsHeading(s))
	header, align, rows, optional := stepGuideTable(s)
	if err := labTable(&b, f, header, align, rows, optional...); err != nil {
		return err
	}
	b.WriteString("\n")
	heading(fmt.Sprintf("relative error of ∂K/∂%s by step h", s.Param))
	header, align, rows, optional = stepErrorTable(s)
	if err := labTable(&b, f, header, align, rows, optional...); err != nil {
		return err
	}
	if header, align, rows, optional = stepSpreadTable(s); header != nil {
		b.WriteString("\n")
		heading(fmt.Sprintf("spread over the %d sampled parameters: median / max relative error (sign flips)", len(s.Sample)))
		if err := labTable(&b, f, header, align, rows, optional...); err != nil {
			return err
		}
	}
	b.WriteString("\n")
	for _, g := range StepsGuidance(s) {
		if isMarkdown(f) {
			g = "- " + g
		}
		line(g)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// StepsGuidance states, one line per method, the measured recommended step in each
// precision against the theory, the best error, and the largest step at which a sampled
// estimate has the wrong sign.
func StepsGuidance(s *results.StepSweep) []string {
	var lines []string
	for _, c := range s.Curves {
		if c.Precision != "float64" {
			continue
		}
		if c.Method == "complex" {
			lines = append(lines, fmt.Sprintf("complex: any h ≤ %s is as good (median error %s, down to h = %s): no cancellation, so h = 1e-20 is safe",
				fmtStep(c.Flat), fmtErr(c.BestErr), fmtStep(c.Points[len(c.Points)-1].H)))
			continue
		}
		parts := []string{guidance(c)}
		if f := s.Curve(c.Method, "float32"); f != nil {
			parts = append(parts, guidance(*f))
		}
		lines = append(lines, c.Method+": "+strings.Join(parts, "; "))
	}
	return lines
}

func guidance(c results.StepCurve) string {
	g := fmt.Sprintf("%s h ≈ %s", c.Precision, fmtStep(c.Recommended))
	if c.Theory > 0 {
		g += fmt.Sprintf(" (theory %s, ×%.1f", fmtStep(c.Theory), c.Ratio)
		if c.Scaled > 0 {
			g += fmt.Sprintf("; with the network's scales %s, ×%.2f", fmtStep(c.Scaled), c.ScaledRatio)
		}
		g += ")"
	}
	g += fmt.Sprintf(", median error %s", fmtErr(c.BestErr))
	if c.FirstFlip > 0 {
		g += fmt.Sprintf(", wrong signs from h = %s", fmtStep(c.FirstFlip))
	}
	return g
}

// thinDeepRows keeps, of the rows below 1e-16 (complex step only), every 20th decade, so
// that the table stays short.
func thinDeepRows(rows [][]string) [][]string {
	var out [][]string
	for _, r := range rows {
		h, err := strconv.ParseFloat(r[0], 64)
		if err != nil || h >= 1e-16 {
			out = append(out, r)
			continue
		}
		if e := -int(math.Round(math.Log10(h))); e%20 == 0 {
			out = append(out, r)
		}
	}
	return out
}

// StepsPlot writes the sweep as a log-log plot in the given format ("svg", "png", "pdf", as
// gonum/plot's WriterTo takes them): the relative error at the chosen parameter against h,
// one line per method (float32 dashed), from 1e-16 to 1e-1, with the theoretical optimal
// steps √ε and ε^(1/3) of float64 and float32 marked by dotted lines. Errors of exactly 0 are
// drawn at 1e-17.
func StepsPlot(w io.Writer, s *results.StepSweep, format string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("finite-difference error on %s, ∂K/∂%s, batch %d", s.Net, s.Param, s.Batch)
	p.X.Label.Text = "step h"
	p.Y.Label.Text = "relative error"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = decadeTicks{every: 2}, decadeTicks{every: 2}
	// The legend sits low in the middle, where the V-shaped curves leave room: right of the
	// complex step's floor, left of the truncation branches.
	p.Legend.Top, p.Legend.Left = false, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Inch*1.6, vg.Inch*0.55
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	const floor = 1e-17
	ymax := 1.0
	for _, c := range s.Curves {
		var xys plotter.XYs
		for _, q := range c.Points {
			if q.H < results.MinStep || math.IsInf(q.RelErr, 0) || math.IsNaN(q.RelErr) {
				continue
			}
			xys = append(xys, plotter.XY{X: q.H, Y: max(q.RelErr, floor)})
			ymax = max(ymax, q.RelErr)
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("reports: steps plot: %w", err)
		}
		line.LineStyle.Color = methodColor(c.Method)
		line.LineStyle.Width = vg.Points(1.2)
		if c.Precision != "float64" {
			line.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(line)
		p.Legend.Add(curveLabel(c), line)
	}
	for _, c := range s.Curves {
		if c.Theory == 0 || (c.Method != "forward" && c.Method != "central") {
			continue
		}
		mark, err := plotter.NewLine(plotter.XYs{{X: c.Theory, Y: floor}, {X: c.Theory, Y: ymax}})
		if err != nil {
			return fmt.Errorf("reports: steps plot: %w", err)
		}
		mark.LineStyle.Color = color.Gray{Y: 160}
		mark.LineStyle.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
		p.Add(mark)
	}
	p.Add(plotter.NewGrid())
	wt, err := p.WriterTo(8*vg.Inch, 6*vg.Inch, format)
	if err != nil {
		return fmt.Errorf("reports: steps plot: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("reports: steps plot: %w", err)
	}
	return nil
}

// methodColor gives each method of the sweep its colour (float32 shares it, dashed).
func methodColor(method string) color.Color {
	switch method {
	case "forward":
		return color.RGBA{R: 214, G: 39, B: 40, A: 255}
	case "backward":
		return color.RGBA{R: 44, G: 160, B: 44, A: 255}
	case "central":
		return color.RGBA{R: 31, G: 119, B: 180, A: 255}
	case "central5":
		return color.RGBA{R: 255, G: 127, B: 14, A: 255}
	case "richardson":
		return color.RGBA{R: 148, G: 103, B: 189, A: 255}
	case "complex":
		return color.Black
	}
	return color.RGBA{R: 127, G: 127, B: 127, A: 255}
}

// decadeTicks marks every decade of a log axis and labels every few, as "1e-8".
type decadeTicks struct{ every int }

// Ticks returns the decades in [lo, hi].
func (d decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		v := math.Pow(10, float64(e))
		if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
			continue
		}
		t := plot.Tick{Value: v}
		if e%d.every == 0 {
			t.Label = fmt.Sprintf("1e%d", e)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// StepsJSON writes the sweep as indented JSON with every figure; a non-finite error is
// written as the string "+Inf" or "NaN" (package internal/jsonnum). ReadSteps reads it back.
func StepsJSON(w io.Writer, s *results.StepSweep) error {
	if err := jsonnum.Encode(w, s); err != nil {
		return fmt.Errorf("reports: steps JSON: %w", err)
	}
	return nil
}

// ReadSteps reads a sweep written by StepsJSON, so that it can be rendered again.
func ReadSteps(r io.Reader) (*results.StepSweep, error) {
	var s results.StepSweep
	if err := jsonnum.Decode(r, &s, true); err != nil {
		return nil, fmt.Errorf("reports: read steps: %w", err)
	}
	return &s, nil
}
