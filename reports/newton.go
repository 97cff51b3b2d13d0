package reports

import (
	"fmt"
	"io"
	"strconv"

	"gonum.org/v1/plot/plotter"

	"nabla/internal/table"
	"nabla/train"
)

// NewtonComparison is full-batch gradient descent and Newton–CG trained from the same
// parameters on the same set for the same number of steps.
type NewtonComparison struct {
	GD     *train.Result
	Newton *train.NewtonResult
}

// Write writes one row per step in the format f: each method's training cost and test
// accuracy, and the Hessian-vector products Newton–CG has used so far (each costs about two
// gradients). CSV is the table alone.
func (c NewtonComparison) Write(w io.Writer, f Format) error {
	gd, nt := c.GD, c.Newton
	if f.Format != table.CSV {
		textLine(w, f, fmt.Sprintf("%s on %s (%s): gradient descent (η = %g, %s cost) against Newton–CG (%s), seed %d",
			gd.Net, gd.TrainSet, plural(gd.TrainSize, "pair"), gd.Eta, gd.Cost, nt.Engine, gd.Seed))
		fmt.Fprintln(w)
	}
	header := []string{"step", "GD train cost", "GD test acc", "Newton–CG train cost", "Newton–CG test acc", "H·v so far", "λ"}
	rows := [][]string{{"0", fmtK(gd.Initial.TrainCost), percent(gd.Initial.TestAccuracy), fmtK(nt.Initial.TrainCost), percent(nt.Initial.TestAccuracy), "0", ""}}
	products := 0
	for i := range max(len(gd.Epochs), len(nt.Epochs)) {
		row := []string{strconv.Itoa(i + 1), "", "", "", "", "", ""}
		if i < len(gd.Epochs) {
			row[1], row[2] = fmtK(gd.Epochs[i].TrainCost), percent(gd.Epochs[i].TestAccuracy)
		}
		if i < len(nt.Epochs) {
			products += nt.Products[i]
			row[3], row[4], row[5] = fmtK(nt.Epochs[i].TrainCost), percent(nt.Epochs[i].TestAccuracy), strconv.Itoa(products)
			row[6] = strconv.FormatFloat(nt.Damping[i], 'g', 3, 64)
		}
		rows = append(rows, row)
	}
	return labTable(w, f, header, aligns("rrrrrrr"), rows)
}

// Plot returns the learning curves: the training cost of both methods against the step, on
// a logarithmic axis.
func (c NewtonComparison) Plot() LinePlot {
	curve := func(r *train.Result) plotter.XYs {
		var xy plotter.XYs
		for _, e := range append([]train.Epoch{r.Initial}, r.Epochs...) {
			if e.TrainCost > 0 {
				xy = append(xy, plotter.XY{X: float64(e.Epoch), Y: e.TrainCost})
			}
		}
		return xy
	}
	return LinePlot{
		Title: fmt.Sprintf("%s on %s: gradient descent against Newton–CG", c.GD.Net, c.GD.TrainSet),
		X:     "step (full batch)",
		Y:     fmt.Sprintf("training cost (%s)", c.GD.Cost),
		LogY:  true,
		Series: []Series{
			{Name: fmt.Sprintf("gradient descent, η = %g", c.GD.Eta), XY: curve(c.GD)},
			{Name: "Newton–CG (" + c.Newton.Engine + ")", XY: curve(c.Newton.Result)},
		},
	}
}
