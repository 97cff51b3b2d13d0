package bench

import (
	"fmt"
	"strconv"
	"strings"

	"nabla/nn"
)

// Case is one network and batch size to measure.
type Case struct {
	Net   string      // architecture string, as nn.Parse reads it
	Batch int         // training pairs per gradient
	Cost  nn.CostKind // the cost differentiated; the zero value is the notes' quadratic cost
}

// String returns "net=…/batch=…", the tail of a sub-benchmark name, with "/cost=xent" after
// the net for a cost other than the quadratic one.
func (c Case) String() string {
	if c.Cost != nn.Quadratic {
		return fmt.Sprintf("net=%s/cost=%s/batch=%d", c.Net, c.Cost, c.Batch)
	}
	return fmt.Sprintf("net=%s/batch=%d", c.Net, c.Batch)
}

// WithCost returns the cases with the cost set on each (a copy).
func WithCost(cases []Case, cost nn.CostKind) []Case {
	out := make([]Case, len(cases))
	for i, c := range cases {
		c.Cost = cost
		out[i] = c
	}
	return out
}

// DefaultCases are the networks of the suite, from the smallest the notes draw (2-3-1) to the
// MNIST network with 100 hidden units, each at a single pair and at a batch.
var DefaultCases = []Case{
	{Net: "2-3-1", Batch: 1}, {Net: "2-3-1", Batch: 16},
	{Net: "4-8-3:tanh,sigmoid", Batch: 16},
	{Net: "16-32-10", Batch: 1}, {Net: "16-32-10", Batch: 32},
	{Net: "784-30-10", Batch: 1}, {Net: "784-30-10", Batch: 100},
	{Net: "784-100-10", Batch: 1}, {Net: "784-100-10", Batch: 100},
}

// Networks names the convolutional networks of the suite, the two LeNet-like networks that
// ../shared/peers/torch_cnn.py times in PyTorch: a Case's Net may be one of these names.
var Networks = map[string]string{
	"lenet1": "1x28x28-conv20@5x5-maxpool2-100-10:relu,relu,sigmoid",
	"lenet2": "1x28x28-conv20@5x5-maxpool2-conv40@5x5-maxpool2-100-10:relu,relu,relu,sigmoid",
}

// CNNCases are the convolutional cases (BenchmarkCNN): lenet1 and lenet2 at batch 1, 10
// and 100, the batches PyTorch is timed at.
var CNNCases = []Case{
	{Net: "lenet1", Batch: 1}, {Net: "lenet1", Batch: 10}, {Net: "lenet1", Batch: 100},
	{Net: "lenet2", Batch: 1}, {Net: "lenet2", Batch: 10}, {Net: "lenet2", Batch: 100},
}

// Arch returns the architecture string of a case's network, resolving the names of Networks.
func (c Case) Arch() string {
	if a, ok := Networks[c.Net]; ok {
		return a
	}
	return c.Net
}

// QuickCases is the smaller set nabla report --quick measures.
var QuickCases = []Case{
	{Net: "2-3-1", Batch: 16},
	{Net: "4-8-3:tanh,sigmoid", Batch: 16},
	{Net: "16-32-10", Batch: 32},
	{Net: "784-30-10", Batch: 10},
	{Net: "784-100-10", Batch: 10},
}

// ParseCases reads a list of cases: architectures, each optionally followed by "@batch"
// ("784-30-10@100", "lenet1@10"; a name of Networks stands for its network), separated by
// spaces, semicolons or commas; items without a batch size get
// defBatch. A comma followed by a letter continues an activation list
// ("4-8-3:tanh,sigmoid,2-3-1" is two cases).
func ParseCases(s string, defBatch int) ([]Case, error) {
	var items []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' }) {
		for i, part := range strings.Split(f, ",") {
			if i > 0 && len(items) > 0 && part != "" && (part[0] < '0' || part[0] > '9') {
				items[len(items)-1] += "," + part
				continue
			}
			if part != "" {
				items = append(items, part)
			}
		}
	}
	var cases []Case
	for _, item := range items {
		// The batch follows the last "@" when only digits follow it ("conv20@5x5" is a layer).
		arch, bs, hasBatch := item, "", false
		if i := strings.LastIndex(item, "@"); i >= 0 && i+1 < len(item) && strings.Trim(item[i+1:], "0123456789") == "" {
			arch, bs, hasBatch = item[:i], item[i+1:], true
		}
		batch := defBatch
		if hasBatch {
			v, err := strconv.Atoi(bs)
			if err != nil || v < 1 {
				return nil, fmt.Errorf("case %q: batch %q is not a whole number ≥ 1", item, bs)
			}
			batch = v
		}
		if _, named := Networks[arch]; named {
			cases = append(cases, Case{Net: arch, Batch: batch})
			continue
		}
		net, err := nn.Parse(arch)
		if err != nil {
			return nil, fmt.Errorf("case %q: %w", item, err)
		}
		cases = append(cases, Case{Net: net.String(), Batch: batch})
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no cases in %q", s)
	}
	return cases, nil
}

// Setup is a case made concrete: the network, seeded parameters and a seeded batch.
type Setup struct {
	Case
	Network *nn.Network
	A       []float64
	B       nn.Batch
}

// NewSetup parses the case's network, sets its cost and draws its parameters and batch from
// seed.
func NewSetup(c Case, seed uint64) (*Setup, error) {
	net, err := nn.Parse(c.Arch())
	if err != nil {
		return nil, err
	}
	net = net.WithCost(c.Cost)
	if c.Batch < 1 {
		return nil, fmt.Errorf("case %s: batch %d < 1", c.Net, c.Batch)
	}
	return &Setup{Case: c, Network: net, A: net.Init(nil, seed), B: net.RandomBatch(c.Batch, seed)}, nil
}
