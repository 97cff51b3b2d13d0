// Package gofiles walks the Go files of a tree for the project's source checks
// (internal/tools/funclen, internal/tools/layerassert): every .go file below a root, without
// testdata and dot directories, parsed with positions.
package gofiles
