// Package jsonnum is nabla's one policy for numbers in JSON that JSON cannot hold: a NaN or
// ±Inf float is written as the string "NaN", "+Inf" or "-Inf", every finite float as a number
// in its shortest round-trip form, and both are read back.
//
// Float is the policy for one number. Marshal, Encode and Decode apply it to any value
// without a mirror type: every float64 and float32 found in v (in struct fields, slices,
// arrays, maps, pointers and interfaces) is written and read as a Float, struct tags and all
// else as encoding/json does. A type with its own MarshalJSON or UnmarshalJSON is left to it.
package jsonnum
