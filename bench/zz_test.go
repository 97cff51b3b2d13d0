package bench

import (
	"fmt"
	"testing"
)

func TestZZ(t *testing.T) {
	for _, net := range []string{"4-8-3", "784-30-10"} {
		s, err := Steps(StepOptions{Net: net, Batch: 16})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(net, s.Param, s.Exact, s.ComplexCheck, s.K)
		for _, c := range s.Curves {
			fmt.Printf("%-10s %s theory %.2g best %.2g err %.2g ratio %.2g flat %.2g flip %.2g\n", c.Method, c.Precision, c.Theory, c.Best, c.BestErr, c.Ratio, c.Flat, c.FirstFlip)
		}
	}
}
