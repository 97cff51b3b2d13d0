// Command layerassert fails on an unchecked type assertion to a type of package nn, such as
// layer.(*nn.Dense) used as a single value: on any other layer kind it panics. The checked
// forms are allowed — "d, ok := layer.(*nn.Dense)" and a type switch — and so is every
// assertion inside package nn itself (it names its types unqualified). It walks the given
// directories (default "."), test files included, skipping testdata and dot directories, and
// prints "file:line: unchecked type assertion to *nn.Dense". It exits 1 when it finds one, 2
// on a read or parse error. Its test TestModule holds the whole module to it under go test.
//
//	go run ./internal/tools/layerassert [dir ...]
package main
