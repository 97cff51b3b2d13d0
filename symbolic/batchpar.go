package symbolic

import "nabla/internal/par"

// Sum splits a batch into row groups whose number depends on the batch size alone: from
// 2·minGroupRows rows on (a group of fewer rows than a chunk would cost more than it saves),
// one group per minGroupRows rows, at most maxGroups. Each group sums
// its rows into its own partial outputs, chunk by chunk; the partials are then added in group
// order. The threads (SetThreads) share out the groups, so the result is the same for any
// number of them.
const (
	minGroupRows = DefaultChunk
	maxGroups    = 8
)

// groups returns the number of row groups of a batch of n rows.
func groups(n int) int {
	if n < 2*minGroupRows {
		return 1
	}
	return min(maxGroups, n/minGroupRows)
}

// sumTask is the group-parallel part of a Sum call (par.Task): worker i sums its share of
// the groups with its own vector buffers.
type sumTask struct {
	workers []*BatchProgram // workers[0] is the program itself; the others share its u
	data    []float64
	n, g    int
	partial []float64 // g × outputs
}

// SetThreads makes Sum share the row groups of a batch among threads threads (0:
// par.Threads()), each with its own vector buffers; it allocates them now. The result does not
// depend on threads.
func (bp *BatchProgram) SetThreads(threads int) {
	t := par.Resolve(threads)
	bp.pool = par.NewPool(t)
	bp.task = &sumTask{workers: []*BatchProgram{bp}}
	for range t - 1 {
		w := bp.Clone()
		w.u = bp.u
		bp.task.workers = append(bp.task.workers, w)
	}
}

// sumGroups adds the n rows of data into dst (zeroed) as groups(n) groups, on the threads.
func (bp *BatchProgram) sumGroups(dst, data []float64, n int) {
	g := groups(n)
	if g == 1 {
		bp.sumRows(dst, data, n, 0, n)
		return
	}
	if bp.task == nil {
		bp.task = &sumTask{workers: []*BatchProgram{bp}}
	}
	t := bp.task
	nout := len(dst)
	if cap(t.partial) < g*nout {
		t.partial = make([]float64, g*nout)
	}
	t.data, t.n, t.g, t.partial = data, n, g, t.partial[:g*nout]
	bp.pool.Run(min(g, len(t.workers)), t)
	copy(dst, t.partial[:nout])
	for k := 1; k < g; k++ {
		for o, v := range t.partial[k*nout : (k+1)*nout] {
			dst[o] += v
		}
	}
	t.data = nil
}

// Run sums worker i's share of the groups into their partial outputs (par.Task).
func (t *sumTask) Run(i int) {
	w := t.workers[i]
	nout := len(t.partial) / t.g
	lo, hi := par.Span(t.g, min(t.g, len(t.workers)), i)
	for k := lo; k < hi; k++ {
		out := t.partial[k*nout : (k+1)*nout]
		clear(out)
		r0, r1 := par.Span(t.n, t.g, k)
		w.sumRows(out, t.data, t.n, r0, r1)
	}
}

// sumRows adds rows [r0, r1) of the n rows of data into out, chunk by chunk.
func (bp *BatchProgram) sumRows(out, data []float64, n, r0, r1 int) {
	for s := r0; s < r1; s += bp.chunk {
		L := min(bp.chunk, r1-s)
		for j := range bp.varying {
			copy(bp.vecs[j], data[j*n+s:j*n+s+L])
		}
		bp.run(out, L)
	}
}
