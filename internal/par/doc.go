// Package par runs the parts of a computation on a fixed set of goroutines, so that an engine
// can spread its work over several cores without allocating on each call.
//
// A Pool is prepared once (with an engine) and then reused: Run offers its parts to idle
// workers shared by the whole process (started as pools need them, one fewer than the largest
// pool's threads), claims parts on the calling goroutine too, and returns when all are done;
// each part runs once, on whichever goroutine claims it first. An idle worker spins for a
// millisecond before it parks, because waking a parked thread took about 100 µs on the
// two-vCPU virtual machine nabla is developed on, longer than many of the products an engine
// splits; it does not spin while the cores are oversubscribed (a spinning thread found it had
// been descheduled for a millisecond), where spinning would take CPU from the threads that do
// the work. Results are
// deterministic when each part writes its own outputs and computes them in an order that does
// not depend on the number of parts, which is how nabla's engines use it.
//
// The number of threads a pool is built with defaults to Threads(), which is all cores
// (runtime.GOMAXPROCS) unless SetThreads changed it, as nabla's --threads flag does.
package par
