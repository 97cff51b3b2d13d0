package par_test

import (
	"fmt"

	"nabla/internal/par"
)

// squares fills out[i] = i², each part its own range.
type squares struct {
	out   []int
	parts int
}

func (s *squares) Run(part int) {
	lo, hi := par.Span(len(s.out), s.parts, part)
	for i := lo; i < hi; i++ {
		s.out[i] = i * i
	}
}

func ExamplePool() {
	p := par.NewPool(2)
	s := &squares{out: make([]int, 7), parts: p.Threads()}
	p.Run(s.parts, s)
	fmt.Println(s.out)
	// Output: [0 1 4 9 16 25 36]
}
