package data

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

// Set is a named set of training pairs with, for classification sets, the class of each pair.
type Set struct {
	// Name says where the pairs came from ("mnist-train", "xor", …).
	Name string
	// Batch holds the pairs: inputs X one per row, targets Z̄ one per row.
	nn.Batch
	// Labels holds the class of each row, 0-based; nil for sets without classes. For sets with
	// more than one output Z̄ row i is the one-hot vector of Labels[i]; for a single output
	// the class is the target rounded to 0 or 1.
	Labels []int
	// Classes is the number of classes (0 for sets without classes).
	Classes int
}

// Inputs is the length of an input vector.
func (s Set) Inputs() int {
	_, c := s.X.Dims()
	return c
}

// Outputs is the length of a target vector.
func (s Set) Outputs() int {
	_, c := s.Z.Dims()
	return c
}

// Head returns the first n pairs of the set (all if n ≤ 0 or n ≥ Len), sharing memory.
func (s Set) Head(n int) Set {
	if n <= 0 || n >= s.Len() {
		return s
	}
	h := s
	h.Batch = s.Slice(0, n)
	if s.Labels != nil {
		h.Labels = s.Labels[:n]
	}
	h.Name = fmt.Sprintf("%s[:%d]", s.Name, n)
	return h
}

// Fits returns an error unless the set's input and target widths fit the network.
func (s Set) Fits(net *nn.Network) error {
	if s.Len() == 0 {
		return fmt.Errorf("set %s: %w", s.Name, nn.ErrEmptyBatch)
	}
	if s.Inputs() != net.Inputs() || s.Outputs() != net.Outputs() {
		return fmt.Errorf("%w: set %s has %d inputs and %d outputs, network %s takes %d and gives %d",
			nn.ErrShape, s.Name, s.Inputs(), s.Outputs(), net, net.Inputs(), net.Outputs())
	}
	return nil
}

// oneHot returns the N × classes matrix whose row i is the unit vector of labels[i].
func oneHot(labels []int, classes int) *mat.Dense {
	z := mat.NewDense(len(labels), classes, nil)
	for i, l := range labels {
		z.Set(i, l, 1)
	}
	return z
}
