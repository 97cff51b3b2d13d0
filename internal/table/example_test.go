package table_test

import (
	"os"

	"nabla/internal/table"
)

func ExampleTable_Write() {
	t := table.Table{
		Header: []string{"engine", "K"},
		Align:  "lr",
		Rows:   [][]string{{"backprop", "0.25"}, {"numeric-central", "0.25"}},
	}
	_ = t.Write(os.Stdout, table.Options{Format: table.CSV})
	// Output:
	// engine,K
	// backprop,0.25
	// numeric-central,0.25
}
