// Package autodiff is nabla's fourth way to the gradient: automatic differentiation, in
// reverse mode over a tape of tensor operations and in forward mode with dual numbers.
//
// # The tape
//
// A Tape records operations on tensors (row-major Rows × Cols matrices of float64; vectors and
// scalars are matrices with one column, row or entry) in the order they are made — a Wengert
// list. Leaves are Vars (the independent variables), Consts and Scalars; the operations are
// MatMul, MatMulT (a·bᵀ), Linear (a·bᵀ plus a bias in every row), Transpose, Add, Sub and Mul
// (elementwise, broadcasting a row, a column or a scalar), Scale, Sigmoid, Tanh, ReLU, Exp,
// Log, Square, Sin, Cos, Sum, SquaredDistance (Σ(x − y)² as one operation), LogSumExp (of each row, max-shifted, with the softmax as its
// local derivative), Slice and At, and for images Conv2D, Conv2DBias, ChannelBias, MaxPool and
// AvgPool. Each operation states its value, how its tangent follows from its inputs' tangents,
// and how it pushes its output's adjoint back to its inputs, accumulating with += (the design
// of micrograd's engine.py); the first push into an adjoint in a sweep writes it instead, so
// adjoints are not zeroed ahead of the sweep. Creation order is topological, so Backward is
// one reverse sweep. Large elementwise operations and their rules run on the tape's threads,
// each entry computed alone, so results do not depend on the number of threads.
//
// The core knows nothing of networks. Func and Grad differentiate any Go function of a
// vector written with the tape's operations (Rosenbrock, the notes' f(x, y) = (x² − sin y)·x);
// JVP gives a directional derivative by forward mode.
//
// # Forward mode
//
// Every tensor can carry a tangent next to its value: seed leaves with Tensor.SetTangent and
// each operation recorded afterwards computes its tangent as it computes its value (dual
// numbers on tensors). Tape.Tangents recomputes all tangents for new seeds without recomputing
// values. A tensor that depends on no seeded leaf carries no tangent and costs nothing.
//
// # Engines
//
// A small adapter writes the cost with these operations from the nn layer list (dense layers
// h ← σ(Linear(h, W, b)) = σ(h·Wᵀ + 1·bᵀ), convolutional layers h ← σ(Conv2DBias(h, K, c)),
// poolings; each activation computed over its pre-activations' buffer, which nothing else
// reads) and the network's cost kind — the quadratic K = SquaredDistance(h, z̄) or the
// cross-entropy K = Sum(z̄ ⊙ (LogSumExp(h) − h)) — and holds no derivative formula. Two engines are
// registered in package gradients: "autodiff-reverse" (Reverse: one recording, one backward
// sweep) and "autodiff-forward" (Forward: ∇K·v in one dual-number pass via Directional, the
// full gradient in one tangent sweep per parameter, so its cost grows with the parameter
// count).
//
// # Reuse
//
// Tape.Reset keeps every tensor and buffer; recording the same operations on the same shapes
// again allocates nothing. The engines rely on this: after the first call on a batch size,
// Gradient and Directional allocate nothing. Tensors from before a Reset must not be used.
package autodiff
