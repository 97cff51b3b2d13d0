package autodiff_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/autodiff"
)

// naiveMul returns the m×n product of a (m×k) and b (k×n), row-major, by the textbook loop.
func naiveMul(a, b []float64, m, k, n int) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				s += a[i*k+p] * b[p*n+j]
			}
			c[i*n+j] = s
		}
	}
	return c
}

func naiveT(a []float64, r, c int) []float64 {
	t := make([]float64, r*c)
	for i := range r {
		for j := range c {
			t[j*r+i] = a[i*c+j]
		}
	}
	return t
}

// TestMatMulLarge checks MatMul and MatMulT — value, adjoints and tangent — against textbook
// loops on shapes larger than the panels the products are split into (64 × 192), including
// single rows and columns, where differences would be too slow.
func TestMatMulLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	rnd := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 2*rng.Float64() - 1
		}
		return v
	}
	for _, s := range [][3]int{{1, 784, 100}, {100, 150, 130}, {130, 70, 400}, {65, 1, 193}, {200, 3, 1}} {
		m, k, n := s[0], s[1], s[2]
		for _, transposed := range []bool{false, true} {
			t.Run(fmt.Sprintf("m=%d/k=%d/n=%d/T=%v", m, k, n, transposed), func(t *testing.T) {
				a, b, w := rnd(m*k), rnd(k*n), rnd(m*n) // b is k×n; MatMulT gets bᵀ (n×k)
				da, db := rnd(m*k), rnd(k*n)
				var tape autodiff.Tape
				A := tape.Var(m, k, a)
				A.SetTangent(da)
				var B, C *autodiff.Tensor
				if transposed {
					B = tape.Var(n, k, naiveT(b, k, n))
					B.SetTangent(naiveT(db, k, n))
					C = tape.MatMulT(A, B)
				} else {
					B = tape.Var(k, n, b)
					B.SetTangent(db)
					C = tape.MatMul(A, B)
				}
				L := tape.Sum(tape.Mul(C, tape.Const(m, n, w)))
				tape.Backward(L)
				assert.InDeltaSlice(t, naiveMul(a, b, m, k, n), C.Value(), 1e-12, "value")
				// ∂L/∂A = W·Bᵀ, ∂L/∂B = Aᵀ·W; Ċ = Ȧ·B + A·Ḃ.
				assert.InDeltaSlice(t, naiveMul(w, naiveT(b, k, n), m, n, k), A.Grad(), 1e-12, "adjoint of a")
				wantB := naiveMul(naiveT(a, m, k), w, k, m, n)
				if transposed {
					wantB = naiveT(wantB, k, n)
				}
				assert.InDeltaSlice(t, wantB, B.Grad(), 1e-12, "adjoint of b")
				want := naiveMul(da, b, m, k, n)
				for i, v := range naiveMul(a, db, m, k, n) {
					want[i] += v
				}
				require.NotNil(t, C.Tangent())
				assert.InDeltaSlice(t, want, C.Tangent(), 1e-12, "tangent")
			})
		}
	}
}
