package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"nabla/internal/jsonnum"
	"nabla/internal/table"
	"nabla/nn"
)

// GradientResult is one engine's K and ∇K for given parameters and data, as nabla grad prints
// it: the flat gradient in the layout of A and the same numbers per named block.
type GradientResult struct {
	Net    string      // architecture string
	Cost   nn.CostKind // the cost kind K is of
	Engine string      // registry name of the engine that computed it
	Batch  int         // training pairs
	K      float64     // the cost
	Grad   []float64   // ∇K, in the layout of A
	Blocks []GradBlock // ∇K cut into the blocks of A, in layout order
}

// GradBlock is the part of ∇K belonging to one named block of A.
type GradBlock struct {
	Name   string    // "W1", "b1", …
	Dims   []int     // the block's shape, any rank ([Out, In] for a weight matrix, [Out] for a bias)
	Values []float64 // row-major
}

// NewGradientResult cuts grad (of length net.NumParams) into the network's blocks. It panics
// if grad has the wrong length.
func NewGradientResult(net *nn.Network, engine string, batch int, k float64, grad []float64) GradientResult {
	if len(grad) != net.NumParams() {
		panic(fmt.Sprintf("reports: NewGradientResult: len(grad) = %d, want %d", len(grad), net.NumParams()))
	}
	g := GradientResult{Net: net.String(), Cost: net.CostKind(), Engine: engine, Batch: batch, K: k, Grad: grad}
	for _, b := range net.Blocks() {
		g.Blocks = append(g.Blocks, GradBlock{Name: b.Name, Dims: b.Dims, Values: b.View(grad)})
	}
	return g
}

// JSON writes the result as one JSON object, one key a line:
//
//	{
//	  "net": "2-2-1", "cost": "quadratic", "engine": "backprop", "batch": 2,
//	  "K": 0.5,
//	  "grad": [...],
//	  "blocks": {"W1": [[...], [...]], "b1": [...], ...}
//	}
//
// Each block is nested one array level per dimension, row-major as in A: a weight matrix an
// array of rows (outputs × inputs), a bias a flat array, a rank-4 kernel four levels deep; the
// keys of "blocks" follow the layout of A. Numbers are written exactly (shortest round-trip
// form); a non-finite value (an overflow) is written as the string "+Inf", "-Inf" or "NaN".
func (g GradientResult) JSON(w io.Writer) error {
	var b bytes.Buffer
	field := func(key string, v any, last bool) error {
		kb, _ := json.Marshal(key)
		vb, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("reports: gradient JSON %s: %w", key, err)
		}
		fmt.Fprintf(&b, "  %s: %s", kb, vb)
		if !last {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		return nil
	}
	b.WriteString("{\n")
	if err := field("net", g.Net, false); err != nil {
		return err
	}
	if err := field("cost", g.Cost, false); err != nil {
		return err
	}
	if err := field("engine", g.Engine, false); err != nil {
		return err
	}
	if err := field("batch", g.Batch, false); err != nil {
		return err
	}
	if err := field("K", jsonnum.Float(g.K), false); err != nil {
		return err
	}
	if err := field("grad", jsonnum.Floats(g.Grad), false); err != nil {
		return err
	}
	b.WriteString(`  "blocks": {`)
	for i, blk := range g.Blocks {
		if i > 0 {
			b.WriteString(", ")
		}
		v := nested(blk.Dims, blk.Values)
		kb, _ := json.Marshal(blk.Name)
		vb, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("reports: gradient JSON block %s: %w", blk.Name, err)
		}
		fmt.Fprintf(&b, "%s: %s", kb, vb)
	}
	b.WriteString("}\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// nested arranges row-major values of the given shape as nested arrays, one level per
// dimension: a vector stays flat, a matrix becomes an array of rows.
func nested(dims []int, values []float64) any {
	if len(dims) <= 1 {
		return jsonnum.Floats(values)
	}
	out := make([]any, dims[0])
	n := len(values) / max(dims[0], 1)
	for i := range out {
		out[i] = nested(dims[1:], values[i*n:(i+1)*n])
	}
	return out
}

// Table writes the result as a terminal table: a heading line with K, then one row per
// parameter with its name and ∂K/∂A at full precision.
func (g GradientResult) Table(w io.Writer) error { return g.Write(w, Terminal) }

// Write writes the result in the format f: a heading line with K and the table of Table, or
// as CSV the table alone (parameter, ∂K/∂A).
func (g GradientResult) Write(w io.Writer, f Format) error {
	if f.Format != table.CSV {
		if _, err := fmt.Fprintf(w, "K = %s  (net %s%s, engine %s, batch %d)\n\n", fmtFull(g.K), g.Net, costNote(g.Cost), g.Engine, g.Batch); err != nil {
			return err
		}
	}
	rows := make([][]string, 0, len(g.Grad))
	for _, blk := range g.Blocks {
		b := nn.Block{Name: blk.Name, Dims: blk.Dims}
		for k, v := range blk.Values {
			rows = append(rows, []string{b.EntryName(k), fmtFull(v)})
		}
	}
	return labTable(w, f, []string{"parameter", "∂K/∂A"}, aligns("lr"), rows)
}

// fmtFull prints a float exactly (shortest round-trip form).
func fmtFull(v float64) string { return fmt.Sprint(v) }
