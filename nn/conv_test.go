package nn_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"nabla/nn"
)

// TestConvForwardByHand checks the reference convolution on small images worked out by hand.
func TestConvForwardByHand(t *testing.T) {
	x := []float64{1, 2, 0, 0, 1, 3, 2, 1, 1} // 1×3×3: [1 2 0; 0 1 3; 2 1 1]
	for _, tc := range []struct {
		name         string
		c            nn.Conv2D
		kernel, bias []float64
		want         []float64
	}{
		// [1 −1; 2 0] correlated with x: [−1 4; 3 0], plus 0.5.
		{"valid", nn.Conv2D{C: 1, H: 3, W: 3, F: 1, K: 2, Stride: 1}, []float64{1, -1, 2, 0}, []float64{0.5}, []float64{-0.5, 4.5, 3.5, 0.5}},
		// Stride 2 with one zero around x: output (p,q) puts tap k[i,j] on x[2p−1+i, 2q−1+j].
		// (0,0): k[1,1]·x[0,0] = 0.                  (0,1): k[1,0]·x[0,1] + k[1,1]·x[0,2] = 4.
		// (1,0): k[0,1]·x[1,0] + k[1,1]·x[2,0] = 0.  (1,1): 1·1 − 1·3 + 2·1 + 0·1 = 0.
		{"stride2-pad1", nn.Conv2D{C: 1, H: 3, W: 3, F: 1, K: 2, Stride: 2, Pad: 1}, []float64{1, -1, 2, 0}, []float64{0},
			[]float64{0, 4, 0, 0}},
		// Two channels, two filters, 1×1 kernels: a per-pixel linear map of the channels.
		{"channels", nn.Conv2D{C: 2, H: 1, W: 2, F: 2, K: 1, Stride: 1}, []float64{1, 10, -1, 0}, []float64{0, 1},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := x
			if tc.c.C == 2 {
				in = []float64{1, 2, 3, 4} // channel 1: [1 2], channel 2: [3 4]
				tc.want = []float64{1 + 30, 2 + 40, -1 + 1, -2 + 1}
			}
			cols := make([]float64, tc.c.C*tc.c.K*tc.c.K*tc.c.OutH()*tc.c.OutW())
			got := make([]float64, tc.c.Outputs())
			tc.c.ConvForward(got, in, 1, tc.kernel, tc.bias, cols)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestPoolForwardByHand checks both poolings on a 1×4×4 image and on two images at once.
func TestPoolForwardByHand(t *testing.T) {
	x := []float64{
		1, 5, 2, 0,
		3, 4, 2, 2,
		-1, -2, 7, 1,
		-3, -4, 0, 8,
	}
	mp := nn.MaxPool{Pool: nn.Pool{C: 1, H: 4, W: 4, P: 2, Stride: 2}}
	got := make([]float64, 4)
	mp.MaxForward(got, x, 1)
	assert.Equal(t, []float64{5, 2, -1, 8}, got)
	ap := nn.AvgPool{Pool: nn.Pool{C: 1, H: 4, W: 4, P: 2, Stride: 2}}
	ap.AvgForward(got, x, 1)
	assert.Equal(t, []float64{13.0 / 4, 6.0 / 4, -10.0 / 4, 16.0 / 4}, got)
	over := nn.MaxPool{Pool: nn.Pool{C: 1, H: 4, W: 4, P: 3, Stride: 1}}
	two := make([]float64, 8)
	over.MaxForward(two, append(append([]float64(nil), x...), x...), 2)
	assert.Equal(t, []float64{7, 7, 7, 8, 7, 7, 7, 8}, two)
}
