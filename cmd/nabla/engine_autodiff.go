package main

// The autodiff engines ("autodiff-reverse", "autodiff-forward") register themselves in
// package gradients.
import _ "nabla/autodiff"
