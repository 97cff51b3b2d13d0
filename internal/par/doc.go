// Package par runs the parts of a computation on a fixed set of goroutines, so that an engine
// can spread its work over several cores without allocating on each call.
//
// A Pool is prepared once (with an engine) and then reused: Run hands part 0 to the calling
// goroutine and parts 1… to idle workers shared by the whole process (started as pools need
// them, one fewer than the largest pool's threads), runs on the caller any part for which no
// worker is idle, and returns when all are done. Results are
// deterministic when each part writes its own outputs and computes them in an order that does
// not depend on the number of parts, which is how nabla's engines use it.
//
// The number of threads a pool is built with defaults to Threads(), which is all cores
// (runtime.GOMAXPROCS) unless SetThreads changed it, as nabla's --threads flag does.
package par
