package jsonnum_test

import (
	"fmt"
	"math"

	"nabla/internal/jsonnum"
)

func ExampleMarshal() {
	type pair struct {
		K      float64 `json:"K"`
		RelErr float64 `json:"rel_err"`
	}
	b, _ := jsonnum.Marshal(pair{K: 0.25, RelErr: math.Inf(1)})
	fmt.Println(string(b))
	// Output: {"K":0.25,"rel_err":"+Inf"}
}
