package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"nabla/gradients"
	"nabla/internal/gemm"
	"nabla/internal/par"
	"nabla/nn"
	"nabla/results"
)

// FormatVersion is the version of the results.json layout that this package writes and reads.
const FormatVersion = 1

// Results is everything a report shows, and the content of results.json: a report is rendered
// from a Results alone, so that it can be rendered again from its JSON.
type Results struct {
	Version int    `json:"version"`
	Date    string `json:"date"` // when the measurements were taken, RFC 3339, UTC
	Seed    uint64 `json:"seed"` // seed of every network's parameters and batch
	Quick   bool   `json:"quick"`
	// Cost is the cost kind every network was measured on ("quadratic" or "xent").
	Cost    nn.CostKind `json:"cost"`
	Command string      `json:"command"`            // the command line that produced the results
	Elapsed float64     `json:"elapsed_s,omitzero"` // wall time of the whole run, seconds
	Machine Machine     `json:"machine"`
	// Budget is the most time one gradient was allowed, in ns (see bench.Options.Budget).
	BudgetNs float64  `json:"budget_ns"`
	Engines  []Engine `json:"engines"`
	// Forward holds the reference forward-pass timings of the benchmark cases.
	Forward []results.Forward `json:"forward"`
	// Benchmarks holds one entry per engine and case, skipped ones included with their reason.
	Benchmarks []results.Timing `json:"benchmarks"`
	// Scaling is the scaling study, if it was run.
	Scaling *results.Scaling `json:"scaling,omitempty"`
	// Agreement holds the cross-check of the engines on each network.
	Agreement Agreements `json:"agreement"`
	// Sections holds the data of further report sections (step sweeps, expression swell,
	// training runs, …) by section ID, in each section's own JSON form.
	Sections map[string]json.RawMessage `json:"sections,omitempty"`
}

// Machine describes where the measurements ran.
type Machine struct {
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	CPU        string `json:"cpu"` // model name, from /proc/cpuinfo where there is one
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	// BLAS is the BLAS the matrix products ran on (internal/gemm.BLAS) and Threads the
	// number of threads the engines used (--threads); empty and 0 in results recorded before
	// they were.
	BLAS    string `json:"blas,omitempty"`
	Threads int    `json:"threads,omitempty"`
}

// ThisMachine describes the running machine.
func ThisMachine() Machine {
	return Machine{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPU: cpuModel(),
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		BLAS: gemm.BLAS, Threads: par.Threads(),
	}
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// String is a one-line description: "linux/amd64, AMD EPYC, 2 CPUs (GOMAXPROCS 2), go1.26.8,
// BLAS gonum (pure Go), 2 threads".
func (m Machine) String() string {
	s := fmt.Sprintf("%s/%s, %s, %d CPUs (GOMAXPROCS %d), %s", m.GOOS, m.GOARCH, m.CPU, m.NumCPU, m.GOMAXPROCS, m.GoVersion)
	if m.BLAS != "" {
		s += ", BLAS " + m.BLAS
	}
	switch {
	case m.Threads == 1:
		s += ", 1 thread"
	case m.Threads > 1:
		s += fmt.Sprintf(", %d threads", m.Threads)
	}
	return s
}

// Engine describes one engine of the report, from its gradients.Info.
type Engine struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Exact       bool    `json:"exact"`
	Tolerance   float64 `json:"tolerance"`
}

// EnginesOf describes the given engines.
func EnginesOf(infos []gradients.Info) []Engine {
	es := make([]Engine, len(infos))
	for i, in := range infos {
		es[i] = Engine{Name: in.Name, Description: in.Description, Exact: in.Exact, Tolerance: in.Tol()}
	}
	return es
}

// WriteJSON writes the results as indented JSON.
func (r *Results) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("reports: results JSON: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// ReadJSON reads results written by WriteJSON. Unknown fields are an error, so that a file of
// another layout is not rendered half-empty.
func ReadJSON(rd io.Reader) (*Results, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("reports: read results: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Results
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reports: read results: %w", err)
	}
	if r.Version != FormatVersion {
		return nil, fmt.Errorf("reports: read results: version %d, want %d", r.Version, FormatVersion)
	}
	return &r, nil
}

// ReadFile reads results.json from path.
func ReadFile(path string) (*Results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Section returns the raw data stored for a section, and whether there is any.
func (r *Results) Section(id string) (json.RawMessage, bool) {
	raw, ok := r.Sections[id]
	return raw, ok && len(raw) > 0 && string(raw) != "null"
}

// SetSection stores a section's data as JSON.
func (r *Results) SetSection(id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("reports: section %s: %w", id, err)
	}
	if r.Sections == nil {
		r.Sections = map[string]json.RawMessage{}
	}
	r.Sections[id] = b
	return nil
}
