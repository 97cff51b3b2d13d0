package jsonnum

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	Err  float64   `json:"err"`
	Errs []float64 `json:"errs,omitempty"`
}

type Embedded struct {
	K float64 `json:"K"`
}

type outer struct {
	Embedded
	Name    string             `json:"name"`
	Count   int                `json:"count"`
	In      inner              `json:"in"`
	Ptr     *inner             `json:"ptr,omitempty"`
	ByName  map[string]float64 `json:"by_name"`
	Rows    [][]float64        `json:"rows"`
	Any     any                `json:"any,omitempty"`
	Skipped float64            `json:"-"`
	hidden  float64
}

func TestMarshalPolicy(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	v := outer{Embedded: Embedded{K: inf}, Name: "x", Count: 3, In: inner{Err: nan, Errs: []float64{1, math.Inf(-1)}},
		Ptr: &inner{Err: 0.1}, ByName: map[string]float64{"a": inf}, Rows: [][]float64{{1.5, nan}}, Any: []float64{inf},
		Skipped: 7, hidden: 8}
	b, err := Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"K": "+Inf", "name": "x", "count": 3, "in": {"err": "NaN", "errs": [1, "-Inf"]},
		"ptr": {"err": 0.1}, "by_name": {"a": "+Inf"}, "rows": [[1.5, "NaN"]], "any": ["+Inf"]}`, string(b))

	var back outer
	require.NoError(t, Unmarshal(b, &back))
	assert.True(t, math.IsInf(back.K, 1))
	assert.True(t, math.IsNaN(back.In.Err))
	assert.Equal(t, []float64{1, math.Inf(-1)}, back.In.Errs)
	assert.InDelta(t, 0.1, back.Ptr.Err, 0)
	assert.True(t, math.IsInf(back.ByName["a"], 1))
	assert.Equal(t, 1.5, back.Rows[0][0])
	assert.True(t, math.IsNaN(back.Rows[0][1]))
	assert.Equal(t, "x", back.Name)
	assert.Equal(t, 3, back.Count)
}

func TestPlainTypesUnchanged(t *testing.T) {
	type plain struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	b, err := Marshal(plain{1, "x"})
	require.NoError(t, err)
	assert.Equal(t, `{"a":1,"b":"x"}`, string(b))
	f, err := Marshal(2.5)
	require.NoError(t, err)
	assert.Equal(t, "2.5", string(f))
	f, err = Marshal(math.Inf(-1))
	require.NoError(t, err)
	assert.Equal(t, `"-Inf"`, string(f))
}

func TestDecodeStrict(t *testing.T) {
	var v inner
	err := Decode(strings.NewReader(`{"err": 1, "extra": 2}`), &v, true)
	assert.ErrorContains(t, err, "extra")
	require.NoError(t, Decode(strings.NewReader(`{"err": 1, "extra": 2}`), &v, false))
	assert.Equal(t, 1.0, v.Err)
	err = Decode(strings.NewReader(`{"err": "lots"}`), &v, false)
	assert.ErrorContains(t, err, `"lots" is not a number`)
}

func TestEncodeIndents(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, inner{Err: math.NaN()}))
	assert.Equal(t, "{\n  \"err\": \"NaN\"\n}\n", buf.String())
}
