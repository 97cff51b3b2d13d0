package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// threads is the process-wide default set by SetThreads; 0 means runtime.GOMAXPROCS(0).
var threads atomic.Int64

// Threads returns the default number of threads: the last value given to SetThreads, or
// runtime.GOMAXPROCS(0) (all cores) if none was.
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}

// SetThreads sets the default number of threads that pools built afterwards use when asked
// for 0; n ≤ 0 restores all cores.
func SetThreads(n int) {
	threads.Store(int64(max(n, 0)))
}

// Resolve returns n if it is positive and Threads() otherwise: the rule every Settings.Threads
// field follows (zero means the default).
func Resolve(n int) int {
	if n > 0 {
		return n
	}
	return Threads()
}

// Task is work split into parts: Run(part) computes one part, part from 0 to the number of
// parts given to Pool.Run minus one. Parts run concurrently, so each must write only its own
// outputs.
type Task interface {
	Run(part int)
}

// Pool runs Tasks on up to a fixed number of threads: the caller's goroutine and the
// process's shared workers. A Pool of one thread runs everything on the caller's goroutine.
// Run allocates nothing. A Pool is not safe for concurrent use (one Run at a time), but
// different Pools may run at once, and a part may itself Run another Pool: a part that finds
// no idle worker runs on the goroutine that asked, so nothing waits for a busy worker.
type Pool struct {
	n   int
	gen uint32 // the Run in progress, counted
	// next is the Run in progress (gen, high 32 bits) and its next unclaimed part (low 32
	// bits): the caller and the workers it reserved claim parts from it until none is left.
	next     atomic.Uint64
	finished atomic.Int64  // parts of the Run in progress that have returned
	done     chan struct{} // capacity 1: a signal that the last part of a Run has returned
	sp       spans         // the Spans call in progress
}

// job is a Run's parts offered to a worker: it claims parts of t from p while p's Run is still
// generation gen.
type job struct {
	p     *Pool
	t     Task
	gen   uint32
	parts int
}

// A worker's states. An idle worker first spins (for up to spinFor), so that a part offered to
// it starts at once; then it parks on its wake channel. Waking a parked worker costs an OS
// wake-up of its thread, which on a virtual machine with an idle second vCPU was measured at
// about 100 µs: longer than many of the products an engine splits.
const (
	spinning int32 = iota // idle, polling ready
	parked                // idle, blocked on wake
	busy                  // reserved by a Run, or claiming its parts
)

// spinFor is how long an idle worker, and a Run waiting for its last parts, poll before they
// block. It covers the serial stretches between the products of one gradient.
const spinFor = time.Millisecond

// worker is one shared worker goroutine. A Run reserves it by moving its state from spinning
// or parked to busy; a spinning worker then gets its job through j and ready, a parked one
// through wake.
type worker struct {
	state atomic.Int32
	ready atomic.Bool // j holds a job for a spinning worker
	j     job
	wake  chan job // capacity 1: a send never waits
}

// The shared workers: goroutines started as pools need them and kept for the life of the
// process.
var (
	workers atomic.Pointer[[]*worker]
	startMu sync.Mutex
)

// ensureWorkers starts shared workers until there are at least n.
func ensureWorkers(n int) {
	startMu.Lock()
	defer startMu.Unlock()
	var ws []*worker
	if p := workers.Load(); p != nil {
		ws = *p
	}
	if len(ws) >= n {
		return
	}
	ws = append([]*worker(nil), ws...)
	for len(ws) < n {
		w := &worker{wake: make(chan job, 1)}
		w.state.Store(busy) // not reservable until its goroutine runs
		ws = append(ws, w)
		go w.work()
	}
	workers.Store(&ws)
}

// work is a worker's loop: spin for a job, park when none came for spinFor (or at once on a
// busy machine), claim its parts.
func (w *worker) work() {
	for {
		w.state.Store(spinning)
		var j job
		var sp spinner
		for {
			if w.ready.Load() {
				j, w.j = w.j, job{}
				w.ready.Store(false)
				break
			}
			// Spin without yielding: a goroutine that yields goes to the global queue, and
			// nothing wakes an idle thread to run it from there.
			if !sp.spin(false) && w.state.CompareAndSwap(spinning, parked) {
				j = <-w.wake
				break
			}
		}
		j.p.claim(j.t, j.gen, j.parts)
	}
}

// spinner paces a polling loop: spin reports whether the loop should go on polling.
type spinner struct {
	n          int
	start, now time.Time
}

// spin counts one poll and reports whether to poll again: until spinFor has passed since the
// first poll, and never on a busy machine (see noisy) or with one thread to run goroutines on,
// where a spinning goroutine would hold up the one it waits for. With yield it gives the
// thread to other goroutines now and then.
func (s *spinner) spin(yield bool) bool {
	s.n++
	if s.n%64 != 1 {
		return true
	}
	prev := s.now
	s.now = time.Now()
	if s.n == 1 {
		s.start = s.now
		return !noisy(s.now) && runtime.GOMAXPROCS(0) > 1
	}
	if s.now.Sub(prev) > descheduled {
		// The OS took this thread away between two polls: the cores are oversubscribed, and
		// a spinning thread takes CPU from the threads that do the work.
		noisyUntil.Store(s.now.Add(quietAfter).UnixNano())
		return false
	}
	if s.now.Sub(s.start) > spinFor {
		return false
	}
	if yield {
		runtime.Gosched()
	}
	return true
}

// noisyUntil is the time (Unix ns) until which threads do not spin, set when a spinning thread
// finds it was descheduled.
var noisyUntil atomic.Int64

const (
	descheduled = time.Millisecond       // a gap between two polls that means the OS gave the core to another process
	quietAfter  = 100 * time.Millisecond // how long threads do not spin after that
)

// noisy reports whether threads should not spin at time now.
func noisy(now time.Time) bool { return now.UnixNano() < noisyUntil.Load() }

// reserve offers the job to an idle shared worker and reports whether one took it.
func reserve(j job) bool {
	p := workers.Load()
	if p == nil {
		return false
	}
	for _, w := range *p {
		if w.state.CompareAndSwap(spinning, busy) {
			w.j = j
			w.ready.Store(true)
			return true
		}
		if w.state.CompareAndSwap(parked, busy) {
			w.wake <- j
			return true
		}
	}
	return false
}

// claim runs parts of t, one at a time, as long as the pool's Run is generation gen and has
// unclaimed parts. A worker that comes late finds none and returns.
func (p *Pool) claim(t Task, gen uint32, parts int) {
	for {
		cur := p.next.Load()
		if uint32(cur>>32) != gen || int(uint32(cur)) >= parts {
			return
		}
		if p.next.CompareAndSwap(cur, cur+1) {
			t.Run(int(uint32(cur)))
			if p.finished.Add(1) == int64(parts) {
				select { // wake the Run if it waits; it checks finished, so a dropped send is fine
				case p.done <- struct{}{}:
				default:
				}
			}
		}
	}
}

// NewPool returns a pool of the given number of threads (the caller's goroutine counted);
// threads ≤ 0 means Threads().
func NewPool(threads int) *Pool {
	n := Resolve(threads)
	p := &Pool{n: n}
	if n > 1 {
		p.done = make(chan struct{}, 1)
		ensureWorkers(n - 1)
	}
	return p
}

// Threads returns the number of threads the pool runs on. A nil Pool has one.
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.n
}

// Run calls t.Run(part) for every part in [0, parts) and returns when all have returned. It
// offers the parts to up to Threads()−1 idle shared workers and claims parts itself: each part
// runs once, on whichever goroutine claims it first, so a worker that is slow to start (its
// thread descheduled) delays nothing. A nil Pool runs all parts on the caller's goroutine, in
// order.
func (p *Pool) Run(parts int, t Task) {
	if p == nil || p.n == 1 || parts <= 1 {
		for i := range parts {
			t.Run(i)
		}
		return
	}
	p.gen++
	p.finished.Store(0)
	p.next.Store(uint64(p.gen) << 32)
	for range min(parts, p.n) - 1 {
		if !reserve(job{p, t, p.gen, parts}) {
			break
		}
	}
	p.claim(t, p.gen, parts)
	p.wait(parts)
}

// wait returns when n parts have returned: it polls, yielding now and then, for up to spinFor
// (the parts are usually about to finish), then blocks until the worker that finishes the last
// part signals done.
func (p *Pool) wait(n int) {
	var sp spinner
	for p.finished.Load() < int64(n) {
		if !sp.spin(true) {
			break
		}
	}
	// done may hold a stale signal from an earlier Run that finished while polling: then the
	// loop checks again and blocks until this Run's signal.
	for p.finished.Load() < int64(n) {
		<-p.done
	}
}

// Span returns the half-open range [lo, hi) of part i when n items are split into parts
// contiguous pieces whose sizes differ by at most one.
func Span(n, parts, i int) (lo, hi int) {
	q, r := n/parts, n%parts
	lo = i*q + min(i, r)
	hi = lo + q
	if i < r {
		hi++
	}
	return lo, hi
}

// Spanner is work over the items [0, n) of which any contiguous span can be done alone:
// Span(lo, hi) does items lo to hi−1.
type Spanner interface {
	Span(lo, hi int)
}

// spans is a Spans call as a Task: part i does the i-th of parts even spans of [0, n).
type spans struct {
	s        Spanner
	n, parts int
}

func (t *spans) Run(i int) {
	lo, hi := Span(t.n, t.parts, i)
	t.s.Span(lo, hi)
}

// Spans does the items [0, n) of s: split into one even span per thread, each at least
// minSpan items long, or as s.Span(0, n) on the caller's goroutine when n < 2·minSpan. It
// allocates nothing when s is a pointer. A nil Pool does all on the caller's goroutine.
func (p *Pool) Spans(n, minSpan int, s Spanner) {
	parts := 1
	if p != nil && minSpan > 0 {
		parts = min(p.n, n/minSpan)
	}
	if parts <= 1 {
		s.Span(0, n)
		return
	}
	p.sp = spans{s: s, n: n, parts: parts}
	p.Run(parts, &p.sp)
	p.sp = spans{}
}
