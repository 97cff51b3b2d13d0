package par

import (
	"runtime"
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

// Pool runs Tasks on a fixed number of goroutines. A Pool of one thread runs everything on the
// caller's goroutine and starts none. Run allocates nothing. A Pool is not safe for concurrent
// use: one Run at a time. Its goroutines end when the Pool becomes unreachable.
type Pool struct {
	w *workers
}

type job struct {
	t    Task
	part int
}

// workers is what the pool's goroutines see; it must not point back to the Pool, so that the
// Pool can become unreachable and its cleanup stop them.
type workers struct {
	jobs chan job
	done chan struct{}
	n    int
}

// NewPool returns a pool of the given number of threads (the caller's goroutine counted);
// threads ≤ 0 means Threads().
func NewPool(threads int) *Pool {
	n := Resolve(threads)
	w := &workers{n: n}
	p := &Pool{w: w}
	if n > 1 {
		w.jobs = make(chan job, n)
		w.done = make(chan struct{}, n)
		for range n - 1 {
			go work(w.jobs, w.done)
		}
		runtime.AddCleanup(p, func(jobs chan job) { close(jobs) }, w.jobs)
	}
	return p
}

func work(jobs <-chan job, done chan<- struct{}) {
	for j := range jobs {
		j.t.Run(j.part)
		done <- struct{}{}
	}
}

// Threads returns the number of threads the pool runs on. A nil Pool has one.
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.w.n
}

// Run calls t.Run(part) for every part in [0, parts) and returns when all have returned:
// part 0 on the calling goroutine, the others on the pool's goroutines, at most Threads() at a
// time. A nil Pool runs all parts on the caller's goroutine, in order.
func (p *Pool) Run(parts int, t Task) {
	if p == nil || p.w.n == 1 || parts <= 1 {
		for i := range parts {
			t.Run(i)
		}
		return
	}
	w := p.w
	sent := 0
	for i := 1; i < parts; i++ {
		if sent == w.n-1 { // every goroutine busy: wait for one
			<-w.done
			sent--
		}
		w.jobs <- job{t, i}
		sent++
	}
	t.Run(0)
	for ; sent > 0; sent-- {
		<-w.done
	}
	runtime.KeepAlive(p)
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
