package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"nabla/internal/tools/gofiles"
)

// Long is a function over the bound.
type Long struct {
	Pos   token.Position
	Name  string // "dir.Func" or "dir.Type.Method", dir relative to the walked root
	Lines int
}

func main() {
	maxLines := flag.Int("max", 150, "longest function allowed, in lines")
	allow := flag.String("allow", "", "comma-separated functions allowed to be longer (dir.Func or dir.Type.Method)")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	os.Exit(run(os.Stdout, dirs, *maxLines, strings.Split(*allow, ",")))
}

// run checks the directories and returns the exit status.
func run(w io.Writer, dirs []string, maxLines int, allowed []string) int {
	status := 0
	for _, dir := range dirs {
		longs, err := Check(dir, maxLines)
		if err != nil {
			fmt.Fprintln(w, "funclen:", err)
			return 2
		}
		for _, l := range longs {
			note := ""
			if slices.Contains(allowed, l.Name) {
				note = " (allowed for now)"
			} else {
				status = 1
			}
			fmt.Fprintf(w, "%s: %s is %d lines (limit %d)%s\n", l.Pos, l.Name, l.Lines, maxLines, note)
		}
	}
	return status
}

// Check returns the non-test functions under root longer than maxLines lines.
func Check(root string, maxLines int) ([]Long, error) {
	var longs []Long
	err := gofiles.Walk(root, false, func(fset *token.FileSet, path string, f *ast.File) error {
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			if n := end.Line - start.Line + 1; n > maxLines {
				longs = append(longs, Long{Pos: start, Name: filepath.ToSlash(rel) + "." + funcName(fn), Lines: n})
			}
		}
		return nil
	})
	return longs, err
}

// funcName is "Func" or "Type.Method".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fn.Name.Name
		}
		return fn.Name.Name
	}
}
