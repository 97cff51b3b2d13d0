package reports

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"nabla/results"
)

// Series is one named line of a plot.
type Series struct {
	Name string
	XY   plotter.XYs
	// Limit, if not empty, is drawn as a dashed line in the series' colour without markers:
	// the tolerance or expected error the series is held against.
	Limit plotter.XYs
}

// LinePlot describes a plot of lines with points, on linear or logarithmic axes.
type LinePlot struct {
	Title, X, Y   string
	LogX, LogY    bool
	Series        []Series
	Width, Height vg.Length // zero means 20cm × 11cm, the legend's strip included
	// LimitName is the legend entry of the dashed Limit lines ("dashed: tolerance"); empty
	// means "dashed: limit".
	LimitName string
	// ZeroAt, when positive on a logarithmic y axis, is where values of exactly 0 are drawn:
	// a dotted row labelled "0" on the axis, below every other value.
	ZeroAt float64
}

// zeroLabel is the y-axis label of the row of exact zeros (LinePlot.ZeroAt).
const zeroLabel = "0 (exact)"

// palette holds twelve distinguishable colours (Tableau's, then two more), so that a report
// with every engine gives each line its own colour.
var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255}, color.RGBA{0, 0, 0, 255}, color.RGBA{0, 0, 128, 255},
}

// legendWidth is the strip on the right of a plot that holds its legend, clear of the data.
const legendWidth = 4.2 * vg.Centimeter

// SVG renders the plot as an SVG document, the legend in a strip on the right. Series without
// points are left out; points that a logarithmic axis cannot show (zero or negative) are an
// error.
func (lp LinePlot) SVG() ([]byte, error) {
	p := plot.New()
	p.Title.Text = lp.Title
	p.X.Label.Text = lp.X
	p.Y.Label.Text = lp.Y
	if lp.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = labLogTicks{}
	}
	if lp.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = labLogTicks{}
	}
	p.Add(plotter.NewGrid())
	legend := plot.NewLegend()
	legend.Top = true
	legend.Left = true
	legend.TextStyle.Font.Size = vg.Points(9)
	n, names, err := lp.addSeries(p, &legend)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("reports: plot %q: no data", lp.Title)
	}
	// A single x or y value leaves a logarithmic axis without a range (plot pads it by ±1,
	// which can cross zero): widen it by a factor of 2 each way instead.
	if lp.LogX && p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min/2, p.X.Max*2
	}
	if lp.LogY && p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
	}
	if lp.zeroRow() && slices.ContainsFunc(lp.Series, func(s Series) bool {
		return slices.ContainsFunc(s.XY, func(pt plotter.XY) bool { return pt.Y == 0 })
	}) {
		p.Y.Tick.Marker = zeroTicks{lp.ZeroAt}
	}
	w, h := lp.Width, lp.Height
	if w == 0 {
		w, h = 20*vg.Centimeter, 11*vg.Centimeter
	}
	legend.YOffs = -vg.Centimeter
	// The strip is as wide as the longest name needs, so that no name is cut off.
	strip := legendWidth
	for _, name := range names {
		strip = max(strip, legend.TextStyle.Rectangle(name).Size().X+legend.ThumbnailWidth+vg.Centimeter)
	}
	canvas := newCanvas(w, h)
	dc := draw.New(canvas)
	p.Draw(draw.Crop(dc, 0, -strip, 0, 0))
	legend.Draw(draw.Crop(dc, w-strip+0.3*vg.Centimeter, 0, 0, 0))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("reports: plot %q: %w", lp.Title, err)
	}
	return buf.Bytes(), nil
}

// newCanvas is the canvas plots are drawn on: SVG (a test may draw PNG to look at one).
var newCanvas = func(w, h vg.Length) vgCanvas { return vgsvg.New(w, h) }

// vgCanvas is a canvas that writes itself out.
type vgCanvas interface {
	vg.CanvasSizer
	io.WriterTo
}

// zeroRow reports whether the plot draws a row of exact zeros.
func (lp LinePlot) zeroRow() bool { return lp.LogY && lp.ZeroAt > 0 }

// addSeries adds the series with their limits, the row of zeros and their legend entries,
// and returns how many series had points and the legend's entries.
func (lp LinePlot) addSeries(p *plot.Plot, legend *plot.Legend) (n int, names []string, err error) {
	zeros, limits := false, false
	add := func(name string, thumbs ...plot.Thumbnailer) {
		legend.Add(name, thumbs...)
		names = append(names, name)
	}
	for i, s := range lp.Series {
		if len(s.XY) == 0 {
			continue
		}
		xy, z, err := lp.showable(s.Name, s.XY)
		if err != nil {
			return 0, nil, err
		}
		zeros = zeros || z
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return 0, nil, fmt.Errorf("reports: plot %q: %w", lp.Title, err)
		}
		c := palette[i%len(palette)]
		l.Color = c
		l.Dashes = plotutil.Dashes(i / len(palette))
		pts.Color = c
		pts.Shape = plotutil.Shape(i)
		p.Add(l, pts)
		add(s.Name, l, pts)
		n++
		if len(s.Limit) > 0 {
			lim, _, err := lp.showable(s.Name+" limit", s.Limit)
			if err != nil {
				return 0, nil, err
			}
			ll, err := plotter.NewLine(lim)
			if err != nil {
				return 0, nil, fmt.Errorf("reports: plot %q: %w", lp.Title, err)
			}
			ll.Color, ll.Dashes = c, limitDashes
			p.Add(ll)
			limits = true
		}
	}
	if limits {
		name := cmp.Or(lp.LimitName, "dashed: limit")
		add(name, &plotter.Line{LineStyle: draw.LineStyle{Color: palette[7], Width: vg.Points(1), Dashes: limitDashes}})
	}
	if zeros {
		row := plotter.NewFunction(func(float64) float64 { return lp.ZeroAt })
		row.Color, row.Dashes, row.Width = palette[7], []vg.Length{vg.Points(1), vg.Points(3)}, vg.Points(0.8)
		p.Add(row)
		add("dotted: exact 0 (no error)", row)
	}
	return n, names, nil
}

// limitDashes is the dash pattern of a series' limit line.
var limitDashes = []vg.Length{vg.Points(6), vg.Points(3)}

// showable returns the points of a series as the axes draw them, exact zeros moved to the
// row of zeros (and whether there were any); a point the axes cannot show is an error.
func (lp LinePlot) showable(name string, xy plotter.XYs) (plotter.XYs, bool, error) {
	out := make(plotter.XYs, len(xy))
	zeros := false
	for i, pt := range xy {
		if pt.Y == 0 && lp.zeroRow() {
			pt.Y, zeros = lp.ZeroAt, true
		}
		if (lp.LogX && !(pt.X > 0)) || (lp.LogY && !(pt.Y > 0)) || math.IsInf(pt.X, 0) || math.IsInf(pt.Y, 0) {
			return nil, false, fmt.Errorf("reports: plot %q: series %s has point (%g, %g) that the axes cannot show", lp.Title, name, pt.X, pt.Y)
		}
		out[i] = pt
	}
	return out, zeros, nil
}

// zeroTicks are labLogTicks above the row of exact zeros at y0, and that row labelled
// zeroLabel; the ticks close below and above it are dropped to keep the labels apart.
type zeroTicks struct{ y0 float64 }

// Ticks returns the ticks of the axis from lo to hi.
func (z zeroTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := []plot.Tick{{Value: z.y0, Label: zeroLabel}}
	for _, t := range (labLogTicks{}).Ticks(lo, hi) {
		if t.Value > z.y0*5 || (t.Label == "" && t.Value > z.y0) {
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// engineSeries gathers, per engine in order, the points (params, value(r)) of the measured
// (not skipped) results.
func engineSeries(engines []string, results []results.Timing, value func(results.Timing) float64) []Series {
	var ss []Series
	for _, e := range engines {
		s := Series{Name: e}
		for _, r := range results {
			if r.Engine == e && !r.Skipped {
				if v := value(r); v > 0 {
					s.XY = append(s.XY, plotter.XY{X: float64(r.Params), Y: v})
				}
			}
		}
		if len(s.XY) > 0 {
			ss = append(ss, s)
		}
	}
	return ss
}

// ScalingTimePlot is the scaling study's time per gradient against the parameter count, one
// line per engine and one for the forward pass, on log–log axes.
func ScalingTimePlot(engines []string, sc *results.Scaling) LinePlot {
	ss := engineSeries(engines, sc.Gradient, func(r results.Timing) float64 { return r.GradientNs / 1e3 })
	fwd := Series{Name: "forward pass"}
	for _, f := range sc.Forward {
		fwd.XY = append(fwd.XY, plotter.XY{X: float64(f.Params), Y: f.Ns / 1e3})
	}
	ss = append(ss, fwd)
	return LinePlot{
		Title: fmt.Sprintf("Time per gradient (w-w-w networks, batch %d)", sc.Batch),
		X:     "parameters", Y: "µs per gradient", LogX: true, LogY: true, Series: ss,
	}
}

// ScalingRatioPlot is the gradient/forward ratio against the parameter count, one line per
// engine, on log–log axes.
func ScalingRatioPlot(engines []string, sc *results.Scaling) LinePlot {
	return LinePlot{
		Title: fmt.Sprintf("Gradient time / forward time (w-w-w networks, batch %d)", sc.Batch),
		X:     "parameters", Y: "gradient / forward", LogX: true, LogY: true,
		Series: engineSeries(engines, sc.Gradient, func(r results.Timing) float64 { return r.Ratio }),
	}
}

// labLogTicks are plot.LogTicks with labels that read well: "0.01", "1000", "1e-16".
type labLogTicks struct{}

// Ticks returns the ticks of plot.LogTicks, relabelled.
func (labLogTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.LogTicks{}.Ticks(lo, hi)
	for i, t := range ticks {
		if t.Label == "" {
			continue
		}
		e := int(math.Round(math.Log10(t.Value)))
		if e >= -3 && e <= 5 {
			ticks[i].Label = strconv.FormatFloat(math.Pow10(e), 'f', -1, 64)
		} else {
			ticks[i].Label = "1e" + strconv.Itoa(e)
		}
	}
	return ticks
}
