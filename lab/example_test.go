package lab_test

import (
	"fmt"

	"nabla/lab"
)

// The zero Settings are the full default report; Quick is the smaller run.
func ExampleSettings() {
	full, quick := lab.Settings{}, lab.Settings{Quick: true}
	fmt.Println(len(full.CasesOrDefault()), full.WidthsOrDefault(), full.Options().Budget)
	fmt.Println(len(quick.CasesOrDefault()), quick.WidthsOrDefault(), quick.Options().Budget)
	// Output:
	// 9 [8 16 32 64 128 256 512] 1s
	// 5 [8 16 32 64 128] 250ms
}
