package jsonnum

import (
	"encoding/json"
	"fmt"
	"math"
)

// The strings that stand for the numbers JSON has no literal for.
const (
	NaN    = "NaN"
	PosInf = "+Inf"
	NegInf = "-Inf"
)

// Float is a float64 whose JSON form is a number when finite and one of the strings NaN,
// PosInf or NegInf otherwise.
type Float float64

// MarshalJSON writes f as a number, or as a string when it is not finite.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"` + NaN + `"`), nil
	case math.IsInf(v, 1):
		return []byte(`"` + PosInf + `"`), nil
	case math.IsInf(v, -1):
		return []byte(`"` + NegInf + `"`), nil
	}
	return json.Marshal(v) // encoding/json's own form: shortest round trip, "1e-08" as 1e-8
}

// UnmarshalJSON reads a number or one of the strings MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case NaN:
			*f = Float(math.NaN())
		case PosInf, "Inf", "Infinity", "+Infinity":
			*f = Float(math.Inf(1))
		case NegInf, "-Infinity":
			*f = Float(math.Inf(-1))
		default:
			return fmt.Errorf("jsonnum: %q is not a number (want a number, %q, %q or %q)", s, NaN, PosInf, NegInf)
		}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// Floats converts a slice of float64 to Floats.
func Floats(v []float64) []Float {
	out := make([]Float, len(v))
	for i, x := range v {
		out[i] = Float(x)
	}
	return out
}
