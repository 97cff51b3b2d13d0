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
	"gonum.org/v1/plot/vg/draw"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/nn"
	"nabla/train"
)

// trainCost names a run's cost: its convention ("mean", "sum") and, unless it is the notes'
// quadratic cost, its kind ("mean xent").
func trainCost(r *train.Result) string {
	if r.Cost == "" || r.Cost == nn.Quadratic.String() {
		return r.Convention
	}
	return r.Convention + " " + r.Cost
}

// decayNote names the weight decay λ and the decay of η of a run that has them
// (", λ = 5, η × 0.85 per epoch").
func decayNote(r *train.Result) string {
	s := ""
	if r.WeightDecay != 0 {
		s += fmt.Sprintf(", λ = %g", r.WeightDecay)
	}
	if r.EtaDecay != 0 {
		s += fmt.Sprintf(", η × %g per epoch", r.EtaDecay)
	}
	return s
}

// TrainTable writes the per-epoch table of a training run (epoch 0 is the initial state) and
// a closing line with the final accuracy in the format f; CSV is the table alone.
func TrainTable(w io.Writer, r *train.Result, f Format) error {
	header := []string{"epoch", "train cost", "test cost", "test accuracy", "seconds", "CPU seconds", "eval seconds"}
	rows := [][]string{epochRow(r.Initial)}
	for _, e := range r.Epochs {
		rows = append(rows, epochRow(e))
	}
	if f.Format == table.CSV {
		return labTable(w, f, header, rightAligned(len(header)), rows)
	}
	rows = thinRows(rows, maxEpochRows)
	textLine(w, f, fmt.Sprintf("%s on %s (%s; test %s, %s), engine %s, batch %d, η = %g on the %s cost (η_sum = %.4g)%s, seed %d",
		r.Net, r.TrainSet, plural(r.TrainSize, "pair"), r.TestSet, plural(r.TestSize, "pair"), r.Engine, r.BatchSize, r.Eta, trainCost(r), r.EtaSum, decayNote(r), r.Seed))
	fmt.Fprintln(w)
	if err := labTable(w, f, header, rightAligned(len(header)), rows, 6, 5); err != nil {
		return err
	}
	fin := r.Final()
	fmt.Fprintln(w)
	textLine(w, f, fmt.Sprintf("final test accuracy %s after %s, %.2f s per epoch (%.2f s CPU; gradient steps only)",
		percent(fin.TestAccuracy), plural(len(r.Epochs), "epoch"), r.SecondsPerEpoch(), r.CPUSecondsPerEpoch()))
	return nil
}

// maxEpochRows bounds the rows of a training table for a reader (CSV and JSON keep every
// epoch).
const maxEpochRows = 25

// thinRows keeps at most n rows, evenly spaced, the first and the last always.
func thinRows(rows [][]string, n int) [][]string {
	if len(rows) <= n {
		return rows
	}
	out := make([][]string, 0, n)
	for i := range n {
		out = append(out, rows[i*(len(rows)-1)/(n-1)])
	}
	return out
}

// textLine writes a line of text under or over a table: wrapped to the width of a terminal
// table, escaped for Markdown.
func textLine(w io.Writer, f Format, s string) {
	if isMarkdown(f) {
		s = mdEscape(s)
	} else {
		s = table.Wrap(s, f.MaxWidth())
	}
	fmt.Fprintln(w, s)
}

// plural writes n and the noun, with an s unless n is 1: "1 epoch", "30 epochs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func epochRow(e train.Epoch) []string {
	secs, cpu := "-", "-"
	if e.Epoch > 0 {
		secs = fmt.Sprintf("%.2f", e.Seconds)
		if e.CPUSeconds >= 0 {
			cpu = fmt.Sprintf("%.2f", e.CPUSeconds)
		}
	}
	return []string{strconv.Itoa(e.Epoch), fmt.Sprintf("%.6g", e.TrainCost), fmt.Sprintf("%.6g", e.TestCost), percent(e.TestAccuracy), secs, cpu, fmt.Sprintf("%.2f", e.EvalSeconds)}
}

func percent(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", 100*f)
}

// TrainJSON writes the run as indented JSON: its settings and an "epochs" array of objects
// with "epoch", "train_cost", "test_cost", "test_accuracy" (a fraction), "seconds" and
// "eval_seconds". Accuracies that are NaN (sets without labels) are written as null.
func TrainJSON(w io.Writer, r *train.Result) error {
	type epoch struct {
		Epoch        int      `json:"epoch"`
		TrainCost    float64  `json:"train_cost"`
		TestCost     float64  `json:"test_cost"`
		TestAccuracy *float64 `json:"test_accuracy"`
		Seconds      float64  `json:"seconds"`
		CPUSeconds   float64  `json:"cpu_seconds"`
		EvalSeconds  float64  `json:"eval_seconds"`
	}
	conv := func(e train.Epoch) epoch {
		out := epoch{Epoch: e.Epoch, TrainCost: e.TrainCost, TestCost: e.TestCost, Seconds: e.Seconds, CPUSeconds: e.CPUSeconds, EvalSeconds: e.EvalSeconds}
		if !math.IsNaN(e.TestAccuracy) {
			a := e.TestAccuracy
			out.TestAccuracy = &a
		}
		return out
	}
	out := struct {
		*train.Result
		Initial         epoch    `json:"initial"`
		Epochs          []epoch  `json:"epochs"`
		FinalAccuracy   *float64 `json:"final_test_accuracy"`
		SecondsPerEpoch float64  `json:"seconds_per_epoch"`
		CPUPerEpoch     float64  `json:"cpu_seconds_per_epoch"`
	}{Result: r, Initial: conv(r.Initial), Epochs: make([]epoch, 0, len(r.Epochs)), SecondsPerEpoch: r.SecondsPerEpoch(), CPUPerEpoch: r.CPUSecondsPerEpoch()}
	for _, e := range r.Epochs {
		out.Epochs = append(out.Epochs, conv(e))
	}
	out.FinalAccuracy = conv(r.Final()).TestAccuracy
	return jsonnum.Encode(w, out)
}

// TrainCurve draws the learning curve of a run as an SVG (or another format gonum/plot knows
// from the file name's extension) of the given size in centimetres: training and test cost
// and the test error rate 1 − accuracy against the epoch, on a logarithmic axis. A long run is
// thinned to at most maxCurvePoints epochs (the last always kept); a test error of 0, which
// the axis cannot show, is drawn at the floor of the axis with hollow markers and said so
// in the legend; other points that are not positive are left out.
func TrainCurve(path string, r *train.Result, widthCm, heightCm float64) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s, %s, batch %d, η = %g (%s cost)%s", r.Net, r.Engine, r.BatchSize, r.Eta, trainCost(r), decayNote(r))
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "cost / test error rate"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	all := thinEpochs(append([]train.Epoch{r.Initial}, r.Epochs...), maxCurvePoints)
	floor := math.Inf(1) // the smallest positive value drawn, for the zeros
	for _, e := range all {
		for _, v := range []float64{e.TrainCost, e.TestCost, 1 - e.TestAccuracy} {
			if v > 0 && v < floor {
				floor = v
			}
		}
	}
	floor /= 4
	series := []struct {
		name  string
		value func(train.Epoch) float64
		col   color.RGBA
		dash  []vg.Length
	}{
		{"train cost", func(e train.Epoch) float64 { return e.TrainCost }, color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, nil},
		{"test cost", func(e train.Epoch) float64 { return e.TestCost }, color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, []vg.Length{vg.Points(4), vg.Points(2)}},
		{"test error (1 − accuracy)", func(e train.Epoch) float64 { return 1 - e.TestAccuracy }, color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, nil},
	}
	drawn := 0
	for _, s := range series {
		var xys, zeros plotter.XYs
		for _, e := range all {
			if v := s.value(e); v > 0 && !math.IsInf(v, 0) {
				xys = append(xys, plotter.XY{X: float64(e.Epoch), Y: v})
			} else if v == 0 && !math.IsInf(floor, 0) {
				zeros = append(zeros, plotter.XY{X: float64(e.Epoch), Y: floor})
			}
		}
		if len(zeros) > 0 {
			z, err := plotter.NewScatter(zeros)
			if err != nil {
				return fmt.Errorf("reports: learning curve: %w", err)
			}
			z.Color, z.Shape, z.Radius = s.col, draw.RingGlyph{}, vg.Points(2.5)
			p.Add(z)
			p.Legend.Add(s.name+" = 0 (drawn at the floor)", z)
			drawn++
		}
		if len(xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return fmt.Errorf("reports: learning curve: %w", err)
		}
		line.Color, line.Dashes = s.col, s.dash
		points.Color, points.Shape, points.Radius = s.col, draw.CircleGlyph{}, vg.Points(1.5)
		p.Add(line, points)
		p.Legend.Add(s.name, line)
		drawn++
	}
	if drawn == 0 {
		return fmt.Errorf("reports: learning curve: nothing positive to plot")
	}
	p.Legend.Top = true
	p.Y.Max *= 8 // head room for the legend (a factor on the logarithmic axis)
	if err := p.Save(vg.Length(widthCm)*vg.Centimeter, vg.Length(heightCm)*vg.Centimeter, path); err != nil {
		return fmt.Errorf("reports: learning curve %s: %w", path, err)
	}
	return nil
}

// maxCurvePoints bounds the epochs a learning curve draws.
const maxCurvePoints = 300

// thinEpochs keeps at most n epochs, evenly spaced, the first and the last always.
func thinEpochs(all []train.Epoch, n int) []train.Epoch {
	if len(all) <= n {
		return all
	}
	out := make([]train.Epoch, 0, n)
	for i := range n {
		out = append(out, all[i*(len(all)-1)/(n-1)])
	}
	return out
}

// TrajectoryTable writes the cross-engine trajectory comparison: the training cost per epoch
// under every engine, and each engine's largest relative deviation from the reference (the
// first engine), in the format f; CSV is the table alone.
func TrajectoryTable(w io.Writer, t *train.Trajectories, f Format) error {
	header, rows := t.Table()
	if f.Format == table.CSV {
		return labTable(w, f, header, rightAligned(len(header)), rows)
	}
	textLine(w, f, fmt.Sprintf("%s on %s, batch %d, η = %g (%s cost), seed %d: training cost per epoch under each engine",
		t.Net, t.Set, t.BatchSize, t.Eta, t.Convention, t.Seed))
	fmt.Fprintln(w)
	if err := labTable(w, f, header, rightAligned(len(header)), rows); err != nil {
		return err
	}
	var parts []string
	for i, name := range t.Engines[1:] {
		parts = append(parts, fmt.Sprintf("%s %.1e", name, t.MaxRelDiff[i+1]))
	}
	fmt.Fprintln(w)
	textLine(w, f, fmt.Sprintf("largest relative deviation from %s: %s", t.Engines[0], strings.Join(parts, ", ")))
	return nil
}

func rightAligned(n int) tw.Alignment {
	a := make(tw.Alignment, n)
	for i := range a {
		a[i] = tw.AlignRight
	}
	return a
}
