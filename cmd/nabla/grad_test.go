package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nabla/gradients"
	"nabla/nn"
)

// writeFiles writes the params and batch files into a temporary directory.
func writeFiles(t *testing.T, params, batch string) (pPath, bPath string) {
	t.Helper()
	dir := t.TempDir()
	pPath, bPath = filepath.Join(dir, "A.json"), filepath.Join(dir, "batch.json")
	require.NoError(t, os.WriteFile(pPath, []byte(params), 0o644))
	require.NoError(t, os.WriteFile(bPath, []byte(batch), 0o644))
	return pPath, bPath
}

// handCases are 2-2-1 networks whose K and ∇K are worked out by hand. Layout of A:
// W1[1,1] W1[1,2] W1[2,1] W1[2,2] b1[1] b1[2] W2[1,1] W2[1,2] b2[1].
var handCases = []struct {
	name, net, params, batch string
	cost                     string // --cost; empty means the default, quadratic
	K                        float64
	grad                     []float64
	blocks                   string // the "blocks" object, as JSON
}{
	{
		// W1 = [[1, −1], [½, 2]], b1 = (0, −3), W2 = [2, −1], b2 = ½; ReLU then identity.
		// Pair 1: x = (1, 2), z̄ = 1.
		//   ŷ = W1 x + b1 = (1 − 2 + 0, ½ + 4 − 3) = (−1, 1.5); y = ReLU(ŷ) = (0, 1.5).
		//   z = W2 y + b2 = 0 − 1.5 + ½ = −1; z − z̄ = −2; K₁ = 4.
		//   δ = 2(z − z̄)·1 = −4 (identity′ = 1): ∂W2 = δ yᵀ = (0, −6), ∂b2 = −4.
		//   γ = (W2ᵀ δ) ⊙ ReLU′(ŷ) = (2·−4·0, −1·−4·1) = (0, 4): ∂W1 = γ xᵀ = [[0, 0], [4, 8]], ∂b1 = (0, 4).
		// Pair 2: x = (2, 0), z̄ = 0.
		//   ŷ = (2 − 0 + 0, 1 + 0 − 3) = (2, −2); y = (2, 0).
		//   z = 4 − 0 + ½ = 4.5; z − z̄ = 4.5; K₂ = 20.25.
		//   δ = 9: ∂W2 = (18, 0), ∂b2 = 9.
		//   γ = (2·9·1, −1·9·0) = (18, 0): ∂W1 = [[36, 0], [0, 0]], ∂b1 = (18, 0).
		// Sums: K = 24.25, ∂W1 = [[36, 0], [4, 8]], ∂b1 = (18, 4), ∂W2 = (18, −6), ∂b2 = 5.
		name: "relu-identity-two-pairs", net: "2-2-1:relu,identity",
		params: `{"A": [1, -1, 0.5, 2,  0, -3,  2, -1,  0.5]}`,
		batch:  `{"X": [[1, 2], [2, 0]], "Z": [[1], [0]]}`,
		K:      24.25,
		grad:   []float64{36, 0, 4, 8, 18, 4, 18, -6, 5},
		blocks: `{"W1": [[36, 0], [4, 8]], "b1": [18, 4], "W2": [[18, -6]], "b2": [5]}`,
	},
	{
		// Sigmoid everywhere (the notes' network). W1 = 0, b1 = 0, W2 = [1, −1], b2 = 0.
		// x = (2, −4), z̄ = 1.
		//   ŷ = (0, 0); y = σ(0) = (½, ½); σ′(0) = σ(0)(1 − σ(0)) = ¼.
		//   z = σ(½ − ½ + 0) = σ(0) = ½; z − z̄ = −½; K = ¼.
		//   δ = 2(z − z̄)·σ′(0) = 2·(−½)·¼ = −¼: ∂W2 = δ yᵀ = (−⅛, −⅛), ∂b2 = −¼.
		//   γ = (W2ᵀ δ) ⊙ σ′(ŷ) = (1·−¼·¼, −1·−¼·¼) = (−1/16, 1/16).
		//   ∂W1 = γ xᵀ = [[−⅛, ¼], [⅛, −¼]], ∂b1 = (−1/16, 1/16).
		name: "sigmoid-one-pair", net: "2-2-1",
		params: `{"A": [0, 0, 0, 0,  0, 0,  1, -1,  0]}`,
		batch:  `{"X": [[2, -4]], "Z": [[1]]}`,
		K:      0.25,
		grad:   []float64{-0.125, 0.25, 0.125, -0.25, -0.0625, 0.0625, -0.125, -0.125, -0.25},
		blocks: `{"W1": [[-0.125, 0.25], [0.125, -0.25]], "b1": [-0.0625, 0.0625], "W2": [[-0.125, -0.125]], "b2": [-0.25]}`,
	},
	{
		// A convolutional network on one 1×3×3 image x = [1 2 0; 0 1 3; 2 1 1], z̄ = 7. Layout:
		// K1 (1×1×2×2) = [1 −1; 2 0], c1 = ½, W3 = 2, b3 = −1; identity everywhere.
		//   ŷ[p,q] = Σᵢⱼ K1[i,j]·x[p+i,q+j] + ½ = [−½ 4½; 3½ ½]; max pooling 2×2 picks 4½ at (1, 2).
		//   z = 2·4½ − 1 = 8; z − z̄ = 1; K = 1; δ = 2: ∂W3 = 2·4½ = 9, ∂b3 = 2.
		//   δ of the pooled pixel 2·W3 = 4, routed to (1, 2) only: ∂c1 = 4, and ∂K1 = 4 times
		//   the window under (1, 2), x[1:3, 2:4] = [2 0; 1 3]: [8 0; 4 12].
		name: "cnn-1x3x3-maxpool", net: "1x3x3-conv1@2x2-maxpool2-1:identity,identity",
		params: `{"A": [1, -1, 2, 0,  0.5,  2,  -1]}`,
		batch:  `{"X": [[1, 2, 0, 0, 1, 3, 2, 1, 1]], "Z": [[7]]}`,
		K:      1,
		grad:   []float64{8, 0, 4, 12, 4, 9, 2},
		blocks: `{"K1": [[[[8, 0], [4, 12]]]], "c1": [4], "W3": [[9]], "b3": [2]}`,
	},
	{
		// Softmax + cross-entropy, K = Σᵢ Σₖ z̄ₖ (LSE(z) − zₖ), ∂K/∂z = p·Σz̄ − z̄, p = softmax(z).
		// 2-2-2, ReLU then identity. W1 = [[1, −1], [½, 2]], b1 = (0, −3), W2 = [[2, −1], [0, 1]],
		// b2 = (1.5, −1.5). Layout: W1 (4), b1 (2), W2 (4), b2 (2).
		// Pair 1: x = (1, 2), z̄ = (1, 0).
		//   ŷ = (1 − 2, ½ + 4 − 3) = (−1, 1.5); y = (0, 1.5).
		//   z = (0 − 1.5 + 1.5, 0 + 1.5 − 1.5) = (0, 0); p = (½, ½); LSE = log 2; K₁ = log 2.
		//   δ = p·1 − z̄ = (−½, ½): ∂W2 = δ yᵀ = [[0, −¾], [0, ¾]], ∂b2 = (−½, ½).
		//   W2ᵀδ = (2·−½ + 0·½, −1·−½ + 1·½) = (−1, 1); ReLU′(ŷ) = (0, 1); γ = (0, 1):
		//   ∂W1 = γ xᵀ = [[0, 0], [1, 2]], ∂b1 = (0, 1).
		// Pair 2: x = (3, 2), z̄ = (2, 0) (a target summing to 2 counts the pair twice).
		//   ŷ = (3 − 2, 1.5 + 4 − 3) = (1, 2.5); y = (1, 2.5).
		//   z = (2 − 2.5 + 1.5, 2.5 − 1.5) = (1, 1); p = (½, ½); LSE = 1 + log 2;
		//   K₂ = 2·(1 + log 2 − 1) = 2 log 2.
		//   δ = p·2 − z̄ = (−1, 1) (p − z̄ would be (−1.5, ½)): ∂W2 = [[−1, −2.5], [1, 2.5]], ∂b2 = (−1, 1).
		//   W2ᵀδ = (−2, 2); ReLU′(ŷ) = (1, 1); γ = (−2, 2): ∂W1 = [[−6, −4], [6, 4]], ∂b1 = (−2, 2).
		// Sums: K = 3 log 2, ∂W1 = [[−6, −4], [7, 6]], ∂b1 = (−2, 3), ∂W2 = [[−1, −3.25], [1, 3.25]],
		// ∂b2 = (−1.5, 1.5).
		name: "xent-relu-identity-two-pairs", net: "2-2-2:relu,identity", cost: "xent",
		params: `{"A": [1, -1, 0.5, 2,  0, -3,  2, -1, 0, 1,  1.5, -1.5]}`,
		batch:  `{"X": [[1, 2], [3, 2]], "Z": [[1, 0], [2, 0]]}`,
		K:      3 * math.Ln2,
		grad:   []float64{-6, -4, 7, 6, -2, 3, -1, -3.25, 1, 3.25, -1.5, 1.5},
		blocks: `{"W1": [[-6, -4], [7, 6]], "b1": [-2, 3], "W2": [[-1, -3.25], [1, 3.25]], "b2": [-1.5, 1.5]}`,
	},
}

// Every registered engine that supports the network reproduces the hand-worked K and ∇K,
// within its own tolerance.
func TestGradHandChecked(t *testing.T) {
	require.Contains(t, gradients.Names(), "backprop", "the default engine must be linked in")
	for _, c := range handCases {
		for _, info := range gradients.All() {
			t.Run(c.name+"/"+info.Name, func(t *testing.T) {
				cost, err := nn.ParseCost(c.cost)
				require.NoError(t, err)
				if _, err := info.New(nn.MustParse(c.net).WithCost(cost)); errors.Is(err, gradients.ErrUnsupported) {
					t.Skip(err)
				}
				p, b := writeFiles(t, c.params, c.batch)
				args := []string{"grad", "--net", c.net, "--params", p, "--batch", b, "--engine", info.Name}
				if c.cost != "" {
					args = append(args, "--cost", c.cost)
				}
				code, out, errOut := runCLI(t, args...)
				require.Equal(t, 0, code, errOut)
				assert.Empty(t, errOut)
				var got struct {
					Net    string                     `json:"net"`
					Cost   string                     `json:"cost"`
					Engine string                     `json:"engine"`
					Batch  int                        `json:"batch"`
					K      float64                    `json:"K"`
					Grad   []float64                  `json:"grad"`
					Blocks map[string]json.RawMessage `json:"blocks"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &got), out)
				assert.Equal(t, c.net, got.Net)
				assert.Equal(t, cost.String(), got.Cost)
				assert.Equal(t, info.Name, got.Engine)
				assert.InDelta(t, c.K, got.K, 1e-12)
				require.Len(t, got.Grad, len(c.grad))
				net := nn.MustParse(c.net)
				for i, want := range c.grad {
					assert.LessOrEqual(t, gradients.RelErr(want, got.Grad[i]), info.Tol(), "%s: want %v, got %v", net.ParamName(i), want, got.Grad[i])
				}
				// The blocks hold the same numbers, weights as rows.
				var wantBlocks map[string]any
				require.NoError(t, json.Unmarshal([]byte(c.blocks), &wantBlocks))
				require.Len(t, got.Blocks, len(wantBlocks))
				for name, raw := range got.Blocks {
					var gotBlock any
					require.NoError(t, json.Unmarshal(raw, &gotBlock))
					assertNested(t, wantBlocks[name], gotBlock, info.Tol(), name)
				}
				// Blocks come in the layout order of A.
				blocks := net.Blocks()
				for i := 1; i < len(blocks); i++ {
					assert.Less(t, strings.Index(out, `"`+blocks[i-1].Name+`"`), strings.Index(out, `"`+blocks[i].Name+`"`))
				}
			})
		}
	}
}

// assertNested compares nested arrays of numbers within a relative tolerance.
func assertNested(t *testing.T, want, got any, tol float64, where string) {
	t.Helper()
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: want an array, got %v", where, got)
		require.Len(t, g, len(w), where)
		for i := range w {
			assertNested(t, w[i], g[i], tol, where)
		}
	case float64:
		g, ok := got.(float64)
		require.True(t, ok, "%s: want a number, got %v", where, got)
		assert.LessOrEqual(t, gradients.RelErr(w, g), tol, "%s: want %v, got %v", where, w, g)
	default:
		t.Fatalf("%s: unexpected %T", where, want)
	}
}

func TestGradTable(t *testing.T) {
	c := handCases[0]
	p, b := writeFiles(t, c.params, c.batch)
	code, out, errOut := runCLI(t, "grad", "--net", c.net, "--params", p, "--batch", b, "--format", "table")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "K = 24.25  (net 2-2-1:relu,identity, engine backprop, batch 2)")
	assert.Regexp(t, `W1\[2,2\]\s+│\s+8 │`, out)
	assert.Regexp(t, `b2\[1\]\s+│\s+5 │`, out)
}

func TestGradErrors(t *testing.T) {
	const net = "2-2-1:relu,identity"
	goodA := handCases[0].params
	goodB := handCases[0].batch
	for _, c := range []struct {
		name          string
		params, batch string
		want          []string
	}{
		{"short A", `{"A": [1, 2]}`, goodB, []string{"A.json", "A has 2 numbers", "9 parameters", "W1 (2×2), b1 (2), W2 (1×2), b2 (1)"}},
		{"NaN literal", `{"A": [1, -1, 0.5, 2, 0, -3, 2, -1, NaN]}`, goodB, []string{"malformed JSON at line 1, column", "no NaN or Infinity"}},
		{"null in A", `{"A": [1, -1, 0.5, 2, 0, -3, 2, -1, null]}`, goodB, []string{"entry 9 of A (b2[1]) is null"}},
		{"out of range", `{"A": [1, -1, 0.5, 2, 0, -3, 2, -1, 1e999]}`, goodB, []string{"1e999 is out of float64 range"}},
		{"string in A", `{"A": [1, -1, 0.5, 2, 0, -3, 2, -1, "1"]}`, goodB, []string{"found a JSON string where a number belongs"}},
		{"A not an array", `{"A": 3}`, goodB, []string{"where an array of numbers belongs"}},
		{"array at top", `[1, 2]`, goodB, []string{"found a JSON array where an object belongs", `want {"A": [9 numbers]}`}},
		{"no A", `{}`, goodB, []string{`no "A" array`}},
		{"unknown key", `{"A": [], "W1": []}`, goodB, []string{`unknown field "W1"`}},
		{"truncated", `{"A": [1, 2`, goodB, []string{"the file ends inside a value"}},
		{"empty file", ``, goodB, []string{"empty file"}},
		{"trailing data", goodA + ` {}`, goodB, []string{"data after the JSON object"}},
		{"ragged X", goodA, `{"X": [[1, 2], [2]], "Z": [[1], [0]]}`, []string{"batch.json", "X row 2 has 1 number", "2 inputs"}},
		{"wide Z", goodA, `{"X": [[1, 2]], "Z": [[1, 2]]}`, []string{"Z row 1 has 2 numbers", "1 output"}},
		{"flat X", goodA, `{"X": [1, 2], "Z": [[1]]}`, []string{"X: found a JSON number where an array of numbers belongs"}},
		{"row counts", goodA, `{"X": [[1, 2]], "Z": [[1], [0]]}`, []string{"X has 1 row but Z has 2"}},
		{"no rows", goodA, `{"X": [], "Z": []}`, []string{"X has no rows"}},
		{"no Z", goodA, `{"X": [[1, 2]]}`, []string{`no "Z" array`}},
		{"null in X", goodA, `{"X": [[1, null]], "Z": [[1]]}`, []string{"X row 1, column 2 is null"}},
		{"Infinity in Z", goodA, `{"X": [[1, 2]], "Z": [[Infinity]]}`, []string{"no NaN or Infinity"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, b := writeFiles(t, c.params, c.batch)
			code, out, errOut := runCLI(t, "grad", "--net", net, "--params", p, "--batch", b)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.True(t, strings.HasPrefix(errOut, "nabla grad: "), errOut)
			for _, w := range c.want {
				assert.Contains(t, errOut, w)
			}
		})
	}
}

func TestGradUsageErrors(t *testing.T) {
	p, b := writeFiles(t, handCases[0].params, handCases[0].batch)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no net", []string{"--params", p, "--batch", b}, 2, "--net is required"},
		{"bad net", []string{"--net", "2-2-", "--params", p, "--batch", b}, 2, "--net"},
		{"no params", []string{"--net", "2-2-1", "--batch", b}, 2, `--params is required: a JSON file {"A": [9 numbers]}`},
		{"no batch", []string{"--net", "2-2-1", "--params", p}, 2, "--batch is required"},
		{"unknown engine", []string{"--net", "2-2-1", "--params", p, "--batch", b, "--engine", "nope"}, 2, `unknown engine "nope"`},
		{"bad format", []string{"--net", "2-2-1", "--params", p, "--batch", b, "--format", "xml"}, 2, `--format xml: want one of json, table, markdown, csv`},
		{"missing file", []string{"--net", "2-2-1", "--params", p + ".missing", "--batch", b}, 2, "no such file"},
		{"wrong net for data", []string{"--net", "3-2-1", "--params", p, "--batch", b}, 2, "A has 9 numbers; network 3-2-1 has 11 parameters"},
		{"unsupported engine", []string{"--net", "2-2-1", "--params", p, "--batch", b, "--engine", "test-broken"}, 2, "unsupported"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"grad"}, c.args...)...)
			assert.Equal(t, c.code, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			assert.Contains(t, errOut, c.want)
		})
	}
}

func TestGradHelp(t *testing.T) {
	help := helpText(t, "grad")
	checkHelpFlags(t, "grad", help)
	for _, name := range gradients.Names() {
		assert.Contains(t, help, name)
	}
	for _, f := range gradFormats {
		assert.Contains(t, help, f)
	}
	// The layout the help describes is the one nn uses: check it on 3-4-2 (in the help's text
	// refilled onto one line).
	help = strings.Join(strings.Fields(help), " ")
	net := nn.MustParse("3-4-2")
	assert.Contains(t, help, "W1 (4×3), b1 (4), W2 (2×4), b2 (2): 26 numbers")
	assert.Equal(t, "W1 (4×3), b1 (4), W2 (2×4), b2 (2)", layoutOf(net))
	assert.Equal(t, 26, net.NumParams())
	assert.Equal(t, "W1[2,3]", net.ParamName(1*3+2), "Wl[i,j] is row i, column j, row-major")
	assert.Contains(t, help, "Wl[i,j] is the weight from input j to output i")
	assert.Contains(t, help, `(default backprop)`)
	assert.Contains(t, help, `(default json)`)
}
