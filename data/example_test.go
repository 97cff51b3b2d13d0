package data_test

import (
	"bytes"
	"fmt"

	"nabla/data"
)

func ExampleReadIDX() {
	var file bytes.Buffer
	_ = data.WriteIDX(&file, &data.IDX{Type: data.Uint8, Dims: []int{2, 3}, Data: []byte{0, 1, 2, 3, 4, 255}})
	x, err := data.ReadIDX(&file)
	fmt.Println(x.Type, x.Dims, x.Float64(5), err)

	// A truncated file is an error, not a panic.
	_, err = data.ReadIDX(bytes.NewReader([]byte{0, 0, 8, 1, 0, 0, 0, 9, 1, 2}))
	fmt.Println(err)
	// Output:
	// uint8 [2 3] 255 <nil>
	// idx: truncated: header says 9 uint8 (9 bytes of data), file has 2
}

func ExampleSpirals() {
	s := data.Spirals(6, 0.02, 1)
	fmt.Println(s.Name, s.Len(), s.Inputs(), s.Outputs(), s.Labels)
	fmt.Printf("%.4f %.4f\n", s.X.At(0, 0), s.X.At(0, 1))
	// Output:
	// spirals(n=6,seed=1) 6 2 2 [0 1 0 1 0 1]
	// 0.1010 0.1870
}
