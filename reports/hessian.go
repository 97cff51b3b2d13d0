package reports

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/plotter"

	"nabla/gradients"
	"nabla/internal/table"
)

// Spectrum is the full Hessian of a network's cost formed by one engine, as nabla hessian
// prints it: the symmetry error of the columns as formed, the eigenvalues of H and of each of
// its diagonal blocks.
type Spectrum struct {
	Net      string                 // architecture string
	Params   int                    // number of parameters, H is Params × Params
	Batch    int                    // training pairs
	Seed     uint64                 // seed of the parameters and the batch
	Engine   string                 // the engine whose H·v formed H
	K        float64                // the cost at A
	Symmetry float64                // gradients.SymmetryError of H as formed
	Values   []float64              // eigenvalues of H, ascending
	Blocks   []gradients.BlockEigen // eigenvalues of H's diagonal blocks
}

// negatives counts the negative entries of an ascending spectrum.
func negatives(values []float64) int {
	n := 0
	for _, v := range values {
		if v < 0 {
			n++
		}
	}
	return n
}

func extremes(values []float64) (lo, hi float64) {
	if len(values) == 0 {
		return math.NaN(), math.NaN()
	}
	return values[0], values[len(values)-1]
}

// Table writes the spectrum for a terminal (or as Markdown): a heading, the summary lines, and
// one row for H and for each diagonal block with its extreme eigenvalues, condition number
// and count of negative eigenvalues.
func (s Spectrum) Table(w io.Writer, f Format) error {
	var b strings.Builder
	if f.Format != table.CSV { // CSV is the table alone
		fmt.Fprintf(&b, "Hessian of K on %s (%d parameters), batch %d, seed %d, by %s: %d Hessian-vector products\n\n",
			s.Net, s.Params, s.Batch, s.Seed, s.Engine, s.Params)
		lo, hi := extremes(s.Values)
		fmt.Fprintf(&b, "K = %s, symmetry error max|Hᵢⱼ − Hⱼᵢ|/max(1, max|H|) = %s\n", fmtK(s.K), fmtErr(s.Symmetry))
		fmt.Fprintf(&b, "λmin = %s, λmax = %s, condition number max|λ|/min|λ| = %s\n\n", fmtK(lo), fmtK(hi), fmtK(gradients.Condition(s.Values)))
	}
	row := func(name string, v []float64) []string {
		lo, hi := extremes(v)
		return []string{name, strconv.Itoa(len(v)), fmtK(lo), fmtK(hi), fmtK(gradients.Condition(v)), strconv.Itoa(negatives(v))}
	}
	rows := [][]string{row("H", s.Values)}
	for _, blk := range s.Blocks {
		rows = append(rows, row(blk.Block, blk.Values))
	}
	if err := labTable(&b, f, []string{"block", "size", "λmin", "λmax", "condition", "λ < 0"}, aligns("lrrrrr"), rows); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Plot returns the spectrum plot: |λ| of H and of each diagonal block, sorted, against the
// eigenvalue's rank as a fraction of the block's size, on a logarithmic axis, so that blocks
// whose curvature differs by orders of magnitude are seen side by side. Eigenvalues that are
// exactly 0 are left out (the axis cannot show them).
func (s Spectrum) Plot() LinePlot {
	series := func(name string, v []float64) Series {
		abs := make([]float64, 0, len(v))
		for _, x := range v {
			if x != 0 {
				abs = append(abs, math.Abs(x))
			}
		}
		slices.Sort(abs)
		xy := make(plotter.XYs, len(abs))
		for i, a := range abs {
			xy[i].X, xy[i].Y = (float64(i)+0.5)/float64(len(abs)), a
		}
		return Series{Name: name, XY: xy}
	}
	lp := LinePlot{
		Title:  fmt.Sprintf("Hessian spectrum of %s, batch %d, by %s", s.Net, s.Batch, s.Engine),
		X:      "rank of |λ| within the block (fraction of its size)",
		Y:      "|λ|",
		LogY:   true,
		Series: []Series{series("H (all parameters)", s.Values)},
	}
	for _, blk := range s.Blocks {
		lp.Series = append(lp.Series, series("block "+blk.Block, blk.Values))
	}
	return lp
}
