package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"nabla/gradients"
	"nabla/internal/jsonnum"
	"nabla/mutants"
	"nabla/nn"
	"nabla/reports"
)

func init() {
	register(&command{
		name:    "grad",
		summary: "compute K and ∇K for given parameters and data, to hold against another framework",
		usage:   "--net 3-4-2 --params A.json --batch batch.json [--act NAME] [--cost quadratic|xent] [--engine backprop] [--format json|table|markdown|csv] [--wide]",
		setup:   setupGrad,
	})
}

var gradFormats = []string{fmtJSON, fmtTable, fmtMarkdown, fmtCSV}

func setupGrad(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	arch := fs.String("net", "", "architecture, e.g. 3-4-2 (sigmoid everywhere) or 3-4-2:tanh,identity (required)")
	act := fs.String("act", "", "activation for every layer, overriding the one in --net: "+activationNames())
	cost := costFlag(fs)
	paramsPath := fs.String("params", "", `JSON file {"A": [...]}: every weight and bias in one flat array; for layer l = 1, 2, …
first Wl (outputs × inputs, row-major: Wl[i,j] is the weight from input j to output i),
then bl. For 3-4-2 that is W1 (4×3), b1 (4), W2 (2×4), b2 (2): 26 numbers (required)`)
	batchPath := fs.String("batch", "", `JSON file {"X": [[...], ...], "Z": [[...], ...]}: one row per training pair, X the
inputs, Z the targets z̄; K = Σᵢ ‖z⁽ⁱ⁾ − z̄⁽ⁱ⁾‖² is summed over the pairs, not averaged (required)`)
	engine := fs.String("engine", "backprop", "engine that computes the gradient; registered:\n"+strings.Join(gradients.Names(), ", ")+
		"\nor mutant:FAULT, a faulty hand-coded gradient of the mutants catalogue (see nabla mutate)")
	out := outputFlag(fs, fmtJSON, gradFormats...)
	fs.Lookup("format").Usage = `output format (json|table|markdown|csv). json is {"net", "engine", "batch", "K",
"grad": [∇K in the layout of A], "blocks": {"W1": [[row], ...], "b1": [...], ...}}`
	return func(args []string, stdout, stderr io.Writer) error {
		if err := noArgs("grad", args); err != nil {
			return err
		}
		net, err := parseNet(*arch, *act, *cost)
		if err != nil {
			return err
		}
		if *paramsPath == "" {
			return usageErr(`--params is required: a JSON file {"A": [%d numbers]} (%s)`, net.NumParams(), layoutOf(net))
		}
		if *batchPath == "" {
			return usageErr(`--batch is required: a JSON file {"X": [[%d inputs], ...], "Z": [[%d targets], ...]}`, net.Inputs(), net.Outputs())
		}
		fault, isMutant := strings.CutPrefix(*engine, "mutant:")
		var f mutants.Fault
		if isMutant {
			if f, err = mutants.Lookup(fault); err != nil {
				return usageErr("--engine: %v", err)
			}
		} else if _, err := gradients.Lookup(*engine); err != nil {
			return usageErr("--engine: %v", err)
		}
		A, err := readParams(*paramsPath, net)
		if err != nil {
			return inputErr(err)
		}
		b, err := readBatch(*batchPath, net)
		if err != nil {
			return inputErr(err)
		}
		var g []float64
		var k float64
		if isMutant {
			g, k, err = mutants.Gradient(net, f, A, b)
		} else {
			g, k, err = gradients.Grad(*engine, net, A, b)
		}
		if err != nil {
			return fmt.Errorf("engine %s: %w", *engine, err)
		}
		res := reports.NewGradientResult(net, *engine, b.Len(), k, g)
		if out.is(fmtJSON) {
			err = res.JSON(stdout)
		} else {
			err = res.Write(stdout, out.table())
		}
		if err != nil {
			return err
		}
		return nonFinite(k, g, net)
	}
}

// nonFinite is a finding (exit 1) when K or an entry of ∇K is NaN or ±Inf, naming the first.
func nonFinite(k float64, g []float64, net *nn.Network) error {
	hint := "scale the inputs or parameters down; in training, lower η (--eta)"
	if math.IsNaN(k) || math.IsInf(k, 0) {
		return findingHint(hint, "K is %v: the result is not finite", k)
	}
	for i, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return findingHint(hint, "∂K/∂%s is %v: the gradient is not finite", net.ParamName(i), v)
		}
	}
	return nil
}

// savedNet returns the architecture a saved model names ("net"), or "" when the file has none.
func savedNet(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var f struct {
		Net string `json:"net"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return "", fmt.Errorf("%s: %s", path, describeJSONError(data, err))
	}
	return f.Net, nil
}

// writeModel writes the parameters in the layout of grad --params, with the architecture:
// {"net": "2-4-1", "A": [...]}.
func writeModel(path string, net *nn.Network, A []float64) error {
	var b bytes.Buffer
	if err := jsonnum.Encode(&b, struct {
		Net string    `json:"net"`
		A   []float64 `json:"A"`
	}{net.String(), A}); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// layoutOf describes the blocks of A in order: "W1 (4×3), b1 (4), W2 (2×4), b2 (2)".
func layoutOf(net *nn.Network) string {
	parts := make([]string, 0, len(net.Blocks()))
	for _, b := range net.Blocks() {
		parts = append(parts, b.String())
	}
	return strings.Join(parts, ", ")
}

// readParams reads {"A": [...]} and checks it against the network.
func readParams(path string, net *nn.Network) ([]float64, error) {
	var f struct {
		// Net is the architecture a saved model (train --save) names; optional.
		Net string     `json:"net,omitempty"`
		A   []*float64 `json:"A"` // pointers, so that null is told apart from 0
	}
	want := fmt.Sprintf(`{"A": [%d numbers]} (%s, row-major)`, net.NumParams(), layoutOf(net))
	if err := decodeFile(path, &f, want); err != nil {
		return nil, err
	}
	if f.Net != "" && f.Net != net.String() {
		return nil, fmt.Errorf("%s holds parameters of %s, not of %s; give --net %s", path, f.Net, net, f.Net)
	}
	if f.A == nil {
		return nil, fmt.Errorf(`%s: no "A" array; want %s`, path, want)
	}
	A, err := flatVector(path, "A", f.A, net)
	if err != nil {
		return nil, err
	}
	if err := net.CheckParams(A); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return A, nil
}

// flatVector checks a vector read as key from path against the layout of A: one number per
// parameter, no null.
func flatVector(path, key string, v []*float64, net *nn.Network) ([]float64, error) {
	if len(v) != net.NumParams() {
		return nil, fmt.Errorf("%s: %s has %s; network %s has %s: %s", path, key, count(len(v), "number"), net, count(net.NumParams(), "parameter"), layoutOf(net))
	}
	out := make([]float64, len(v))
	for i, p := range v {
		if p == nil {
			return nil, fmt.Errorf("%s: entry %d of %s (%s) is null; want a number", path, i+1, key, net.ParamName(i))
		}
		out[i] = *p
	}
	return out, nil
}

// readBatch reads {"X": [[...], ...], "Z": [[...], ...]} and checks it against the network.
func readBatch(path string, net *nn.Network) (nn.Batch, error) {
	var f struct {
		X [][]*float64 `json:"X"`
		Z [][]*float64 `json:"Z"`
	}
	want := fmt.Sprintf(`{"X": [[%s], ...], "Z": [[%s], ...]}, one row per training pair`, count(net.Inputs(), "input"), count(net.Outputs(), "target"))
	if err := decodeFile(path, &f, want); err != nil {
		return nn.Batch{}, err
	}
	rows := func(name string, m [][]*float64, width int, what string) ([][]float64, error) {
		if m == nil {
			return nil, fmt.Errorf(`%s: no %q array; want %s`, path, name, want)
		}
		out := make([][]float64, len(m))
		for i, r := range m {
			if len(r) != width {
				return nil, fmt.Errorf("%s: %s row %d has %s; network %s has %s", path, name, i+1, count(len(r), "number"), net, count(width, what))
			}
			out[i] = make([]float64, width)
			for j, p := range r {
				if p == nil {
					return nil, fmt.Errorf("%s: %s row %d, column %d is null; want a number", path, name, i+1, j+1)
				}
				out[i][j] = *p
			}
		}
		return out, nil
	}
	x, err := rows("X", f.X, net.Inputs(), "input")
	if err != nil {
		return nn.Batch{}, err
	}
	z, err := rows("Z", f.Z, net.Outputs(), "output")
	if err != nil {
		return nn.Batch{}, err
	}
	if len(x) == 0 {
		return nn.Batch{}, fmt.Errorf("%s: X has no rows; want at least one training pair", path)
	}
	if len(x) != len(z) {
		return nn.Batch{}, fmt.Errorf("%s: X has %s but Z has %d; want one target row per input row", path, count(len(x), "row"), len(z))
	}
	b, err := nn.NewBatch(x, z)
	if err != nil {
		return nn.Batch{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := net.CheckBatch(b); err != nil {
		return nn.Batch{}, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// decodeFile reads one JSON object from path into v, rejecting unknown keys and trailing
// data, and turns decoding errors into one line that says where and what was expected.
func decodeFile(path string, v any, want string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err // *PathError names the file
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %s; want %s", path, describeJSONError(data, err), want)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %s: data after the JSON object; want %s", path, position(data, dec.InputOffset()), want)
	}
	return nil
}

// describeJSONError rewords encoding/json's errors with line and column.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		msg := fmt.Sprintf("malformed JSON at %s: %v", position(data, syn.Offset), syn)
		if s := string(data[max(0, syn.Offset-1):min(int64(len(data)), syn.Offset+2)]); strings.ContainsAny(s, "NI") {
			msg += " (JSON has no NaN or Infinity)"
		}
		return msg
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "the top level"
		}
		if strings.HasPrefix(typ.Value, "number ") {
			return fmt.Sprintf("%s: %s is out of float64 range (at %s)", where, strings.TrimPrefix(typ.Value, "number "), position(data, typ.Offset))
		}
		return fmt.Sprintf("%s: found a JSON %s where %s belongs (at %s)", where, typ.Value, jsonKind(typ.Type.String()), position(data, typ.Offset))
	case errors.Is(err, io.EOF):
		return "empty file"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the file ends inside a value"
	}
	return strings.TrimPrefix(err.Error(), "json: ") // unknown field and the like are already clear
}

// count writes n and the noun, plural unless n is 1: "1 input", "3 inputs".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// jsonKind names what a Go type is in JSON terms.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "struct"):
		return "an object"
	case strings.HasPrefix(goType, "[][]"):
		return "an array of rows (arrays of numbers)"
	case strings.HasPrefix(goType, "[]"):
		return "an array of numbers"
	case strings.Contains(goType, "float64"):
		return "a number"
	}
	return goType
}

// position turns a byte offset into "line L, column C" (1-based).
func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - int64(bytes.LastIndexByte(before, '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}
