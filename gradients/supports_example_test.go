package gradients_test

import (
	"fmt"

	"nabla/gradients"
	"nabla/nn"
)

// Supports is the pre-flight: it asks the engine's SupportsLayer about every layer before
// anything is built, and the registry runs it before every New.
func ExampleInfo_Supports() {
	narrow := gradients.Info{
		Name: "example-narrow",
		SupportsLayer: func(l nn.Layer) error {
			if l.Outputs() > 4 {
				return gradients.Unsupported("example-narrow", l)
			}
			return nil
		},
	}
	fmt.Println(narrow.Supports(nn.MustParse("3-4-2")))
	fmt.Println(narrow.Supports(nn.MustParse("3-4-8-2")))
	// Output:
	// <nil>
	// layer 2: example-narrow: gradients: unsupported: dense 4→8 sigmoid (*nn.Dense)
}
