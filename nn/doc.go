// Package nn owns the network of the lecture notes and nothing else: the layer list (dense
// layers now, room for convolution and pooling later), the activations σ, tanh, ReLU and the
// identity with their derivatives, the flat parameter vector A with its named blocks, seeded
// initialisation, architecture strings such as "784-30-10" or "4-8-8-3:tanh,relu,sigmoid",
// batches of training pairs, the cost kinds, and the reference forward pass with the cost. A
// network carries its cost kind (Network.CostKind, set with Network.WithCost, parsed from the
// --cost flag by ParseCost): the notes' quadratic cost, the default,
//
//	K = Σᵢ ‖z⁽ⁱ⁾ − z̄⁽ⁱ⁾‖²,
//
// or a softmax on the last layer's output followed by the cross-entropy ("xent"),
//
//	K = −Σᵢ Σₖ z̄ₖ⁽ⁱ⁾ log softmax(z⁽ⁱ⁾)ₖ = Σᵢ [ (Σₖ z̄ₖ⁽ⁱ⁾)·LSE(z⁽ⁱ⁾) − Σₖ z̄ₖ⁽ⁱ⁾ zₖ⁽ⁱ⁾ ],
//
// evaluated through the log-sum-exp LSE(z) = m + log Σₖ exp(zₖ − m), m = maxₖ zₖ, so that large
// outputs neither overflow nor lose precision. Give the last layer the identity activation
// for the usual logits.
//
// It is the only ground the four gradient engines share: each of them reads the network
// definition from here and may evaluate the cost with the reference forward pass, but none
// of them finds a derivative here. Activation derivatives are provided for tests and for the
// hand-coded engine's convenience only as plain functions of one variable.
//
// # Layout of A
//
// All weights and biases live in one flat []float64. For layer l = 1..L (in order) it holds
// Wl, the weight matrix with Outputs rows and Inputs columns stored row-major, followed by bl,
// the bias vector of length Outputs. Parameter names are 1-based, as in the notes: "W2[3,1]"
// is the weight from input 1 to output 3 of layer 2, "b1[4]" the bias of output 4 of layer 1.
// The layout is stable: files written with it (see nabla grad) stay valid.
//
// # Batches
//
// A Batch holds N training pairs as two row-major matrices, X (N × inputs) and Z (N × outputs),
// one pair per row, so that engines can work on the whole batch at once.
package nn
