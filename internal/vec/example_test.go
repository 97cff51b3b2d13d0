package vec_test

import (
	"fmt"

	"nabla/internal/vec"
)

// Four weighted sums of the same two vectors (rows of 3), stored as a table of 4-row slots.
func ExampleComb4() {
	buf := []float64{
		1, 2, 3, 0, // vector x at 0
		10, 20, 30, 0, // vector y at 4
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // four sums at 8, 12, 16, 20
	}
	w := []float64{0, 1, 2, 3}
	terms := []vec.Term4{
		{Off: 0, W: [4]int32{1, 0, 1, 2}}, // x weighted 1, 0, 1, 2
		{Off: 4, W: [4]int32{0, 1, 1, 3}}, // y weighted 0, 1, 1, 3
	}
	vec.Comb4(buf, [4]int{8, 12, 16, 20}, 3, terms, w)
	fmt.Println(buf[8:11], buf[12:15], buf[16:19], buf[20:23])
	// Output: [1 2 3] [10 20 30] [11 22 33] [32 64 96]
}

// Dot products of the vector at 0 with those at 4 and 8, added into out[1] and out[0].
func ExampleDots() {
	buf := []float64{1, 2, 3, 0, 1, 1, 1, 0, 0, 0, 2, 0}
	out := []float64{100, 0}
	vec.Dots(out, buf, 0, 3, []vec.DotTerm{{Off: 4, Out: 1}, {Off: 8, Out: 0}})
	fmt.Println(out)
	// Output: [106 6]
}

// The dot product of two vectors of 3.
func ExampleDot() {
	fmt.Println(vec.Dot([]float64{1, 2, 3}, []float64{4, 5, 6}))
	// Output: 32
}
