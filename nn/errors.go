package nn

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Functions wrap them with context; test with errors.Is.
var (
	// ErrArchitecture reports an architecture string or layer list that does not describe a
	// network.
	ErrArchitecture = errors.New("nn: bad architecture")
	// ErrUnknownActivation reports an activation name that is not known.
	ErrUnknownActivation = errors.New("nn: unknown activation")
	// ErrUnknownCost reports a cost name that is not known.
	ErrUnknownCost = errors.New("nn: unknown cost")
	// ErrTooLarge reports a network with more parameters than MaxParams.
	ErrTooLarge = errors.New("nn: network too large")
	// ErrShape reports a parameter vector or batch whose size does not fit the network.
	ErrShape = errors.New("nn: wrong shape")
	// ErrEmptyBatch reports a batch without training pairs.
	ErrEmptyBatch = errors.New("nn: empty batch")
	// ErrNonFinite reports a NaN or infinite value in parameters or data.
	ErrNonFinite = errors.New("nn: non-finite value")
	// ErrUnknownParam reports a parameter name that does not exist in the network.
	ErrUnknownParam = errors.New("nn: unknown parameter")
)

// NonFiniteError locates a NaN or ±Inf value. It matches ErrNonFinite under errors.Is.
type NonFiniteError struct {
	Where string  // "A", "X" or "Z" (or another vector in the layout of A, such as "v")
	Name  string  // parameter name ("W1[2,3]") for A, "[row,col]" (1-based) for X and Z
	Index int     // flat index (0-based) into A, or row-major index into X or Z
	Value float64 // the offending value
}

// Error writes "nn: non-finite value NaN in A at W1[2,3]" or "… in X[4,2]".
func (e *NonFiniteError) Error() string {
	if strings.HasPrefix(e.Name, "[") {
		return fmt.Sprintf("nn: non-finite value %v in %s%s", e.Value, e.Where, e.Name)
	}
	return fmt.Sprintf("nn: non-finite value %v in %s at %s", e.Value, e.Where, e.Name)
}

// Is reports whether target is ErrNonFinite.
func (e *NonFiniteError) Is(target error) bool { return target == ErrNonFinite }
