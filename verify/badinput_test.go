package verify_test

import (
	"bytes"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
	"nabla/symbolic"
)

// TestBadArchitectures: absurd or malformed architecture strings are errors from nn.Parse,
// never panics, and a 10⁶-wide network is refused (or built) without allocating its
// parameters.
func TestBadArchitectures(t *testing.T) {
	for _, tc := range []struct {
		arch string
		want error
	}{
		{"", nn.ErrArchitecture},
		{"4", nn.ErrArchitecture},
		{"4-0-3", nn.ErrArchitecture},
		{"0-3", nn.ErrArchitecture},
		{"4--3", nn.ErrArchitecture},
		{"-4-3", nn.ErrArchitecture},
		{"4-x-3", nn.ErrArchitecture},
		{"4-3.5-3", nn.ErrArchitecture},
		{"4-99999999999999999999-3", nn.ErrArchitecture},
		{"4-3:softmax", nn.ErrUnknownActivation},
		{"4-3-2:relu,relu,relu", nn.ErrArchitecture},
		{"1000000-1000000-1", nn.ErrTooLarge},
		{"1000000-1000-1", nn.ErrTooLarge},
		{"9223372036854775807-9223372036854775807", nn.ErrTooLarge},
	} {
		t.Run(tc.arch, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = nn.Parse(tc.arch) })
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

// TestBadInputEveryEngine feeds every registered engine NaN and infinite parameters and data,
// mismatched sizes and empty batches: each must return the matching nn error, never panic.
func TestBadInputEveryEngine(t *testing.T) {
	net := nn.MustParse("3-4-2:tanh,sigmoid")
	A := net.Init(nil, 1)
	b := net.RandomBatch(5, 1)
	with := func(v float64, i int) []float64 {
		a := slices.Clone(A)
		a[i] = v
		return a
	}
	set := func(m *mat.Dense, r, c int, v float64) *mat.Dense {
		m = mat.DenseCopyOf(m)
		m.Set(r, c, v)
		return m
	}
	cases := []struct {
		name string
		A    []float64
		b    nn.Batch
		want error
	}{
		{"NaN parameter", with(math.NaN(), 3), b, nn.ErrNonFinite},
		{"+Inf parameter", with(math.Inf(1), 0), b, nn.ErrNonFinite},
		{"-Inf last parameter", with(math.Inf(-1), len(A)-1), b, nn.ErrNonFinite},
		{"NaN input", A, nn.Batch{X: set(b.X, 4, 2, math.NaN()), Z: b.Z}, nn.ErrNonFinite},
		{"Inf target", A, nn.Batch{X: b.X, Z: set(b.Z, 0, 1, math.Inf(-1))}, nn.ErrNonFinite},
		{"short A", A[:len(A)-1], b, nn.ErrShape},
		{"long A", append(slices.Clone(A), 0), b, nn.ErrShape},
		{"nil A", nil, b, nn.ErrShape},
		{"input too wide", A, nn.Batch{X: mat.NewDense(5, 4, nil), Z: b.Z}, nn.ErrShape},
		{"input too narrow", A, nn.Batch{X: mat.NewDense(5, 1, nil), Z: b.Z}, nn.ErrShape},
		{"target too wide", A, nn.Batch{X: b.X, Z: mat.NewDense(5, 3, nil)}, nn.ErrShape},
		{"rows differ", A, nn.Batch{X: b.X, Z: mat.NewDense(4, 2, nil)}, nn.ErrShape},
		{"empty batch", A, nn.Batch{}, nn.ErrEmptyBatch},
		{"no targets", A, nn.Batch{X: b.X}, nn.ErrEmptyBatch},
	}
	for _, name := range gradients.Names() {
		e, err := gradients.New(name, net)
		require.NoError(t, err)
		for _, tc := range cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				var err error
				require.NotPanics(t, func() { _, _, err = e.Gradient(nil, tc.A, tc.b) })
				assert.ErrorIs(t, err, tc.want)
				if d, ok := e.(gradients.Directional); ok {
					v := make([]float64, net.NumParams())
					require.NotPanics(t, func() { _, _, err = d.Directional(tc.A, v, tc.b) })
					assert.ErrorIs(t, err, tc.want, "Directional")
				}
			})
		}
		// The engine still works after the bad calls.
		_, _, err = e.Gradient(nil, A, b)
		assert.NoError(t, err, name)
	}
}

// TestNewBatchErrors: building a batch from ragged or empty rows is an error.
func TestNewBatchErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, z [][]float64
		want error
	}{
		{"no rows", nil, nil, nn.ErrEmptyBatch},
		{"counts differ", [][]float64{{1}}, [][]float64{{1}, {2}}, nn.ErrShape},
		{"ragged inputs", [][]float64{{1, 2}, {3}}, [][]float64{{1}, {2}}, nn.ErrShape},
		{"empty row", [][]float64{{}}, [][]float64{{1}}, nn.ErrShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = nn.NewBatch(tc.x, tc.z) })
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

// TestMalformedFormulas: the formula parser answers every malformed formula with an error
// that names the column, never a panic or a stack overflow.
func TestMalformedFormulas(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"empty", ""},
		{"dangling operator", "x+"},
		{"unclosed paren", "(x"},
		{"stray paren", "x)"},
		{"unclosed call", "sin("},
		{"bad character", "x $ y"},
		{"number out of range", "1e999"},
		{"double operator", "x^^2"},
		{"call without parens", "sin x"},
		{"unknown function", "foo(x)"},
		{"comma", "x,y"},
		{"invalid UTF-8", "\xff"},
		{"deep nesting", strings.Repeat("(", 100_000) + "x" + strings.Repeat(")", 100_000)},
		{"deep unary minus", strings.Repeat("-", 1_000_000) + "x"},
		{"long power tower", "x" + strings.Repeat("^x", 100_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = symbolic.Parse(tc.src) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), "column")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// TestCorruptIDX: the IDX reader answers truncated and malformed files with ErrTruncated or
// ErrFormat, and a header that announces gigabytes it does not hold costs no gigabytes.
func TestCorruptIDX(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, data.ErrTruncated},
		{"short magic", []byte{0, 0}, data.ErrTruncated},
		{"missing dimensions", []byte{0, 0, 8, 1}, data.ErrTruncated},
		{"short data", []byte{0, 0, 8, 1, 0, 0, 0, 5, 1, 2}, data.ErrTruncated},
		{"bad magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 1}, data.ErrFormat},
		{"unknown type", []byte{0, 0, 0x42, 1, 0, 0, 0, 1, 1}, data.ErrFormat},
		{"huge dimension", []byte{0, 0, 0x0d, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, data.ErrFormat},
		{"huge product", []byte{0, 0, 8, 4, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff}, data.ErrFormat},
		{"2 GB announced, 3 bytes held", []byte{0, 0, 8, 1, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3}, data.ErrTruncated},
		{"broken gzip", []byte{0x1f, 0x8b, 0, 0}, data.ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			require.NotPanics(t, func() { _, err = data.ReadIDX(bytes.NewReader(tc.in)) })
			runtime.ReadMemStats(&after)
			assert.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated reading %d bytes", len(tc.in))
		})
	}
}

// hugeKnown lists engines that cannot yet prepare a 10⁶-wide network cheaply, with why.
var hugeKnown = map[string]string{
	"symbolic": "New derives and compiles the whole expression DAG of all 10⁷ parameters, with no size guard",
}

// TestHugeNetworkPrepares: a 10⁶-wide network (10⁷ parameters, within nn.MaxParams) is
// prepared by every engine with its buffers only (under 512 MB), or refused with an error.
func TestHugeNetworkPrepares(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates up to a few hundred MB")
	}
	net, err := nn.Parse("1000000-10")
	require.NoError(t, err)
	for _, info := range gradients.All() {
		t.Run(info.Name, func(t *testing.T) {
			if why, ok := hugeKnown[info.Name]; ok {
				t.Skipf("known: %s", why)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var e gradients.Engine
			require.NotPanics(t, func() { e, err = info.New(net) })
			runtime.ReadMemStats(&after)
			if err != nil {
				assert.ErrorIs(t, err, gradients.ErrUnsupported)
				return
			}
			assert.NotNil(t, e)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(512<<20))
		})
	}
}
