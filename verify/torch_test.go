package verify_test

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/gradients"
	"nabla/nn"
)

// TestCNNMatchesPyTorch holds every registered engine against PyTorch's K and ∇K for the same
// convolutional networks, parameters and data. testdata/torch_cnn_grad.py (python3-torch,
// float64) wrote testdata/torch_cnn_grad.txt; parameters, inputs and targets follow closed
// formulas that the script and this test evaluate alike. Exact engines must match to 1e-12
// relative, difference engines to their own tolerances.
func TestCNNMatchesPyTorch(t *testing.T) {
	f, err := os.Open("testdata/torch_cnn_grad.txt")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	cases := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		arch := fields[0]
		n, err := strconv.Atoi(fields[1])
		require.NoError(t, err)
		nums := make([]float64, len(fields)-2)
		for i, s := range fields[2:] {
			nums[i], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		wantK, want := nums[0], nums[1:]
		net := nn.MustParse(arch)
		require.Len(t, want, net.NumParams(), arch)
		A := make([]float64, net.NumParams())
		for i := range A {
			A[i] = 0.5 * math.Sin(1.3*float64(i)+0.7)
		}
		x := mat.NewDense(n, net.Inputs(), nil)
		z := mat.NewDense(n, net.Outputs(), nil)
		for m := 0; m < n; m++ {
			for j := 0; j < net.Inputs(); j++ {
				x.Set(m, j, math.Cos(0.9*float64(m*net.Inputs()+j)+0.2))
			}
			for k := 0; k < net.Outputs(); k++ {
				z.Set(m, k, 0.5+0.4*math.Sin(2.1*float64(m*net.Outputs()+k)))
			}
		}
		b := nn.Batch{X: x, Z: z}
		cases++
		t.Run(arch, func(t *testing.T) {
			names := gradients.Names()
			require.GreaterOrEqual(t, len(names), 4)
			for _, name := range names {
				results, err := gradients.Run([]string{name}, net, A, b)
				require.NoError(t, err, name)
				r := results[0]
				tol := max(r.Tolerance, 1e-12)
				assert.LessOrEqual(t, gradients.RelErr(wantK, r.K), 1e-12, "%s: K %v, PyTorch %v", name, r.K, wantK)
				for i, g := range r.Grad {
					assert.LessOrEqual(t, gradients.RelErr(want[i], g), tol, "%s: %s = %v, PyTorch %v", name, net.ParamName(i), g, want[i])
				}
			}
		})
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 2, cases)
}
