package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counter records how often each part ran.
type counter struct{ runs []int }

func (c *counter) Run(part int) { c.runs[part]++ }

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name           string
		threads, parts int
	}{
		{"serial", 1, 5},
		{"two threads, two parts", 2, 2},
		{"two threads, seven parts", 2, 7},
		{"four threads, three parts", 4, 3},
		{"three threads, one part", 3, 1},
		{"no parts", 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPool(tc.threads)
			assert.Equal(t, tc.threads, p.Threads())
			c := &counter{runs: make([]int, tc.parts)}
			for range 3 {
				p.Run(tc.parts, c)
			}
			for i, n := range c.runs {
				assert.Equal(t, 3, n, "part %d", i)
			}
		})
	}
}

func TestNilPool(t *testing.T) {
	var p *Pool
	assert.Equal(t, 1, p.Threads())
	c := &counter{runs: make([]int, 3)}
	p.Run(3, c)
	assert.Equal(t, []int{1, 1, 1}, c.runs)
}

func TestRunAllocs(t *testing.T) {
	p := NewPool(2)
	c := &counter{runs: make([]int, 2)}
	p.Run(2, c)
	assert.Zero(t, testing.AllocsPerRun(100, func() { p.Run(2, c) }))
}

func TestSpan(t *testing.T) {
	for _, tc := range []struct{ n, parts int }{{10, 3}, {2, 5}, {0, 2}, {7, 1}, {100, 7}} {
		next := 0
		for i := range tc.parts {
			lo, hi := Span(tc.n, tc.parts, i)
			require.Equal(t, next, lo, "n=%d parts=%d part %d starts where the last ended", tc.n, tc.parts, i)
			require.LessOrEqual(t, hi-lo, tc.n/tc.parts+1)
			require.GreaterOrEqual(t, hi-lo, tc.n/tc.parts)
			next = hi
		}
		assert.Equal(t, tc.n, next, "n=%d parts=%d covered", tc.n, tc.parts)
	}
}

func TestThreads(t *testing.T) {
	defer SetThreads(0)
	assert.Equal(t, runtime.GOMAXPROCS(0), Threads())
	SetThreads(3)
	assert.Equal(t, 3, Threads())
	assert.Equal(t, 3, Resolve(0))
	assert.Equal(t, 5, Resolve(5))
	assert.Equal(t, 3, NewPool(0).Threads())
	SetThreads(-1)
	assert.Equal(t, runtime.GOMAXPROCS(0), Threads())
}

// nested runs an inner pool from each of its parts.
type nested struct {
	inner []*Pool
	c     []*counter
}

func (n *nested) Run(part int) { n.inner[part].Run(3, n.c[part]) }

func TestRunNestedAndConcurrent(t *testing.T) {
	outer := NewPool(2)
	n := &nested{inner: []*Pool{NewPool(2), NewPool(3)}, c: []*counter{{runs: make([]int, 3)}, {runs: make([]int, 3)}}}
	done := make(chan struct{})
	other := &counter{runs: make([]int, 4)}
	go func() {
		p := NewPool(4)
		for range 50 {
			p.Run(4, other)
		}
		close(done)
	}()
	for range 50 {
		outer.Run(2, n)
	}
	<-done
	for _, c := range n.c {
		assert.Equal(t, []int{50, 50, 50}, c.runs)
	}
	assert.Equal(t, []int{50, 50, 50, 50}, other.runs)
}

// sumSpans adds the squares of its items' indices into one slot per span.
type sumSpans struct {
	out []int
	got [][2]int
	mu  sync.Mutex
}

func (s *sumSpans) Span(lo, hi int) {
	for i := lo; i < hi; i++ {
		s.out[i] = i * i
	}
	s.mu.Lock()
	s.got = append(s.got, [2]int{lo, hi})
	s.mu.Unlock()
}

func TestSpans(t *testing.T) {
	for _, tc := range []struct{ threads, n, minSpan, spans int }{
		{1, 1000, 10, 1}, {2, 1000, 10, 2}, {3, 1000, 10, 3}, {2, 15, 10, 1}, {2, 20, 10, 2}, {4, 30, 10, 3}, {2, 0, 10, 1},
	} {
		s := &sumSpans{out: make([]int, tc.n)}
		NewPool(tc.threads).Spans(tc.n, tc.minSpan, s)
		for i, v := range s.out {
			require.Equal(t, i*i, v, "item %d, %+v", i, tc)
		}
		assert.Len(t, s.got, tc.spans, "%+v", tc)
	}
	s := &sumSpans{out: make([]int, 100)}
	(*Pool)(nil).Spans(100, 1, s)
	assert.Equal(t, [][2]int{{0, 100}}, s.got)
}

// once records, per part, how often it ran; a part sleeps when asked, so that the caller
// and the worker race for the parts.
type once struct {
	runs  []atomic.Int32
	sleep int // the part that sleeps for a while, -1 for none
}

func (o *once) Run(part int) {
	if part == o.sleep {
		time.Sleep(50 * time.Microsecond)
	}
	o.runs[part].Add(1)
}

func TestRunClaimsEveryPartOnce(t *testing.T) {
	p := NewPool(2)
	for r := range 300 {
		o := &once{runs: make([]atomic.Int32, 1+r%7), sleep: r%5 - 1}
		p.Run(len(o.runs), o)
		for i := range o.runs {
			require.EqualValues(t, 1, o.runs[i].Load(), "run %d part %d when Run returned", r, i)
		}
		if r%50 == 0 {
			time.Sleep(2 * spinFor) // let the worker park, so the next Run wakes it
		}
		defer func() {
			for i := range o.runs {
				assert.EqualValues(t, 1, o.runs[i].Load(), "run %d part %d at the end (a late worker ran it again)", r, i)
			}
		}()
	}
}

func TestRunOnOneProc(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := NewPool(3)
	c := &counter{runs: make([]int, 5)}
	for range 100 {
		p.Run(5, c)
	}
	assert.Equal(t, []int{100, 100, 100, 100, 100}, c.runs)
}

func TestSpinner(t *testing.T) {
	defer noisyUntil.Store(0)
	var s spinner
	s.spin(false)
	s.start = s.start.Add(-2 * spinFor)
	for range 63 {
		require.True(t, s.spin(false), "polls between two looks at the clock")
	}
	assert.False(t, s.spin(false), "spinning stops after spinFor")

	s = spinner{}
	s.spin(false)
	s.now = s.now.Add(-2 * descheduled) // as if the OS took the thread between two polls
	for range 63 {
		s.spin(false)
	}
	assert.False(t, s.spin(false), "a descheduled spinner stops")
	assert.True(t, noisy(time.Now()), "and tells the others not to spin")
	var s2 spinner
	assert.False(t, s2.spin(false), "no spinning while the machine is busy")
}
