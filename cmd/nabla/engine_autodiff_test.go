package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Issue 3's "done means": on 5-7-6-3:tanh,relu,sigmoid the autodiff engines agree with
// backprop and with each other to 1e-12 relative, and every pair agrees.
func TestCompareAutodiff(t *testing.T) {
	a, _ := compareJSON(t, 0, "--net", "5-7-6-3:tanh,relu,sigmoid",
		"--engines", "backprop,autodiff-reverse,autodiff-forward,numeric-central")
	assert.True(t, a.Agree)
	assert.Equal(t, []string{"backprop", "autodiff-reverse", "autodiff-forward", "numeric-central"}, engineNames(a))
	for _, pair := range [][2]string{{"backprop", "autodiff-reverse"}, {"backprop", "autodiff-forward"}, {"autodiff-reverse", "autodiff-forward"}} {
		p := findPair(t, a, pair[0], pair[1])
		assert.True(t, p.Agree, "%s vs %s", pair[0], pair[1])
		assert.LessOrEqual(t, p.MaxRelErr, 1e-12, "%s vs %s", pair[0], pair[1])
		assert.LessOrEqual(t, p.CostErr, 1e-12, "%s vs %s", pair[0], pair[1])
	}
	for _, e := range []string{"backprop", "autodiff-reverse", "autodiff-forward"} {
		assert.True(t, findPair(t, a, e, "numeric-central").Agree, "%s vs numeric-central", e)
	}
}
