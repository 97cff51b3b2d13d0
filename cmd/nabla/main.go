package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"nabla/internal/par"
	"nabla/internal/table"
)

// command is one subcommand. Each lives in its own file and registers itself from init.
type command struct {
	name    string
	summary string // one line for the command list
	usage   string // the synopsis after "nabla NAME", e.g. "--net 4-8-3 [--batch 16]"
	// setup declares the flags on fs and returns the function that runs the command after
	// parsing. It writes results to stdout and progress to stderr.
	setup func(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("nabla: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes the command line and returns the exit status (see conventionText): 0 on
// success, 1 for a finding, 2 for a usage or input error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		return help(args[1:], stdout, stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "nabla: unknown command %q; run 'nabla help' for the list\n", args[0])
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

// help prints the general help, or one command's.
func help(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		printUsage(stdout)
		return exitOK
	case 1:
		c, ok := commands[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "nabla help: unknown command %q; run 'nabla help' for the list\n", args[0])
			return exitUsage
		}
		fs := c.flags()
		c.printHelp(stdout, fs)
		return exitOK
	}
	fmt.Fprintf(stderr, "nabla help: want one command, got %d arguments; run 'nabla help' for the list\n", len(args))
	return exitUsage
}

// flags returns the command's flag set, with every flag declared and errors left to run.
func (c *command) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("nabla "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

func (c *command) printHelp(w io.Writer, fs *flag.FlagSet) {
	c.declare(fs)
	synopsis := table.Wrap(fmt.Sprintf("usage: nabla %s %s", c.name, c.usage), table.DefaultWidth-4)
	fmt.Fprintf(w, "%s\n\n%s\n\nflags:\n", strings.ReplaceAll(synopsis, "\n", "\n    "), table.Wrap(c.summary, table.DefaultWidth))
	printFlags(w, fs)
	fmt.Fprintln(w, "\nExit status: 0 ok, 1 a finding, 2 a usage or input error ('nabla help' has the convention).")
}

// maxThreads bounds the common --threads.
const maxThreads = 256

// declare declares the command's flags on fs, adding the common --threads N and --out FILE
// when the command has no such flag of its own, and returns the function that runs it.
func (c *command) declare(fs *flag.FlagSet) func(args []string, stdout, stderr io.Writer) error {
	runFn := c.setup(fs)
	if fs.Lookup("threads") == nil {
		countFlag(fs, "threads", 0, 0, maxThreads, "threads for the matrix products, the finite-difference engines, training's\n"+
			"mini-batches and the symbolic program's batches (0: all cores); results are the same for any number")
	}
	if fs.Lookup("out") == nil {
		p := new(string)
		fs.Var(&pathValue{p: p, stdout: true}, "out", "write the output to this file instead of stdout")
	}
	return runFn
}

// run parses the flags, checks the output paths and runs the command.
func (c *command) run(args []string, stdout, stderr io.Writer) int {
	fs := c.flags()
	runFn := c.declare(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(stdout, c.flags())
			return exitOK
		}
		fmt.Fprintln(stderr, errorLine(c.name, flagError(c.name, err)))
		return exitUsage
	}
	if err := checkOutputs(fs); err != nil {
		fmt.Fprintln(stderr, errorLine(c.name, err))
		return exitUsage
	}
	par.SetThreads(fs.Lookup("threads").Value.(flag.Getter).Get().(int))
	out, file := stdout, outFile(fs)
	var buf bytes.Buffer
	if file != "" {
		out = &buf
	}
	errw := &lineWriter{w: stderr}
	err := runFn(fs.Args(), out, errw)
	errw.endLine() // a progress line cut short (Ctrl-C) ends before the error line
	if errors.Is(err, context.Canceled) {
		err = &exitError{code: exitInterrupted, msg: "interrupted", hint: oneLine(err.Error()), err: err}
	}
	code := exitCode(err)
	if file != "" && code != exitUsage {
		if werr := os.WriteFile(file, buf.Bytes(), 0o644); werr != nil {
			fmt.Fprintln(stderr, errorLine(c.name, werr))
			return exitFinding
		}
	}
	if err != nil && err.Error() != "" {
		fmt.Fprintln(stderr, errorLine(c.name, err))
	}
	return code
}

// outFile is the file of the common --out flag, or "" when output goes to stdout (or the
// command's --out is its own, such as a directory).
func outFile(fs *flag.FlagSet) string {
	f := fs.Lookup("out")
	if f == nil {
		return ""
	}
	if v, ok := f.Value.(*pathValue); ok && v.stdout {
		return *v.p
	}
	return ""
}

// lineWriter is a command's stderr: it remembers whether the last line written was left
// open (a progress bar drawn with carriage returns), so that the error line starts on a
// line of its own.
type lineWriter struct {
	w    io.Writer
	last byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		l.last = p[len(p)-1]
	}
	return l.w.Write(p)
}

// endLine ends an open line.
func (l *lineWriter) endLine() {
	if l.last != 0 && l.last != '\n' {
		l.Write([]byte{'\n'})
	}
}

// terminal returns the terminal that w writes to, if it is one: a progress bar is drawn
// only there.
func terminal(w io.Writer) (*os.File, bool) {
	if l, ok := w.(*lineWriter); ok {
		w = l.w
	}
	f, ok := w.(*os.File)
	return f, ok && term.IsTerminal(int(f.Fd()))
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "nabla computes ∇K, the gradient of a neural network's cost, in four independent ways")
	fmt.Fprintln(w, "(finite differences, backpropagation, symbolic and automatic differentiation) and")
	fmt.Fprintln(w, "holds them against each other.")
	fmt.Fprintln(w, "\nusage: nabla COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		summary := table.Wrap(commands[n].summary, table.DefaultWidth-13)
		fmt.Fprintf(w, "  %-10s %s\n", n, strings.ReplaceAll(summary, "\n", "\n"+strings.Repeat(" ", 13)))
	}
	fmt.Fprintln(w, "\nRun 'nabla help COMMAND' or 'nabla COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "\n"+conventionText)
}
