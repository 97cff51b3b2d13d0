// Package nn owns the network of the lecture notes and nothing else: the layers (Dense,
// Conv2D, MaxPool, AvgPool), the activations σ, tanh, ReLU and the identity with
// their derivatives, the flat parameter vector A with its named blocks, seeded
// initialisation, architecture strings such as "784-30-10" or "4-8-8-3:tanh,relu,sigmoid",
// batches of training pairs, the cost kinds, the reference forward pass with the cost, and the
// places where K is not differentiable. A network carries its cost kind (Network.CostKind,
// set with Network.WithCost, parsed from the --cost flag by ParseCost): the notes' quadratic
// cost, the default,
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
// # Layers describe themselves
//
// A Layer says what it takes and gives (InShape, OutShape: channels × height × width, a
// vector being n × 1 × 1), its parameter blocks (Params: a name and a shape of any rank), its
// Activation, its FanIn for Init, its operation counts (FLOPs) and its non-smooth points
// (Kink, Sides, Nearest). Everything generic over layers — block offsets and names,
// ParamIndex, Init, architecture strings, FLOP counts, kink detection — asks these methods.
// Only each engine switches on the concrete kinds, once (see package gradients).
// A Network is built once (New, Parse) and not changed afterwards; its layers are read with
// NumLayers, Layer and Layers.
//
// # Layout of A
//
// All parameters live in one flat []float64: layer by layer, each layer's blocks in the order
// of its Params, each block row-major. For a dense layer l = 1..L that is Wl, the weight
// matrix with Outputs rows and Inputs columns, followed by bl, the bias vector of length
// Outputs. Parameter names are 1-based, one index per dimension of the block, as in the
// notes: "W2[3,1]" is the weight from input 1 to output 3 of layer 2, "b1[4]" the bias of
// output 4 of layer 1. Blocks lists them with their offsets; ParamName and ParamIndex
// translate. The layout is stable: files written with it (see nabla grad) stay valid.
//
// # Where K is not smooth
//
// At a ReLU pre-activation of 0 (Kink ReLUZero) and at a tie between the two largest entries
// of a max-pool window (MaxTie) the cost has a kink: its one-sided derivatives differ, and a
// difference quotient whose points straddle it is no derivative. A forward pass lies on one
// smooth Piece of K, recorded by Evaluator.Piece from each layer's Sides; KinkProbe answers
// "does moving A by this step (along this parameter, or along a direction) leave the piece?",
// and Evaluator.Nearest and KinkProbe.Nearest say how far the nearest non-smooth point is.
// Every part of nabla that needs to know asks these, so a new kind of non-smooth point is one
// more Kink and the Sides and Nearest of the layer that has it.
//
// # Batches
//
// A Batch holds N training pairs as two row-major matrices, X (N × inputs) and Z (N × outputs),
// one pair per row, so that engines can work on the whole batch at once.
package nn
