// Command funclen fails when a non-test Go function is longer than a bound (150 lines by
// default), the project's limit for a function that still does one thing. It walks the
// given directories (default ".") and reads every .go file but _test.go files and testdata,
// measures each function and method from its "func" line to its closing brace, and prints
// the ones over the bound as "file:line: Name is N lines (limit L)". Functions named in the
// allow-list (-allow, "pkg/path.Func" or "pkg/path.Type.Method", comma-separated) are
// reported but do not fail. It exits 1 when a function not allowed is too long, 2 on a
// usage or read error. Its test TestModule holds the whole module to the limit under go test.
//
//	go run ./internal/tools/funclen [-max 150] [-allow list] [dir ...]
package main
