package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"os"

	"nabla/internal/tools/gofiles"
)

// Unchecked is one unchecked type assertion to a type of package nn.
type Unchecked struct {
	Pos  token.Position
	Type string // "*nn.Dense"
}

func main() {
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	os.Exit(run(os.Stdout, dirs))
}

// run checks the directories and returns the exit status.
func run(w io.Writer, dirs []string) int {
	status := 0
	for _, dir := range dirs {
		found, err := Check(dir)
		if err != nil {
			fmt.Fprintln(w, "layerassert:", err)
			return 2
		}
		for _, u := range found {
			fmt.Fprintf(w, "%s: unchecked type assertion to %s\n", u.Pos, u.Type)
			status = 1
		}
	}
	return status
}

// Check returns the unchecked type assertions to types of package nn in the Go files under
// root, test files included.
func Check(root string) ([]Unchecked, error) {
	var found []Unchecked
	err := gofiles.Walk(root, true, func(fset *token.FileSet, _ string, f *ast.File) error {
		found = append(found, checkFile(fset, f)...)
		return nil
	})
	return found, err
}

// checkFile finds the assertions to nn types in f that are not the single value of a
// two-value assignment or declaration (type switches have no asserted type and are skipped).
func checkFile(fset *token.FileSet, f *ast.File) []Unchecked {
	checked := map[*ast.TypeAssertExpr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if len(s.Lhs) == 2 && len(s.Rhs) == 1 {
				if ta, ok := ast.Unparen(s.Rhs[0]).(*ast.TypeAssertExpr); ok {
					checked[ta] = true
				}
			}
		case *ast.ValueSpec:
			if len(s.Names) == 2 && len(s.Values) == 1 {
				if ta, ok := ast.Unparen(s.Values[0]).(*ast.TypeAssertExpr); ok {
					checked[ta] = true
				}
			}
		}
		return true
	})
	var found []Unchecked
	ast.Inspect(f, func(n ast.Node) bool {
		ta, ok := n.(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil || checked[ta] {
			return true
		}
		if name, ok := nnType(ta.Type); ok {
			found = append(found, Unchecked{Pos: fset.Position(ta.Pos()), Type: name})
		}
		return true
	})
	return found
}

// nnType reports whether t names a type of package nn (nn.T or *nn.T) and returns it as
// written.
func nnType(t ast.Expr) (string, bool) {
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	sel, ok := t.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name != "nn" {
		return "", false
	}
	return star + "nn." + sel.Sel.Name, true
}
