// Package symbolic differentiates expressions symbolically and compiles the derivatives into
// straight-line programs; its engine "symbolic" computes the gradient of a network's cost
// that way.
//
// # Overview
//
// Expressions are DAGs of four node kinds, in the style of go/ast: *Const, *Var, *Unary
// (unary minus and the functions exp, log, sin, cos, tanh, sigmoid, relu and step) and
// *Binary (+ − · / and ^ with integer, real or expression exponents), behind the sealed
// interface Expr. A Builder makes the nodes and interns them (hash-consing): the same
// operator on the same operands is one node, so common sub-expressions are shared by
// construction; its constructors fold constants and drop identities as they build.
//
//	b := symbolic.NewBuilder()
//	f, err := b.Parse("x*(x^2 - sin(y))")
//	dfdx := b.Simplify(b.Diff(f, "x"))          // 3*x^2 - sin(y)
//	grad := b.Gradient(f, []string{"x", "y"})    // reverse accumulation over the DAG
//	prog, err := symbolic.Compile(append([]symbolic.Expr{f}, grad...), []string{"x", "y"})
//	out := prog.Eval(nil, []float64{1.5, 0.3})  // f, ∂f/∂x, ∂f/∂y
//
// Diff applies the textbook rule of each node kind once per distinct node. Gradient
// differentiates with respect to many variables at once by reverse accumulation: each node's
// adjoint ∂f/∂node is an expression pushed to its operands with the node's local derivative,
// so the gradient is one DAG sharing f's nodes, a small multiple of f's size however many
// variables there are. NaiveGradient is the textbook alternative kept for comparison — one
// derivative per variable, as plain trees — whose expression swell Measure reports next to
// the DAG's sizes.
//
// Compile turns a set of expressions into a Program: instructions in topological order over
// a register array, every distinct operation once, evaluated by Eval without allocating.
// Program.Batch specialises a program for batches of points (structure-of-arrays: each
// instruction runs across a chunk of rows; work that depends only on uniform variables runs
// once; chains of multiply-adds become linear combinations, run four at a time when they
// share their vectors, and products feeding outputs dot products, likewise four at a time;
// the vector instructions run on internal/vec's kernels, AVX-512 or AVX2 assembly where the
// CPU has it).
//
// Expressions print as infix with the fewest parentheses (String) and as LaTeX (LaTeX); Parse
// reads infix back, reporting malformed input as a *ParseError that names the column.
//
// The network side (NetworkCost, DeriveNetwork, MeasureNetwork and the engine) writes the
// cost of one training pair of an nn.Network as an expression in the parameters W1[j,i],
// b1[j], …, the inputs x[i] and the targets zbar[k] — the quadratic Σₖ (zₖ − z̄ₖ)², or the
// cross-entropy Σₖ z̄ₖ·(LSE − zₖ) with a log-sum-exp shifted by max z (built from exp, log and
// relu nodes, so that no exponential overflows); the engine compiles its gradient once per
// architecture and cost kind and sums it over the batch. A convolution is written as sums
// of products (one product node per kernel tap and output pixel), max pooling with Max
// (x + relu(y − x), so a tie takes ReLU's convention: the first entry wins), average pooling
// as a sum over P²; the DAG grows with the network's multiply-adds (about 4 nodes each for
// cost and gradient).
//
// # Invariants
//
//   - Nodes are immutable. Every node a Builder makes has only nodes of the same Builder
//     below it (operands from elsewhere are imported), so a Builder's nodes form one DAG
//     numbered in creation order, which is a topological order.
//   - A Builder's constructors return equal nodes for equal requests: b.Add(x, y) == b.Add(y, x).
//   - Diff, Gradient and Simplify return expressions equal in value to the textbook ones
//     wherever those are defined; ReLU's derivative at 0 is taken as 0, as in package nn.
//   - Walk and Inspect visit a DAG as a tree (a shared node once per use); Nodes, Compile,
//     TreeSize and DAGSize visit each distinct node once.
//   - Builders, Programs and BatchPrograms are not safe for concurrent use; Clone them.
package symbolic
