package lab

import (
	"fmt"
	"io"
	"strconv"

	"nabla/internal/table"
	"nabla/symbolic"
)

// swellHeader are the headers of the swell table; swellCells the cells of a row.
var swellHeader = []string{"function", "vars", "cost DAG", "gradient tree", "gradient DAG", "instructions", "cost instr.", "ratio", "derive+compile", "naive tree", "naive time"}

func swellCells(r symbolic.Swell) []string {
	naive := strconv.Itoa(r.NaiveNodes)
	if r.NaiveErr != "" {
		naive = "> " + strconv.Itoa(r.NaiveNodes-1) + " (budget)"
	}
	if r.NaiveNodes == 0 && r.NaiveErr == "" {
		naive = "-"
	}
	return []string{r.Name, strconv.Itoa(r.Params), strconv.Itoa(r.CostNodes), formatCount(r.TreeNodes),
		strconv.Itoa(r.DAGNodes), strconv.Itoa(r.Instructions), strconv.Itoa(r.CostInstructions),
		fmt.Sprintf("%.2f", r.Ratio), formatMS(r.DeriveMS), naive, formatMS(r.NaiveMS)}
}

// formatCount prints a count exactly when it is small and as 4.8e+60 when it is not.
func formatCount(v float64) string {
	if v < 1e9 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'e', 2, 64)
}

func formatMS(ms float64) string {
	switch {
	case ms == 0:
		return "-"
	case ms < 1:
		return fmt.Sprintf("%.0f µs", ms*1000)
	case ms < 1000:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

// SwellTable writes the expression-swell table (symbolic.Measure's rows) in the format of o,
// as nabla derive prints it; a narrow terminal leaves out the naive columns, the cost's
// instructions, the cost DAG and the ratio first.
func SwellTable(w io.Writer, rows []symbolic.Swell, o table.Options) error {
	t := table.Table{Header: swellHeader, Align: "lrrrrrrrrrr", Optional: []int{10, 9, 6, 2, 7}}
	for _, r := range rows {
		t.Rows = append(t.Rows, swellCells(r))
	}
	return t.Write(w, o)
}

// SwellMarkdown writes the expression-swell table as Markdown, as nabla report shows it.
func SwellMarkdown(w io.Writer, rows []symbolic.Swell) error {
	return SwellTable(w, rows, table.Options{Format: table.Markdown})
}
