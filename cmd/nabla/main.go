package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"nabla/internal/par"
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

// exitError carries an exit status for a result that is not an error of the program, such as
// a cross-check that found a disagreement; its message (if any) is printed as the one line.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes the command line and returns the exit status: 0 on success, 1 when a command
// fails or finds a disagreement, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fs := newFlagSet(c, stdout)
				c.setup(fs)
				fs.Usage()
				return 0
			}
		}
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "nabla: unknown command %q; run 'nabla help' for the list\n", args[0])
		return 2
	}
	fs := newFlagSet(c, stderr)
	runFn := c.setup(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	err := setThreads(fs.Lookup("threads").Value.(flag.Getter).Get().(int))
	if err == nil {
		err = runFn(fs.Args(), stdout, stderr)
	}
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintf(stderr, "nabla %s: %s\n", c.name, oneLine(ee.msg))
			}
			return ee.code
		}
		fmt.Fprintf(stderr, "nabla %s: %s\n", c.name, oneLine(err.Error()))
		return 1
	}
	return 0
}

func newFlagSet(c *command, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("nabla "+c.name, flag.ContinueOnError)
	fs.SetOutput(out)
	threadsFlag(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: nabla %s %s\n\n%s\n\nflags:\n", c.name, c.usage, c.summary)
		fs.PrintDefaults()
	}
	return fs
}

// maxThreads bounds --threads.
const maxThreads = 256

// threadsFlag declares --threads, which every command takes.
func threadsFlag(fs *flag.FlagSet) {
	fs.Int("threads", 0, "threads for the matrix products, the finite-difference engines, training's mini-batches and\n"+
		"the symbolic program's batches (0: all cores); results are the same for any number")
}

// setThreads makes n the default number of threads of every engine built afterwards (0: all
// cores); a negative or huge n is a usage error.
func setThreads(n int) error {
	if n < 0 || n > maxThreads {
		return usageErr("--threads %d: want 0 (all cores) to %d", n, maxThreads)
	}
	par.SetThreads(n)
	return nil
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
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'nabla help COMMAND' or 'nabla COMMAND --help' for a command's flags.")
}

// oneLine folds an error message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
