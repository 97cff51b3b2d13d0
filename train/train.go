package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"nabla/internal/rng"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"nabla/data"
	"nabla/gradients"
	"nabla/nn"
)

// Cost selects the cost convention that η refers to.
type Cost int

const (
	// CostSum is the notes' K over the batch (for the quadratic cost Σᵢ ‖z⁽ⁱ⁾ − z̄⁽ⁱ⁾‖²): the
	// step is η·∇K.
	CostSum Cost = iota
	// CostMean is Nielsen's C for a batch of m pairs: C = K/(2m) for the quadratic cost,
	// C = K/m (the mean cross-entropy) for nn.CrossEntropy; the step is η·∇C.
	CostMean
)

// String returns "sum" or "mean".
func (c Cost) String() string {
	switch c {
	case CostSum:
		return "sum"
	case CostMean:
		return "mean"
	}
	return fmt.Sprintf("Cost(%d)", int(c))
}

// ParseCost reads "sum" or "mean".
func ParseCost(s string) (Cost, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sum":
		return CostSum, nil
	case "mean":
		return CostMean, nil
	}
	return 0, fmt.Errorf("unknown cost convention %q (want sum or mean)", s)
}

// Scale returns the factor f with cost = f·K for m pairs of the cost kind k: 1 for CostSum;
// for CostMean 1/(2m) on the quadratic cost and 1/m on the cross-entropy, Nielsen's C for each.
func (c Cost) Scale(k nn.CostKind, m int) float64 {
	switch {
	case c != CostMean:
		return 1
	case k == nn.CrossEntropy:
		return 1 / float64(m)
	}
	return 1 / (2 * float64(m))
}

// EtaSum converts a learning rate in convention c for batches of m pairs of the cost kind k to
// the notes' convention: η_sum = η for CostSum, η/(2m) (quadratic) or η/m (cross-entropy) for
// CostMean.
func EtaSum(eta float64, c Cost, k nn.CostKind, m int) float64 { return eta * c.Scale(k, m) }

// DefaultEngine is the engine Config uses when none is named.
const DefaultEngine = "backprop"

// Config describes a training run. Its zero value is not runnable: Eta must be set.
type Config struct {
	// Engine is the registry name of the gradient engine; "" means DefaultEngine.
	Engine string
	// Epochs is the number of passes over the training set; 0 means 1.
	Epochs int
	// BatchSize is the number of pairs per step. 0, or a size of at least the training set,
	// means full-batch gradient descent as in the notes (one step per epoch, no shuffle).
	BatchSize int
	// Eta is the learning rate η > 0, in the convention of Cost.
	Eta float64
	// EtaDecay, when in (0, 1), multiplies η by itself after every epoch: epoch e (from 1)
	// steps with η·EtaDecay^(e−1). 0 (or 1) keeps η constant.
	EtaDecay float64
	// Cost is the convention η refers to and costs are reported in; the zero value is the
	// notes' plain sum. The cost kind itself (quadratic, cross-entropy) is the network's.
	Cost Cost
	// WeightDecay is λ ≥ 0 of L2 regularisation as in Nielsen's book (ch. 3): λ/(2n)·Σw² over
	// the weights (not the biases) is added to the cost of the n training pairs in the
	// convention of Cost, so every step first shrinks each weight by the factor 1 − η·λ/n and
	// then takes the gradient step. 0 means none. Reported costs leave the term out.
	WeightDecay float64
	// Seed seeds the initial parameters (unless Init is given) and the shuffle.
	Seed uint64
	// Init holds the initial parameters; nil means net.Init(nil, Seed). It is not modified.
	Init []float64
	// Progress, if not nil, receives a progress bar (use it for terminals only).
	Progress io.Writer
	// OnEpoch, if not nil, is called after the initial evaluation (epoch 0) and after every
	// epoch.
	OnEpoch func(Epoch)
}

// Epoch is the state after one epoch, with costs in the run's convention over whole sets.
type Epoch struct {
	// Epoch counts passes over the training set; 0 is the initial state.
	Epoch int `json:"epoch"`
	// TrainCost is the cost on the whole training set after the epoch.
	TrainCost float64 `json:"train_cost"`
	// TestCost is the cost on the whole test set after the epoch.
	TestCost float64 `json:"test_cost"`
	// TestAccuracy is the fraction of test pairs classified correctly: the largest output is
	// the label's, or for one output, the output rounded to 0 or 1 is the label.
	TestAccuracy float64 `json:"test_accuracy"`
	// Seconds is the wall-clock time of the epoch's gradient steps (shuffle, gradients,
	// updates), without the evaluation.
	Seconds float64 `json:"seconds"`
	// EvalSeconds is the wall-clock time of evaluating the costs and the accuracy.
	EvalSeconds float64 `json:"eval_seconds"`
	// CPUSeconds is the CPU time (user + system, all threads) the process spent on the
	// epoch's gradient steps: on a machine shared with other jobs it shows the work done,
	// which wall-clock Seconds inflates by the time spent waiting for a core. -1 where the
	// system does not report it.
	CPUSeconds float64 `json:"cpu_seconds"`
}

// Result is a finished (or interrupted) training run.
type Result struct {
	Net       string  `json:"net"`
	Engine    string  `json:"engine"`
	TrainSet  string  `json:"train_set"`
	TestSet   string  `json:"test_set"`
	TrainSize int     `json:"train_size"`
	TestSize  int     `json:"test_size"`
	BatchSize int     `json:"batch_size"` // pairs per step (the training set size for full batch)
	Eta       float64 `json:"eta"`
	// Cost is the cost kind, "quadratic" or "xent"; Convention the convention of Eta and of
	// the reported costs, "mean" or "sum"; WeightDecay is λ (Config.WeightDecay).
	Cost        string  `json:"cost"`
	Convention  string  `json:"convention"`
	WeightDecay float64 `json:"weight_decay"`
	EtaDecay    float64 `json:"eta_decay,omitzero"`
	// EtaSum is Eta in the notes' convention for a full batch of BatchSize pairs.
	EtaSum float64 `json:"eta_sum"`
	Seed   uint64  `json:"seed"`
	// Initial is the evaluation before the first step.
	Initial Epoch `json:"initial"`
	// Epochs holds one entry per finished epoch.
	Epochs []Epoch `json:"epochs"`
	// Params are the parameters after the last finished epoch.
	Params []float64 `json:"-"`
}

// Final returns the last finished epoch, or Initial if there is none.
func (r *Result) Final() Epoch {
	if len(r.Epochs) == 0 {
		return r.Initial
	}
	return r.Epochs[len(r.Epochs)-1]
}

// CPUSecondsPerEpoch returns the mean of the epochs' CPUSeconds (0 without epochs, -1 where
// CPU time is not measured).
func (r *Result) CPUSecondsPerEpoch() float64 {
	if len(r.Epochs) == 0 {
		return 0
	}
	var s float64
	for _, e := range r.Epochs {
		if e.CPUSeconds < 0 {
			return -1
		}
		s += e.CPUSeconds
	}
	return s / float64(len(r.Epochs))
}

// SecondsPerEpoch returns the mean of the epochs' Seconds (0 without epochs).
func (r *Result) SecondsPerEpoch() float64 {
	if len(r.Epochs) == 0 {
		return 0
	}
	var s float64
	for _, e := range r.Epochs {
		s += e.Seconds
	}
	return s / float64(len(r.Epochs))
}

// Run trains net on trainSet with the configured engine and evaluates it on testSet after
// every epoch. It returns an error for a bad configuration, sets that do not fit the network,
// an engine error (for instance parameters that diverged to ±Inf, with the epoch and step),
// or a cancelled context; in the last two cases the Result holds the epochs finished so far.
func Run(ctx context.Context, net *nn.Network, trainSet, testSet data.Set, cfg Config) (*Result, error) {
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.Epochs < 0 {
		return nil, fmt.Errorf("train: %d epochs", cfg.Epochs)
	}
	if err := testSet.Fits(net); err != nil {
		return nil, fmt.Errorf("train: test %w", err)
	}
	if err := net.CheckBatch(testSet.Batch); err != nil {
		return nil, fmt.Errorf("train: set %s: %w", testSet.Name, err)
	}
	s, err := NewSGD(net, trainSet, cfg)
	if err != nil {
		return nil, err
	}
	cfg = s.cfg
	n := trainSet.Len()
	res := &Result{
		Net: net.String(), Engine: cfg.Engine, TrainSet: trainSet.Name, TestSet: testSet.Name,
		TrainSize: n, TestSize: testSet.Len(), BatchSize: s.m, Eta: cfg.Eta, Cost: net.CostKind().String(),
		Convention: cfg.Cost.String(), WeightDecay: cfg.WeightDecay, EtaDecay: cfg.EtaDecay, EtaSum: EtaSum(cfg.Eta, cfg.Cost, net.CostKind(), s.m), Seed: cfg.Seed, Params: s.A,
	}
	ev := nn.NewEvaluator(net)
	res.Initial = s.evaluate(ev, testSet, 0)
	if cfg.OnEpoch != nil {
		cfg.OnEpoch(res.Initial)
	}
	for ep := 1; ep <= cfg.Epochs; ep++ {
		if cfg.Progress != nil {
			s.bar = newBar(cfg.Progress, n, fmt.Sprintf("epoch %d/%d", ep, cfg.Epochs))
		}
		start, cpu := time.Now(), processCPU()
		if err := s.Epoch(ctx); err != nil {
			if s.bar != nil {
				_ = s.bar.Exit()
			}
			return res, fmt.Errorf("train: epoch %d: %w", ep, err)
		}
		secs := time.Since(start).Seconds()
		cpuSecs := -1.0
		if cpu >= 0 {
			cpuSecs = (processCPU() - cpu).Seconds()
		}
		if s.bar != nil {
			_ = s.bar.Finish()
		}
		e := s.evaluate(ev, testSet, ep)
		e.Seconds, e.CPUSeconds = secs, cpuSecs
		res.Epochs = append(res.Epochs, e)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(e)
		}
	}
	return res, nil
}

// SGD is the state of a training run between epochs: the parameters, the engine, the
// shuffle. Run drives it and evaluates after every epoch; benchmarks drive it directly. The
// fields Epochs, Progress and OnEpoch of its Config are not used. It is not safe for
// concurrent use.
type SGD struct {
	net      *nn.Network
	eng      gradients.Engine
	cfg      Config
	eta      float64 // the η of the current epoch (Config.EtaDecay)
	A, grad  []float64
	trainSet data.Set
	m        int
	rng      *rand.Rand
	perm     []int
	bx, bz   *mat.Dense // the gathered mini-batch
	bar      *progressbar.ProgressBar
}

// NewSGD checks the configuration and the training set, prepares the engine and sets the
// initial parameters.
func NewSGD(net *nn.Network, trainSet data.Set, cfg Config) (*SGD, error) {
	if cfg.Engine == "" {
		cfg.Engine = DefaultEngine
	}
	switch {
	case cfg.BatchSize < 0:
		return nil, fmt.Errorf("train: batch size %d", cfg.BatchSize)
	case !(cfg.Eta > 0) || math.IsInf(cfg.Eta, 0):
		return nil, fmt.Errorf("train: learning rate η = %v; want a finite η > 0", cfg.Eta)
	case cfg.Cost != CostSum && cfg.Cost != CostMean:
		return nil, fmt.Errorf("train: unknown %v", cfg.Cost)
	case !(cfg.EtaDecay >= 0 && cfg.EtaDecay <= 1):
		return nil, fmt.Errorf("train: η decay %v; want a factor in (0, 1], or 0 for none", cfg.EtaDecay)
	case !(cfg.WeightDecay >= 0) || math.IsInf(cfg.WeightDecay, 0):
		return nil, fmt.Errorf("train: weight decay λ = %v; want a finite λ ≥ 0", cfg.WeightDecay)
	}
	if err := trainSet.Fits(net); err != nil {
		return nil, fmt.Errorf("train: training %w", err)
	}
	if err := net.CheckBatch(trainSet.Batch); err != nil {
		return nil, fmt.Errorf("train: set %s: %w", trainSet.Name, err)
	}
	eng, err := gradients.New(cfg.Engine, net)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	A := make([]float64, net.NumParams())
	if cfg.Init != nil {
		if err := net.CheckParams(cfg.Init); err != nil {
			return nil, fmt.Errorf("train: initial parameters: %w", err)
		}
		copy(A, cfg.Init)
	} else {
		net.Init(A, cfg.Seed)
	}
	m := cfg.BatchSize
	if n := trainSet.Len(); m == 0 || m > n {
		m = n
	}
	return &SGD{net: net, eng: eng, cfg: cfg, eta: cfg.Eta, A: A, grad: make([]float64, len(A)), trainSet: trainSet, m: m,
		rng: rng.New(cfg.Seed ^ 0x5eedf1e)}, nil
}

// Params returns the current parameters; the slice is owned by the SGD and changes with
// every epoch.
func (t *SGD) Params() []float64 { return t.A }

// BatchSize returns the number of pairs per step (the training set size for full batch).
func (t *SGD) BatchSize() int { return t.m }

// newBar returns a progress bar over the n pairs of one epoch.
func newBar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)
}

// Epoch makes one pass over the training set: one step on the whole set for full batch,
// otherwise a fresh shuffle and one step per mini-batch (the last one smaller if the batch
// size does not divide the set). Errors name the step.
func (t *SGD) Epoch(ctx context.Context) error {
	if err := t.epoch(ctx); err != nil {
		return err
	}
	if t.cfg.EtaDecay > 0 {
		t.eta *= t.cfg.EtaDecay
	}
	return nil
}

// epoch is Epoch before the decay of η.
func (t *SGD) epoch(ctx context.Context) error {
	bar := t.bar
	n := t.trainSet.Len()
	if t.m == n {
		// Full batch: the notes' gradient descent, one step on K over all N pairs.
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.step(t.trainSet.Batch); err != nil {
			return err
		}
		if bar != nil {
			_ = bar.Add(n)
		}
		return nil
	}
	if t.perm == nil {
		t.perm = make([]int, n)
		for i := range t.perm {
			t.perm[i] = i
		}
		t.bx = mat.NewDense(t.m, t.trainSet.Inputs(), nil)
		t.bz = mat.NewDense(t.m, t.trainSet.Outputs(), nil)
	}
	t.rng.Shuffle(n, func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
	x, z := t.trainSet.X.RawMatrix(), t.trainSet.Z.RawMatrix()
	bx, bz := t.bx.RawMatrix(), t.bz.RawMatrix()
	pending := 0
	for lo := 0; lo < n; lo += t.m {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+t.m, n)
		for k, i := range t.perm[lo:hi] {
			copy(bx.Data[k*bx.Stride:k*bx.Stride+bx.Cols], x.Data[i*x.Stride:i*x.Stride+x.Cols])
			copy(bz.Data[k*bz.Stride:k*bz.Stride+bz.Cols], z.Data[i*z.Stride:i*z.Stride+z.Cols])
		}
		b := nn.Batch{X: t.bx, Z: t.bz}
		if hi-lo < t.m {
			b = b.Slice(0, hi-lo) // the last, smaller batch
		}
		if err := t.step(b); err != nil {
			return fmt.Errorf("step %d: %w", lo/t.m+1, err)
		}
		if pending += hi - lo; bar != nil && (pending >= n/100 || hi == n) {
			_ = bar.Add(pending)
			pending = 0
		}
	}
	return nil
}

// step takes A := A − η·scale·∇K on the batch, after shrinking the weights by 1 − η·λ/n when
// there is weight decay.
func (t *SGD) step(b nn.Batch) error {
	if _, _, err := t.eng.Gradient(t.grad, t.A, b); err != nil {
		return err
	}
	if t.cfg.WeightDecay > 0 {
		shrink := 1 - t.eta*t.cfg.WeightDecay/float64(t.trainSet.Len())
		for _, blk := range t.net.Blocks() {
			if blk.Kind == nn.Weight {
				floats.Scale(shrink, blk.View(t.A))
			}
		}
	}
	floats.AddScaled(t.A, -EtaSum(t.eta, t.cfg.Cost, t.net.CostKind(), b.Len()), t.grad)
	return nil
}

// evaluate returns the epoch's costs and accuracy (Seconds left for the caller).
func (t *SGD) evaluate(ev *nn.Evaluator, testSet data.Set, ep int) Epoch {
	start := time.Now()
	e := Epoch{Epoch: ep}
	k := t.net.CostKind()
	e.TrainCost = t.cfg.Cost.Scale(k, t.trainSet.Len()) * chunkedCost(ev, t.A, t.trainSet.Batch)
	e.TestCost = t.cfg.Cost.Scale(k, testSet.Len()) * chunkedCost(ev, t.A, testSet.Batch)
	e.TestAccuracy = chunkedAccuracy(ev, t.A, testSet)
	e.EvalSeconds = time.Since(start).Seconds()
	return e
}

// evalChunk is the number of pairs evaluated at once: the evaluator keeps every layer's
// outputs for all of them, which for a convolutional layer is thousands of values per pair.
const evalChunk = 1000

// chunkedCost is ev.Cost over the batch, summed chunk by chunk.
func chunkedCost(ev *nn.Evaluator, A []float64, b nn.Batch) float64 {
	var k float64
	for lo := 0; lo < b.Len(); lo += evalChunk {
		k += ev.Cost(A, b.Slice(lo, min(lo+evalChunk, b.Len())))
	}
	return k
}

// chunkedAccuracy is Accuracy over the set, evaluated chunk by chunk.
func chunkedAccuracy(ev *nn.Evaluator, A []float64, s data.Set) float64 {
	if s.Labels == nil || s.Len() == 0 {
		return math.NaN()
	}
	var correct float64
	for lo := 0; lo < s.Len(); lo += evalChunk {
		hi := min(lo+evalChunk, s.Len())
		part := data.Set{Batch: s.Slice(lo, hi), Labels: s.Labels[lo:hi], Classes: s.Classes}
		correct += Accuracy(ev.Forward(A, part.X), part) * float64(hi-lo)
	}
	return correct / float64(s.Len())
}

// Accuracy returns the fraction of rows of the outputs z (N × outputs) that classify the
// set's pairs correctly: the index of the largest output equals the label or, for a single
// output, the output rounded to 0 or 1 equals it. It is NaN for a set without labels.
func Accuracy(z blas64.General, s data.Set) float64 {
	if s.Labels == nil || z.Rows == 0 {
		return math.NaN()
	}
	if z.Rows != len(s.Labels) {
		panic(fmt.Sprintf("train: Accuracy: %d outputs for %d labels", z.Rows, len(s.Labels)))
	}
	correct := 0
	for i, l := range s.Labels {
		row := z.Data[i*z.Stride : i*z.Stride+z.Cols]
		var class int
		if z.Cols == 1 {
			if row[0] >= 0.5 {
				class = 1
			}
		} else {
			class = floats.MaxIdx(row)
		}
		if class == l {
			correct++
		}
	}
	return float64(correct) / float64(len(s.Labels))
}

// Confusion classifies every pair of the set with the parameters A (as Accuracy does) and
// returns the confusion matrix, m[true][predicted], with s.Classes rows and columns (2 for a
// single output), and the accuracy. The set must have labels.
func Confusion(net *nn.Network, A []float64, s data.Set) (m [][]int, accuracy float64, err error) {
	if s.Labels == nil || s.Len() == 0 {
		return nil, 0, fmt.Errorf("train: confusion: set %s has no labels", s.Name)
	}
	if err := s.Fits(net); err != nil {
		return nil, 0, fmt.Errorf("train: confusion: %w", err)
	}
	if err := net.CheckParams(A); err != nil {
		return nil, 0, fmt.Errorf("train: confusion: %w", err)
	}
	n := max(s.Classes, 2)
	m = make([][]int, n)
	for i := range m {
		m[i] = make([]int, n)
	}
	ev := nn.NewEvaluator(net)
	correct := 0
	for lo := 0; lo < s.Len(); lo += evalChunk {
		hi := min(lo+evalChunk, s.Len())
		z := ev.Forward(A, s.Slice(lo, hi).X)
		for i := range hi - lo {
			row := z.Data[i*z.Stride : i*z.Stride+z.Cols]
			class := 0
			if z.Cols == 1 {
				if row[0] >= 0.5 {
					class = 1
				}
			} else {
				class = floats.MaxIdx(row)
			}
			l := s.Labels[lo+i]
			if l < n && class < n {
				m[l][class]++
			}
			if class == l {
				correct++
			}
		}
	}
	return m, float64(correct) / float64(s.Len()), nil
}
