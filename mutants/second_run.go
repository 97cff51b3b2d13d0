package mutants

import (
	"fmt"
	"io"
	"nabla/internal/table"
	"strings"

	"nabla/gradients"
	"nabla/nn"
)

// DefaultSecondNet has what every second-order fault needs: sigmoid and tanh layers, three
// layers deep.
const DefaultSecondNet = "4-6-6-3:tanh,sigmoid,sigmoid"

// SecondConfig sets up a second-order detection run. The zero value runs the whole second-order
// catalogue on DefaultSecondNet with every engine that has Hessian-vector products.
type SecondConfig struct {
	Net        string        // architecture; "" means DefaultSecondNet
	Cost       nn.CostKind   // the cost kind of the network
	Batch      int           // training pairs; 0 means DefaultBatch
	Seed       uint64        // seed of parameters, batch and directions; 0 means 1
	Engines    []string      // engines to hold the mutants against; nil means gradients.HvNames
	Directions int           // random directions v; 0 means DefaultDirections
	Faults     []SecondFault // faults to run; nil means SecondCatalogue()
}

// SecondDetection is one engine's verdict on one second-order mutant.
type SecondDetection struct {
	Engine    string  `json:"engine"`
	Detected  bool    `json:"detected"`    // the H·v cross-check disagrees along some direction
	MaxRelErr float64 `json:"max_rel_err"` // largest over the directions
	Worst     string  `json:"worst,omitempty"`
}

// SecondOutcome is the verdict of every engine on one second-order fault.
type SecondOutcome struct {
	SecondFault
	// Changes reports whether the mutant's H·v differs from the clean control's (by more
	// than DefaultHvTolerance relative) along some direction: whether the fault shows here.
	Changes    bool              `json:"changes"`
	Detections []SecondDetection `json:"engines"`
}

// SecondReport is the result of a second-order detection run.
type SecondReport struct {
	Net        string          `json:"net"`
	Cost       nn.CostKind     `json:"cost"`
	Batch      int             `json:"batch"`
	Seed       uint64          `json:"seed"`
	Directions int             `json:"directions"`
	Engines    []string        `json:"engines"`
	Control    SecondOutcome   `json:"control"`
	Faults     []SecondOutcome `json:"faults"`
}

func (c SecondConfig) defaults() SecondConfig {
	if c.Net == "" {
		c.Net = DefaultSecondNet
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Directions == 0 {
		c.Directions = DefaultDirections
	}
	if c.Faults == nil {
		c.Faults = SecondCatalogue()
	}
	return c
}

// RunSecond holds every second-order mutant (and the control) against every engine's H·v
// along the same seeded random directions, with the per-element verdicts of gradients.Compare
// and each engine's HvTolerance.
func RunSecond(cfg SecondConfig) (SecondReport, error) {
	cfg = cfg.defaults()
	net, err := nn.Parse(cfg.Net)
	if err != nil {
		return SecondReport{}, err
	}
	net = net.WithCost(cfg.Cost)
	if cfg.Engines == nil {
		cfg.Engines = gradients.HvNames(net)
	}
	A, b := net.Init(nil, cfg.Seed), net.RandomBatch(cfg.Batch, cfg.Seed)
	rep := SecondReport{Net: net.String(), Cost: cfg.Cost, Batch: cfg.Batch, Seed: cfg.Seed, Directions: cfg.Directions, Engines: cfg.Engines}
	dirs := make([][]float64, cfg.Directions)
	refs := make([][]gradients.Result, cfg.Directions) // engines' H·v per direction
	for d := range dirs {
		dirs[d] = gradients.Direction(net.NumParams(), cfg.Seed, d)
		if refs[d], err = gradients.RunHv(cfg.Engines, net, A, dirs[d], b); err != nil {
			return SecondReport{}, err
		}
	}
	control, err := secondHvs(net, SecondControl, A, b, dirs)
	if err != nil {
		return SecondReport{}, err
	}
	rep.Control = judgeSecond(net, SecondControl, control, control, refs)
	for _, f := range cfg.Faults {
		hvs, err := secondHvs(net, f, A, b, dirs)
		if err != nil {
			return SecondReport{}, err
		}
		rep.Faults = append(rep.Faults, judgeSecond(net, f, hvs, control, refs))
	}
	return rep, nil
}

// secondHvs returns the mutant's H·v along each direction as Results.
func secondHvs(net *nn.Network, f SecondFault, A []float64, b nn.Batch, dirs [][]float64) ([]gradients.Result, error) {
	m, err := NewHv(net, f)
	if err != nil {
		return nil, err
	}
	out := make([]gradients.Result, len(dirs))
	for d, v := range dirs {
		hv, k, err := m.Hv(nil, A, v, b)
		if err != nil {
			return nil, err
		}
		out[d] = gradients.Result{Engine: m.Name(), Tolerance: gradients.DefaultHvTolerance, K: k, Grad: hv, Exact: true, Bound: gradients.HvExactBounds(nil, hv)}
	}
	return out, nil
}

// judgeSecond compares a mutant's products with the control's and with every engine's.
func judgeSecond(net *nn.Network, f SecondFault, hvs, control []gradients.Result, refs [][]gradients.Result) SecondOutcome {
	o := SecondOutcome{SecondFault: f}
	for d := range hvs {
		if !gradients.ComparePair(net, hvs[d], control[d]).Agree {
			o.Changes = true
		}
	}
	for e := range refs[0] {
		det := SecondDetection{Engine: refs[0][e].Engine}
		for d := range hvs {
			p := gradients.ComparePair(net, hvs[d], refs[d][e])
			det.Detected = det.Detected || !p.Agree
			if p.MaxRelErr >= det.MaxRelErr {
				det.MaxRelErr, det.Worst = p.MaxRelErr, p.Worst
			}
		}
		o.Detections = append(o.Detections, det)
	}
	return o
}

// Undetected names the faults that change H·v but some engine did not detect, and the
// control when an engine flagged it.
func (r SecondReport) Undetected() []string {
	var out []string
	for _, d := range r.Control.Detections {
		if d.Detected {
			out = append(out, "false alarm on the control by "+d.Engine)
		}
	}
	for _, o := range r.Faults {
		for _, d := range o.Detections {
			if o.Changes && !d.Detected {
				out = append(out, o.Name+" missed by "+d.Engine)
			}
		}
	}
	return out
}

// Table writes the second-order detection table: one row per fault (the control first),
// whether the fault changes H·v on the network, and each engine's verdict with its largest
// relative error.
func (r SecondReport) Table(w io.Writer, md bool) error {
	o := table.Options{}
	if md {
		o.Format = table.Markdown
	}
	return r.Write(w, o)
}

// Write writes the table of Table in the format of o; CSV is the table alone.
func (r SecondReport) Write(w io.Writer, o table.Options) error {
	var b strings.Builder
	if o.Format != table.CSV {
		fmt.Fprintf(&b, "%s\n\n", table.Wrap(fmt.Sprintf("second-order mutants (H·v) on %s, cost %s, batch %d, seed %d, %d random directions", r.Net, r.Cost, r.Batch, r.Seed, r.Directions), o.MaxWidth()))
	}
	header := []string{"fault", "changes H·v"}
	for _, e := range r.Engines {
		header = append(header, e)
	}
	var rows [][]string
	for _, o := range append([]SecondOutcome{r.Control}, r.Faults...) {
		row := []string{o.Name, yes(o.Changes)}
		for _, d := range o.Detections {
			row = append(row, fmt.Sprintf("%s %.1e", map[bool]string{true: "yes", false: "no"}[d.Detected], d.MaxRelErr))
		}
		rows = append(rows, row)
	}
	if err := (table.Table{Header: header, Rows: rows}).Write(&b, o); err != nil {
		return err
	}
	if o.Format == table.CSV {
		_, err := io.WriteString(w, b.String())
		return err
	}
	if u := r.Undetected(); len(u) > 0 {
		fmt.Fprintf(&b, "\nnot as expected: %s\n", strings.Join(u, "; "))
	} else {
		fmt.Fprintf(&b, "\nevery fault that changes H·v detected by every engine; no false alarm on the control\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
