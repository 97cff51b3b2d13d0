package par

import (
	"runtime"
	"sync"
	"sync/atomic"
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
	n    int
	done chan struct{}
	sp   spans // the Spans call in progress
}

type job struct {
	t    Task
	part int
	done chan struct{}
}

// The shared workers: goroutines started as pools need them and kept for the life of the
// process. idle counts the workers ready to take a job; a Run reserves one by decrementing it
// before it sends, so a send never waits for a worker that is busy.
var (
	jobs     = make(chan job)
	idle     atomic.Int64
	startMu  sync.Mutex
	nworkers int
)

// ensureWorkers starts shared workers until there are at least n.
func ensureWorkers(n int) {
	startMu.Lock()
	defer startMu.Unlock()
	for ; nworkers < n; nworkers++ {
		go work()
	}
}

func work() {
	for {
		idle.Add(1)
		j := <-jobs
		j.t.Run(j.part)
		j.done <- struct{}{}
	}
}

// NewPool returns a pool of the given number of threads (the caller's goroutine counted);
// threads ≤ 0 means Threads().
func NewPool(threads int) *Pool {
	n := Resolve(threads)
	p := &Pool{n: n}
	if n > 1 {
		p.done = make(chan struct{}, n)
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

// Run calls t.Run(part) for every part in [0, parts) and returns when all have returned:
// parts 1… on idle shared workers (at most Threads()−1 of them), the rest, part 0 first, on
// the calling goroutine. A nil Pool runs all parts on the caller's goroutine, in order.
func (p *Pool) Run(parts int, t Task) {
	if p == nil || p.n == 1 || parts <= 1 {
		for i := range parts {
			t.Run(i)
		}
		return
	}
	sent := 0
	inline := p.n // parts from here on run on the caller
	for i := 1; i < parts; i++ {
		if sent == p.n-1 || idle.Add(-1) < 0 {
			if sent < p.n-1 {
				idle.Add(1) // no worker was idle: give the reservation back
			}
			inline = i
			break
		}
		jobs <- job{t, i, p.done}
		sent++
	}
	t.Run(0)
	for i := inline; i < parts; i++ {
		t.Run(i)
	}
	for ; sent > 0; sent-- {
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
