package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idxBytes encodes an IDX file by hand (not with WriteIDX, so the two check each other).
func idxBytes(t Type, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, byte(t), byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gz(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write(raw)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestReadIDXGood(t *testing.T) {
	f32 := make([]byte, 8)
	binary.BigEndian.PutUint32(f32, math.Float32bits(1.5))
	binary.BigEndian.PutUint32(f32[4:], math.Float32bits(-2.25))
	f64 := make([]byte, 8)
	binary.BigEndian.PutUint64(f64, math.Float64bits(math.Pi))
	tests := []struct {
		name string
		typ  Type
		dims []uint32
		data []byte
		want []float64
	}{
		{"uint8 2x3", Uint8, []uint32{2, 3}, []byte{0, 1, 2, 128, 254, 255}, []float64{0, 1, 2, 128, 254, 255}},
		{"int8", Int8, []uint32{3}, []byte{0x7f, 0x80, 0xff}, []float64{127, -128, -1}},
		{"int16", Int16, []uint32{2}, []byte{0x01, 0x00, 0xff, 0xfe}, []float64{256, -2}},
		{"int32", Int32, []uint32{1, 1}, []byte{0xff, 0xff, 0xff, 0xfd}, []float64{-3}},
		{"float32", Float32, []uint32{2}, f32, []float64{1.5, -2.25}},
		{"float64", Float64, []uint32{1, 1, 1}, f64, []float64{math.Pi}},
		{"empty dimension", Uint8, []uint32{0, 28, 28}, nil, nil},
	}
	for _, tc := range tests {
		raw := idxBytes(tc.typ, tc.dims, tc.data)
		for _, enc := range []struct {
			name string
			b    []byte
		}{{"raw", raw}, {"gzip", gz(t, raw)}} {
			t.Run(tc.name+"/"+enc.name, func(t *testing.T) {
				x, err := ReadIDX(bytes.NewReader(enc.b))
				require.NoError(t, err)
				assert.Equal(t, tc.typ, x.Type)
				require.Len(t, x.Dims, len(tc.dims))
				for i, d := range tc.dims {
					assert.Equal(t, int(d), x.Dims[i])
				}
				require.Equal(t, len(tc.want), x.Len())
				for i, w := range tc.want {
					assert.InDelta(t, w, x.Float64(i), 0, "element %d", i)
				}
				// WriteIDX gives back the same bytes.
				var out bytes.Buffer
				require.NoError(t, WriteIDX(&out, x))
				assert.Equal(t, raw, out.Bytes())
			})
		}
	}
}

func TestReadIDXBroken(t *testing.T) {
	good := idxBytes(Uint8, []uint32{2, 2}, []byte{1, 2, 3, 4})
	gzGood := gz(t, good)
	badCRC := append([]byte(nil), gzGood...)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 of the gzip trailer
	tests := []struct {
		name    string
		in      []byte
		want    error
		message string
	}{
		{"empty", nil, ErrTruncated, "empty file"},
		{"short magic", []byte{0, 0, 8}, ErrTruncated, "3 of 4 magic bytes"},
		{"bad magic", []byte{1, 2, 8, 1, 0, 0, 0, 0}, ErrFormat, "does not start with two zero bytes"},
		{"text file", []byte("hello, world\n"), ErrFormat, "not an IDX file"},
		{"unknown type", []byte{0, 0, 0x0a, 1, 0, 0, 0, 0}, ErrFormat, "unknown element type 0x0a"},
		{"zero dimensions", []byte{0, 0, 8, 0}, ErrFormat, "0 dimensions"},
		{"short header", []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0}, ErrTruncated, "3 dimensions"},
		{"short payload", good[:len(good)-1], ErrTruncated, "header says 2×2 uint8 (4 bytes of data), file has 3"},
		{"no payload", good[:12], ErrTruncated, "file has 0"},
		{"trailing bytes", append(append([]byte(nil), good...), 9, 9), ErrFormat, "file has 2 more"},
		{"huge dimensions", idxBytes(Uint8, []uint32{1 << 20, 1 << 20}, nil), ErrFormat, "more than 2147483648 elements"},
		{"huge float64 file truncated", idxBytes(Float64, []uint32{1 << 30}, []byte{1}), ErrTruncated, "8589934592 bytes of data"},
		{"gzip truncated", gzGood[:len(gzGood)/2], ErrTruncated, ""},
		{"gzip truncated in trailer", gzGood[:len(gzGood)-3], ErrTruncated, "gzip stream ends early"},
		{"gzip header only", gzGood[:2], ErrTruncated, ""},
		{"gzip bad checksum", badCRC, ErrFormat, "checksum"},
		{"gzip then garbage", append(append([]byte(nil), gzGood...), 0, 1, 2), ErrFormat, "after the gzip stream"},
		{"gzip of truncated idx", gz(t, good[:len(good)-2]), ErrTruncated, "file has 2"},
		{"gzip of text", gz(t, []byte("not idx")), ErrFormat, "not an IDX file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadIDX(bytes.NewReader(tc.in))
			require.Error(t, err)
			assert.Nil(t, x)
			assert.True(t, errors.Is(err, tc.want), "error %q should wrap %v", err, tc.want)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad-idx1-ubyte")
	require.NoError(t, os.WriteFile(p, []byte{0, 0, 8, 1, 0, 0, 0, 5, 1}, 0o644))
	_, err := ReadIDXFile(p)
	require.ErrorIs(t, err, ErrTruncated)
	assert.Contains(t, err.Error(), "read "+p+": ")
	_, err = ReadIDXFile(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestWriteIDXErrors(t *testing.T) {
	for _, x := range []*IDX{
		{Type: 0x01, Dims: []int{1}, Data: []byte{1}},
		{Type: Uint8, Dims: nil},
		{Type: Uint8, Dims: []int{-1}},
		{Type: Int16, Dims: []int{2}, Data: []byte{1, 2}},
	} {
		assert.ErrorIs(t, WriteIDX(&bytes.Buffer{}, x), ErrFormat)
	}
}

// FuzzReadIDX checks that no input makes the reader panic, that every error is classified,
// and that what it accepts is consistent and written back byte for byte.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(Uint8, []uint32{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(idxBytes(Float64, []uint32{1}, make([]byte, 8)))
	f.Add(idxBytes(Int16, []uint32{1, 2, 1}, []byte{0, 1, 2, 3}))
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 2})
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write(idxBytes(Uint8, []uint32{3}, []byte{7, 8, 9}))
	_ = w.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if len(x.Data) != x.Len()*x.Type.Size() {
			t.Fatalf("accepted %v %s with %d bytes", x.Dims, x.Type, len(x.Data))
		}
		var out bytes.Buffer
		if err := WriteIDX(&out, x); err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		if len(in) > 1 && in[0] == 0x1f && in[1] == 0x8b {
			return // compressed input: the decompressed bytes differ
		}
		if !bytes.Equal(out.Bytes(), in) {
			t.Fatalf("write-back differs from input")
		}
	})
}
