package reports

import (
	"fmt"
	"io"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"nabla/internal/table"
)

// ConfusionTable writes a confusion matrix m[true][predicted] with the accuracy above it, in
// the format f; CSV is the matrix alone.
func ConfusionTable(w io.Writer, m [][]int, accuracy float64, f Format) error {
	header := []string{"true \\ predicted"}
	for j := range m {
		header = append(header, strconv.Itoa(j))
	}
	var rows [][]string
	for i, r := range m {
		row := []string{strconv.Itoa(i)}
		for _, v := range r {
			row = append(row, strconv.Itoa(v))
		}
		rows = append(rows, row)
	}
	if f.Format != table.CSV {
		textLine(w, f, fmt.Sprintf("accuracy %s; rows: the true class, columns: the predicted class", percent(accuracy)))
		fmt.Fprintln(w)
	}
	align := make([]byte, len(header))
	for i := range align {
		align[i] = 'r'
	}
	return labTable(w, f, header, aligns(string(align)), rows)
}

// confusionGrid is a confusion matrix as a gonum/plot grid, row 0 (true class 0) at the top.
type confusionGrid [][]int

func (g confusionGrid) Dims() (c, r int)   { return len(g), len(g) }
func (g confusionGrid) Z(c, r int) float64 { return float64(g[len(g)-1-r][c]) }
func (g confusionGrid) X(c int) float64    { return float64(c) }
func (g confusionGrid) Y(r int) float64    { return float64(len(g) - 1 - r) }

// ConfusionPlot writes the confusion matrix as an SVG heat map with the counts written in the
// cells: x the predicted class, y the true class (class 0 at the top).
func ConfusionPlot(w io.Writer, m [][]int, title string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "predicted class"
	p.Y.Label.Text = "true class (0 at the top)"
	hm := plotter.NewHeatMap(confusionGrid(m), moreland.SmoothBlueRed().Palette(255))
	p.Add(hm)
	var labels plotter.XYLabels
	for i, r := range m {
		for j, v := range r {
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(len(m) - 1 - i)})
			labels.Labels = append(labels.Labels, strconv.Itoa(v))
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return fmt.Errorf("reports: confusion plot: %w", err)
	}
	p.Add(l)
	ticks := make([]plot.Tick, len(m))
	for i := range ticks {
		ticks[i] = plot.Tick{Value: float64(i), Label: strconv.Itoa(i)}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	yt := make([]plot.Tick, len(m))
	for i := range yt {
		yt[i] = plot.Tick{Value: float64(len(m) - 1 - i), Label: strconv.Itoa(i)}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	wt, err := p.WriterTo(12*vg.Centimeter, 11*vg.Centimeter, "svg")
	if err != nil {
		return fmt.Errorf("reports: confusion plot: %w", err)
	}
	_, err = wt.WriteTo(w)
	return err
}
