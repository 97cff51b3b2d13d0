package gradients

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"nabla/nn"
)

// Engine computes K and ∇K for one network, for which it was prepared by its Info.New.
type Engine interface {
	// Name returns the name under which the engine is registered.
	Name() string
	// Gradient writes ∇K(A) on the batch into dst and returns dst and K. If dst is nil it is
	// allocated; otherwise it must have length NumParams of the network. A and the batch are
	// validated (see nn.Network.Check) and never modified.
	Gradient(dst, A []float64, b nn.Batch) ([]float64, float64, error)
}

// Directional is implemented by engines that compute the directional derivative ∇K·v
// without forming ∇K (forward-mode automatic differentiation, a two-point difference).
type Directional interface {
	// Directional returns K and ∇K(A)·v. v must have length NumParams.
	Directional(A, v []float64, b nn.Batch) (k, dk float64, err error)
}

// CostCounter is implemented by engines whose work is counted in cost evaluations
// (finite differences): the number of evaluations of K one Gradient call makes.
type CostCounter interface {
	CostEvaluations() int
}

// Errors shared by engines and the registry.
var (
	// ErrUnknownEngine reports an engine name that is not registered.
	ErrUnknownEngine = errors.New("gradients: unknown engine")
	// ErrUnsupported reports a network an engine cannot handle (a layer kind it does not know,
	// or a size beyond its stated limits).
	ErrUnsupported = errors.New("gradients: unsupported")
)

// Info describes a registered engine.
type Info struct {
	// Name is the engine's registry name: "backprop", "numeric-central", … .
	Name string
	// Description is one line for help texts and reports.
	Description string
	// Exact reports whether the engine computes the gradient up to rounding (backprop,
	// symbolic, autodiff) rather than approximating it (finite differences).
	Exact bool
	// Tolerance is the relative error (ADBench's |x−y|/max(1,|x|+|y|)) within which the
	// engine's gradient is expected to match the true one on well-scaled networks; a pair of
	// engines is judged with the sum of their two tolerances. Zero means 1e-12.
	Tolerance float64
	// Step is the largest distance from A at which the engine evaluates K along one
	// parameter aᵢ, as a multiple of max(1, |aᵢ|) (finite differences: the difference step,
	// or the largest of its steps for multi-step formulas). The cross-check uses it to tell
	// a ReLU kink within reach of the differences from a wrong gradient (see Kinks). An
	// engine that notices a stencil crossing a kink and retries with smaller steps may give
	// the smallest step it falls back to, since it never differences across a kink farther
	// out. Zero means DefaultStep for an approximate engine and none for an exact one.
	Step float64
	// HvTolerance is the relative error (RelErr) within which the engine's Hessian-vector
	// products (HessianVector) are expected to match the true ones on well-scaled networks:
	// the floor under the per-element errors (HvExactBounds, HvErrorBounder) by which the
	// second-order cross-check judges a pair, with the sum of the two. Zero means
	// DefaultHvTolerance. Engines without HessianVector leave it zero.
	HvTolerance float64
	// SupportsLayer says, without building anything, whether the engine handles a layer: nil
	// if it does, otherwise an error wrapping ErrUnsupported that says why (a layer kind it
	// does not know). Engines answer it from the same switch over layer kinds their New uses.
	// Nil means the engine does not say, and Supports accepts every network.
	SupportsLayer func(l nn.Layer) error
	// New prepares an engine for a network. It returns an error wrapping ErrUnsupported for
	// networks the engine cannot handle. The registry runs Supports before it, so New is
	// never asked to build an engine for a layer SupportsLayer refuses.
	New func(net *nn.Network) (Engine, error)
	// WithStep, when not nil, returns the same engine's Info with the difference step h in
	// place of its own (the first step of an extrapolation), for nabla compare --step; nil
	// for engines without a step.
	WithStep func(h float64) Info
}

// Supports is the pre-flight check, asked before anything is built: it returns nil if the
// engine handles every layer of the network (see SupportsLayer), and otherwise an error
// wrapping ErrUnsupported that names the first layer it does not handle.
func (i Info) Supports(net *nn.Network) error {
	if i.SupportsLayer == nil {
		return nil
	}
	for l, layer := range net.Layers() {
		if err := i.SupportsLayer(layer); err != nil {
			if !errors.Is(err, ErrUnsupported) {
				err = fmt.Errorf("%w: %w", ErrUnsupported, err)
			}
			return fmt.Errorf("layer %d: %w", l+1, err)
		}
	}
	return nil
}

// Unsupported returns the error an engine's switch over layer kinds gives in its default
// case: it wraps ErrUnsupported and names the engine and the layer.
func Unsupported(engine string, l nn.Layer) error {
	return fmt.Errorf("%s: %w: %v (%T)", engine, ErrUnsupported, l, l)
}

// Tol returns the engine's tolerance, applying the default for zero.
func (i Info) Tol() float64 {
	if i.Tolerance == 0 {
		return 1e-12
	}
	return i.Tolerance
}

// KinkStep returns the step the cross-check assumes for the engine when it looks for ReLU
// kinks: Step if set, DefaultStep for an approximate engine, ExactKinkStep for an exact one.
func (i Info) KinkStep() float64 {
	switch {
	case i.Step > 0:
		return i.Step
	case i.Exact:
		return ExactKinkStep
	}
	return DefaultStep
}

var (
	mu       sync.RWMutex
	registry = map[string]Info{}
)

// Register adds an engine to the registry; engine packages call it from init. It panics on
// an empty name, a missing New, or a name registered twice (programmer errors).
func Register(info Info) {
	if info.Name == "" || info.New == nil {
		panic("gradients: Register needs a Name and New")
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[info.Name]; dup {
		panic("gradients: engine " + info.Name + " registered twice")
	}
	build := info.New
	info.New = func(net *nn.Network) (Engine, error) { // the pre-flight, before anything is built
		if err := info.Supports(net); err != nil {
			return nil, err
		}
		return build(net)
	}
	registry[info.Name] = info
}

// Lookup returns the Info of a registered engine.
func Lookup(name string) (Info, error) {
	mu.RLock()
	defer mu.RUnlock()
	info, ok := registry[name]
	if !ok {
		return Info{}, fmt.Errorf("%w %q (registered: %s)", ErrUnknownEngine, name, strings.Join(namesLocked(), ", "))
	}
	return info, nil
}

// New prepares the named engine for the network.
func New(name string, net *nn.Network) (Engine, error) {
	info, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	e, err := info.New(net)
	if err != nil {
		return nil, fmt.Errorf("engine %s on %s: %w", name, net, err)
	}
	return e, nil
}

// Names returns the registered engine names: exact engines first, then the approximate ones,
// each group sorted by name.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := registry[names[i]], registry[names[j]]
		if a.Exact != b.Exact {
			return a.Exact
		}
		return names[i] < names[j]
	})
	return names
}

// All returns the Info of every registered engine, in the order of Names.
func All() []Info {
	names := Names()
	mu.RLock()
	defer mu.RUnlock()
	infos := make([]Info, len(names))
	for i, n := range names {
		infos[i] = registry[n]
	}
	return infos
}

// Grad is a convenience for one-off use: it prepares the named engine and returns ∇K and K.
func Grad(name string, net *nn.Network, A []float64, b nn.Batch) ([]float64, float64, error) {
	e, err := New(name, net)
	if err != nil {
		return nil, 0, err
	}
	return e.Gradient(nil, A, b)
}

// CheckDst panics with a package-prefixed message when dst is neither nil nor of length n, and
// returns dst, allocated if nil. Engines call it first in Gradient.
func CheckDst(pkg string, dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("%s: len(dst) = %d, want %d", pkg, len(dst), n))
	}
	return dst
}

// unregister removes an engine; tests use it to keep the registry clean.
func unregister(name string) {
	mu.Lock()
	defer mu.Unlock()
	delete(registry, name)
}
