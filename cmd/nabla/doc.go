/*
Nabla is the command-line front of the nabla lab. It is wiring only: it parses flags, calls
the library packages and prints what package reports renders.

Usage:

	nabla COMMAND [flags]

The commands:

	nabla bench     time every engine's gradient on the built-in networks; the timing table alone
	nabla check     check a hand-derived gradient of a formula against symbolic differentiation
	                and central differences
	nabla compare   cross-check gradient engines on seeded random parameters and data
	                (--order 2: Hessian-vector products)
	nabla derive    symbolic derivatives of a network's cost, and the expression-swell table
	nabla newton    Newton–CG against gradient descent on a small set: learning curves
	nabla hessian   the full Hessian of a small network by H·v products: spectrum, symmetry
	nabla grad      compute K and ∇K for given parameters and data (JSON in, JSON or a table out)
	nabla mutate    mutation testing: hold faulty hand-coded gradients against every engine
	nabla predict   classify a data set with saved parameters (train --save): accuracy and the
	                confusion matrix, as a table and an SVG heat map
	nabla report    the main job: cross-check, benchmarks and scaling study of every engine,
	                written as DIR/REPORT.md, DIR/results.json and SVG plots
	nabla results   measure the lab on this machine and write docs/RESULTS.md: timings, ratios,
	                cross-checks, with date, machine, Go version, BLAS, threads, load and duration;
	                --durations also times make bench, go test ./... and nabla report
	nabla steps     step-size sweep: error of each finite-difference formula against the exact
	                gradient, h from 1e-1 to 1e-16
	nabla train     train a network by gradient descent with any engine (MNIST or a built-in set)
	nabla verify    hold a gradient computed elsewhere against the exact engines: where it is
	                wrong, and which mistake it is

Run "nabla help" for the list of commands and "nabla help COMMAND" (or "nabla COMMAND
--help") for a command's flags.

# Convention

Every command parses its flags the same way (cli.go): --format table|markdown|json|csv
(each command lists the ones it has), --out FILE for the output (report: a directory),
--seed N, --budget as a duration with a unit (500ms, 5s, 2m; a bare number is refused).
Every count and size is bounded (the bounds are in the help), and every output path is
checked before any work starts.

# Compare

	nabla compare --net 3-5-4-2 [--act tanh] [--batch 16] [--seed 1] [--engines backprop,numeric-central] [--format table|markdown|json]

draws parameters (nn.Network.Init) and a batch (nn.Network.RandomBatch) from the seed,
computes ∇K with each engine, and holds every pair of engines against each other element by
element (gradients.CompareAt): an element agrees within 4× the sum of the two engines' expected
errors (finite-difference engines estimate theirs per element from the measured noise of K
and their step, and measure their truncation again at twice the step for an element their
estimate does not explain; exact engines state a rounding bound that grows with K), or, where
neither engine estimates its error per element, within the pair's tolerance (a floor);
"obs/exp" is the worst ratio of observed to expected. Elements whose
difference stencil crossed a ReLU kink are not comparable ("non_differentiable" in JSON),
exact engines apart at a pre-activation of 0 differ by convention ("convention"); neither
fails the pair. The summary says first whether the exact engines agree among themselves.
gradcheck's knobs: --atol A and --rtol R judge each element by |a − b| ≤ A + R·|b| instead;
--step H sets every finite-difference engine's step; --detail all|K lists every element
beyond its allowance, or the K closest to it, by name in the table and the JSON ("detail");
--directional N is the fast check: each engine's ∇K·v against numeric-richardson's
difference along N random directions. Without --engines it takes every registered engine that
supports the network, leaving out those whose estimated time per gradient (from their cost
evaluations or cost model) exceeds --budget (default 30s); what it leaves out, and why, goes to stderr
and into the report. Engines named in --engines always run. Progress of slow engines goes to
stderr. The JSON form has a top-level "pairs" array of objects with "a", "b", "max_abs_err",
"max_rel_err", "worst" and "agree", and the net, batch, seed and each engine's K.

	nabla compare --net 4-8-3 --order 2 [--directions 4] [--engines backprop,symbolic]

holds Hessian-vector products H·v instead of gradients against each other, along seeded
random directions v (gradients.CrossCheckHv), with the same per-element verdicts: each
element within the engines' stated errors (the difference engines numeric-central and
numeric-complex state theirs per element) or the HvTolerance floor. Every engine with H·v takes
part unless --engines names others, except the difference engines on more than 5,000
parameters. A pair's row is its worst
direction; "quantity" in JSON says what was compared.

# Grad

	nabla grad --net 3-4-2 --params A.json --batch batch.json [--engine backprop] [--format json|table]

computes K and ∇K for given parameters and data, so that nabla can be held against another
framework. A.json holds {"A": [...]}, every weight and bias in one flat array: for layer
l = 1, 2, … first Wl (outputs × inputs, row-major; Wl[i,j] is the weight from input j to
output i), then bl. batch.json holds {"X": [[...], ...], "Z": [[...], ...]}, one row per
training pair. The output is

	{"net": …, "engine": …, "batch": …, "K": …, "grad": [...], "blocks": {"W1": [[...], ...], "b1": [...], …}}

with the weight blocks as arrays of rows. A file of the wrong shape, with null, NaN or
Infinity, or malformed JSON is a one-line error that says what was expected.

# Verify

	nabla verify --net 3-4-2 --params A.json --batch batch.json --grad G.json [--engines a,b] [--tol 1e-7] [--format table|json]

holds a gradient computed anywhere (numpy, PyTorch, a student's backprop) against the exact
engines. G.json is in the layout nabla grad prints: "grad" flat in the layout of A, or
"blocks" with weight blocks as outputs × inputs rows (PyTorch's Linear.weight.grad). It says
first whether the exact engines agree among themselves, then where G is wrong (per block, the
worst elements by name), the pattern where one fits (zero, transposed, sign flipped, scaled by
2, ½ or the batch size, one layer's σ' left out), the catalogued fault it matches (see nabla
mutate), and what a finite-difference witness says along the direction in which G departs.
Exit status 1 when G is wrong. nabla grad --engine mutant:FAULT writes a fault's gradient.

# Steps

	nabla steps --net 4-8-3 [--param W1[2,3]] [--format table|markdown|json] [--plot steps.svg]

runs the precision lab's step-size sweep (bench.Steps): forward, backward, central, five-point
and Richardson differences in float64 and float32, and the complex step, for h from 1e-1 down
to 1e-16 (the complex step to 1e-200), each held against the exact gradient (backprop). It
prints the measured optimal step of each formula against the theory (√ε, ε^(1/3)), the error
at the chosen parameter per decade of h, the spread and sign flips over a sample of
parameters, and the recommended step per formula and precision; --plot writes the log-log
curves (.svg, .png or .pdf).

# Hessian

	nabla hessian --net 2-3-1 [--engine backprop] [--cost quadratic|xent] [--batch 16] [--seed 1] [--format table|markdown] [--plot spectrum.svg]

forms the full Hessian H = ∇²K of a small network (at most gradients.MaxHessianParams
parameters) by one Hessian-vector product per parameter with the chosen engine (backprop,
autodiff-reverse, symbolic or numeric-complex), and prints its symmetry error, the extreme
eigenvalues (gonum's mat.EigenSym on the symmetric part), the condition number max|λ|/min|λ|
and the same for each diagonal block (W1, b1, …); --plot writes |λ| of H and of each block,
sorted, on a logarithmic axis.

	nabla newton [--set blobs] [--net 2-8-4] [--steps 20] [--eta 0.01] [--engine backprop] [--plot curve.svg]

trains the same network from the same parameters on a built-in set twice, full batch: by
gradient descent with step η, and by Newton–CG (train.Newton: each step solves
(H + λI) p = −∇K by conjugate gradients with the engine's H·v, then a backtracking line
search; λ adapts to how well the quadratic model predicted the decrease). It prints both
training costs and test accuracies per step with the H·v products used, and --plot writes
the two learning curves.

	nabla mutate --order 2 [--net 4-6-6-3:tanh,sigmoid,sigmoid] [--engines …] [--directions 3]

holds the second-order mutants (mutants.SecondCatalogue: σ” of the sigmoid as σ'(1 − σ), σ”
of tanh without its 1 − tanh², the σ” term left out, the cross term δ(Ry)ᵀ between layers
left out, the direction's term Vᵀδ' left out) and their clean control against every engine's
H·v; exit status 1 when an engine misses a fault or flags the control.

# Report

	nabla report [--out report-out] [--quick] [--nets 2-3-1@16,784-30-10@100] [--engines …] [--seed 1] [--budget 1s]
	nabla report --from report-out/results.json --out DIR

measures every registered engine on the built-in networks (2-3-1 to 784-100-10; --nets for
others, NET@BATCH), cross-checks them on each network, runs the scaling study (w-w-w networks,
w = 8 … 512) and writes REPORT.md, results.json (every figure) and the SVG plots into --out.
Engines whose estimated time per gradient exceeds --budget are skipped with the estimate
stated. Progress goes to stderr. --quick takes well under a minute on 2 cores, the default a
few minutes. --from renders a report again from its results.json without measuring.
The report is written even when an engine fails or a pair disagrees; the exit status is then 1.
nabla bench runs the same benchmarks and prints the timing table alone.

# Exit status

0 when the command ran and found nothing wrong; 1 for a finding (a disagreement, a wrong
gradient, a non-finite result, a diverged training run) or a failure of the work itself; 2 for
a usage or input error (an unknown command or flag, a bad flag value, a count out of bounds, a
malformed or missing input file, an unwritable output path, an engine that cannot run the
network); 130 when interrupted by Ctrl-C (what finished is printed; an open progress line is
ended first). Errors are one line "nabla COMMAND: …" on stderr, with a hint where there is one.
check exits 0 only when it checked at least one point and every component agreed there; a
given, symbolic or difference value that is NaN or ±Inf is a finding with its reason (1); a
point outside the formula's domain is skipped and named, and no point left to check is a usage
error (2), as are --tol ≤ 0 and a variable given twice in --at.
*/
package main
