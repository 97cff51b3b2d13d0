// Package vmath computes the exponential, the logistic sigmoid and the hyperbolic tangent over
// slices, and finds non-finite values in them, several values at once: Go assembly kernels
// (vmath_amd64.s, written by gen_vmath.go) with 8 lanes on AVX-512F and 4 on AVX2 with FMA,
// chosen by the CPU
// (golang.org/x/sys/cpu), and the same algorithm in scalar Go for the tail of a slice, other
// CPUs and architectures, and the build tag noasm. A value's result has the same bits on every
// path.
//
// The exponential reduces x = k·ln2 + r (|r| ≤ ln2/2, fused multiply-adds with ln2 in two
// parts, keeping r's rounding error), evaluates e^r = 1 + r + r²·p(r) with p the Taylor
// polynomial of degree 11 by fused multiply-adds, adding 1 + r last with what its rounding
// lost, and scales by 2^k rounding once, so that results near overflow and subnormal ones are
// right. Measured against the correctly rounded eˣ (Python's decimal at 60 digits, 96 000
// arguments: the specials, magnitudes from 1e-20 to 1000 of either sign, uniform in
// [-746, 710]), its largest error is 0.61 ulp; math.Exp's on the same arguments is 1.45 ulp,
// and on amd64 math.Exp returns +Inf from about 709.58 to ln(MaxFloat64) ≈ 709.78 where eˣ is
// finite. NaN gives NaN,
// +Inf and arguments above ln(MaxFloat64) give +Inf, −Inf and arguments below −745.13 give 0.
//
// Sigmoid is computed as nn.SigmoidF computes it (1/(1+e^−|x|), the numerator e^−|x| for
// negative x) and Tanh by math.Tanh's algorithm (a rational function below |x| = 0.625, with
// the same bits as math.Tanh there, 1 − 2/(e^(2|x|)+1) above), both on this package's
// exponential: they differ from the scalar forms on math.Exp by at most 2 ulp.
//
// FirstNonFinite finds the first NaN or ±Inf of a slice with the same kernels' scan (v − v
// summed four vectors at a time): nn validates parameters and batches with it before every
// gradient.
//
// It is not derivative code: nn's activations and costs evaluate through it.
package vmath
