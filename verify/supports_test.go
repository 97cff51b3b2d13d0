package verify_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// unknownLayer is a layer kind no engine's switch names: a dense layer under another type.
// nn's reference pass computes it (the methods are the dense layer's), so engines that
// evaluate K with that pass handle it and every other engine must refuse it.
type unknownLayer struct{ *nn.Dense }

// TestSupportsPreflight holds every registered engine's pre-flight against its New: an engine
// that refuses a layer kind in SupportsLayer is never built for it, and one that accepts a
// network builds an engine whose gradient agrees with the reference differences.
func TestSupportsPreflight(t *testing.T) {
	dense := nn.MustParse("3-4-2:tanh,identity")
	odd, err := nn.New(&nn.Dense{In: 3, Out: 4, Act: nn.Tanh}, unknownLayer{&nn.Dense{In: 4, Out: 2, Act: nn.Identity}})
	require.NoError(t, err)
	A, b := dense.Init(nil, 3), dense.RandomBatch(5, 3)
	for _, info := range gradients.All() {
		t.Run(info.Name, func(t *testing.T) {
			require.NoError(t, info.Supports(dense), "every engine handles dense layers")
			_, err := info.New(dense)
			require.NoError(t, err)

			e, err := info.New(odd)
			if serr := info.Supports(odd); serr != nil {
				assert.ErrorIs(t, serr, gradients.ErrUnsupported)
				assert.Contains(t, serr.Error(), "layer 2: ")
				assert.ErrorIs(t, err, gradients.ErrUnsupported, "New refuses what Supports refuses")
				assert.Nil(t, e)
				return
			}
			require.NoError(t, err, "New builds what Supports accepts")
			got, _, err := e.Gradient(nil, A, b)
			require.NoError(t, err)
			want, _, err := gradients.Grad("backprop", dense, A, b)
			require.NoError(t, err)
			for i := range want {
				assert.LessOrEqual(t, gradients.RelErr(want[i], got[i]), info.Tol()+1e-12, dense.ParamName(i))
			}
		})
	}
}
