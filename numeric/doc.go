// Package numeric is nabla's finite-difference engine: it approximates ∇K by evaluating the
// cost K at perturbed parameters, with nothing but the reference forward pass of package nn.
//
// Difference formulas are data (gonum's fd.Formula): Forward, the lecture notes'
// (K(A+h·eⱼ) − K(A))/h, Backward, Central and the five-point Central5. An Engine applies one
// to every parameter in turn, in a private copy of A, and reuses K(A) for stencil points at
// the origin, so a gradient costs n+1 evaluations of K with Forward and 2n+1 with Central
// (CostEvaluations). Settings choose the formula and the step; their zero value is Central
// with its default step.
//
// The package registers the engines "numeric-forward" and "numeric-central" with package
// gradients; they are approximate (Info.Exact is false) and carry tolerances measured on the
// conformance kit's networks.
package numeric
