package main

// The CLI convention every command follows, in one place: how flags are declared and parsed,
// the exit status, the one-line errors, the output formats, bounds on counts, and output
// paths checked before any work starts. conventionText is what "nabla help" prints of it.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"nabla/gradients"
	"nabla/internal/table"
)

// Exit statuses.
const (
	exitOK      = 0 // the command ran and found nothing wrong
	exitFinding = 1 // a finding: a disagreement, a wrong gradient, a non-finite result
	exitUsage   = 2 // a usage or input error: bad flag, bad value, bad file, unwritable output
	// exitInterrupted is the status of a command stopped by Ctrl-C (128 + SIGINT, as shells
	// report it); what was finished before is printed.
	exitInterrupted = 130
)

// conventionText is the part of "nabla help" that states the convention.
const conventionText = `Every command follows one convention:
  --format table|markdown|json|csv   output format (table: fits 100 columns; --wide for all)
  --out FILE        write the output to FILE instead of stdout (checked before any work)
  --seed N          seed of everything random (parameters, data, directions, points)
  --budget D        time budget as a duration with a unit: 500ms, 5s, 2m (0: no limit)
  counts and sizes are bounded; the bounds are in 'nabla help COMMAND'
Exit status: 0 ok; 1 a finding (disagreement, wrong gradient, non-finite result);
2 a usage or input error, with one line "nabla COMMAND: …" on stderr; 130 interrupted (Ctrl-C).`

// exitError is the one error type that carries an exit status: a usage or input error
// (exitUsage) or a finding (exitFinding). Its message is printed as one line
// "nabla COMMAND: msg; hint"; an empty message prints nothing.
type exitError struct {
	code int
	msg  string
	hint string // what to do about it, e.g. "run 'nabla help compare'"; may be empty
	err  error  // the cause, if any, for errors.Is/As
}

func (e *exitError) Error() string {
	if e.hint == "" {
		return e.msg
	}
	return e.msg + "; " + e.hint
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr is a usage error (exit 2) with a formatted message.
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// usageHint is a usage error (exit 2) with a hint of what to do.
func usageHint(hint, format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...), hint: hint}
}

// inputErr marks err, an error about the user's input (a file, an architecture, a data set),
// as a usage error: exit 2 with err's message. nil stays nil.
func inputErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{code: exitUsage, msg: err.Error(), err: err}
}

// finding is a finding (exit 1) with a formatted message.
func finding(format string, args ...any) error {
	return &exitError{code: exitFinding, msg: fmt.Sprintf(format, args...)}
}

// findingHint is a finding (exit 1) with a hint of what to do.
func findingHint(hint, format string, args ...any) error {
	return &exitError{code: exitFinding, msg: fmt.Sprintf(format, args...), hint: hint}
}

// exitCode returns the exit status of a command's error: 0 for nil, the status of an
// exitError, 2 for an engine asked for what it cannot do (an unknown engine, a network it
// does not support: the user's choice), 1 otherwise (a failure of the work itself).
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, gradients.ErrUnsupported) || errors.Is(err, gradients.ErrUnknownEngine) {
		return exitUsage
	}
	return exitFinding
}

// errorLine is the one line printed for err by command name: "nabla NAME: …", folded onto
// one line and cut at maxErrorLine characters (a parse error must not echo a 40 KB formula).
func errorLine(name string, err error) string {
	msg := reLongQuote.ReplaceAllStringFunc(oneLine(err.Error()), func(q string) string {
		return clip(q, maxQuote) + `"`
	})
	return "nabla " + name + ": " + clip(msg, maxErrorLine)
}

// reLongQuote matches a quoted string longer than maxQuote characters in an error message:
// an echoed formula or input that would push the reason off the line.
var reLongQuote = regexp.MustCompile(`"(?:[^"\\]|\\.){60,}"`)

// maxQuote is the length to which errorLine cuts a long quoted string.
const maxQuote = 40

// maxErrorLine bounds the length of an error line, in characters.
const maxErrorLine = 400

// clip cuts s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// oneLine folds an error message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// flagError rewords an error of package flag as one line about the flag, with a hint.
func flagError(cmd string, err error) error {
	hint := "run 'nabla help " + cmd + "' for the flags"
	msg := err.Error()
	if m := reInvalid.FindStringSubmatch(msg); m != nil {
		// invalid value "x" for flag -name: reason
		reason := m[3]
		reason = strings.TrimPrefix(reason, "parse error")
		if reason == "" || strings.HasPrefix(reason, "strconv.") {
			reason = "not a valid value"
		}
		return usageHint(hint, "--%s %s: %s", m[2], m[1], strings.TrimPrefix(reason, ": "))
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return usageHint(hint, "unknown flag --%s", strings.TrimLeft(name, "-"))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return usageHint(hint, "--%s needs a value", strings.TrimLeft(name, "-"))
	}
	if name, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return usageHint(hint, "bad flag syntax %q", name)
	}
	return usageHint(hint, "%s", msg)
}

var reInvalid = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag -([^:]+): ?(.*)$`)

// Flag values that check themselves when set, so that a bad value is a usage error at parse
// time, before any work starts.

// choiceValue is a string flag with a fixed set of values.
type choiceValue struct {
	p       *string
	allowed []string
}

func (v *choiceValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

func (v *choiceValue) Set(s string) error {
	if !slices.Contains(v.allowed, s) {
		return fmt.Errorf("want one of %s", strings.Join(v.allowed, ", "))
	}
	*v.p = s
	return nil
}

// choiceFlag declares a string flag that takes one of allowed; def must be one of them.
func choiceFlag(fs *flag.FlagSet, name, def string, allowed []string, usage string) *string {
	if !slices.Contains(allowed, def) {
		panic("nabla: default " + def + " of --" + name + " is not allowed")
	}
	p := new(string)
	*p = def
	fs.Var(&choiceValue{p, allowed}, name, usage+" ("+strings.Join(allowed, "|")+")")
	return p
}

// Output formats. Every command takes --format; a command whose output is not a table lists
// the formats it has.
const (
	fmtTable    = "table"
	fmtMarkdown = "markdown"
	fmtJSON     = "json"
	fmtCSV      = "csv"
)

// allFormats are the formats of a command whose every output is a table or JSON.
var allFormats = []string{fmtTable, fmtMarkdown, fmtJSON, fmtCSV}

// formatFlag declares --format with the given default and allowed values (allFormats if none).
func formatFlag(fs *flag.FlagSet, def string, allowed ...string) *string {
	if len(allowed) == 0 {
		allowed = allFormats
	}
	return choiceFlag(fs, "format", def, allowed, "output format")
}

// wideFlag declares --wide: tables with every column, however wide.
func wideFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("wide", false, "print every column of the tables, however wide (default: fit 100 columns)")
}

// seedFlag declares --seed with the given default.
func seedFlag(fs *flag.FlagSet, def uint64, what string) *uint64 {
	return fs.Uint64("seed", def, "seed of "+what)
}

// intValue is an int flag bounded to [lo, hi].
type intValue struct {
	p      *int
	lo, hi int
}

// Get returns the value (flag.Getter).
func (v *intValue) Get() any { return *v.p }

func (v *intValue) String() string {
	if v == nil || v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < v.lo || n > v.hi {
		return fmt.Errorf("want a whole number from %s to %s", groupDigits(v.lo), groupDigits(v.hi))
	}
	*v.p = n
	return nil
}

// countFlag declares an int flag bounded to [lo, hi]; the bounds are shown in the help.
func countFlag(fs *flag.FlagSet, name string, def, lo, hi int, usage string) *int {
	if def < lo || def > hi {
		panic(fmt.Sprintf("nabla: default %d of --%s outside [%d, %d]", def, name, lo, hi))
	}
	p := new(int)
	*p = def
	fs.Var(&intValue{p, lo, hi}, name, fmt.Sprintf("%s (%s…%s)", usage, groupDigits(lo), groupDigits(hi)))
	return p
}

// groupDigits writes n with thin groups of three digits: 1000000 → "1,000,000".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// floatValue is a finite float flag bounded to [lo, hi].
type floatValue struct {
	p      *float64
	lo, hi float64
}

func (v *floatValue) String() string {
	if v == nil || v.p == nil {
		return "0"
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

func (v *floatValue) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < v.lo || x > v.hi {
		return fmt.Errorf("want a number from %g to %g", v.lo, v.hi)
	}
	*v.p = x
	return nil
}

// numberFlag declares a finite float flag bounded to [lo, hi].
func numberFlag(fs *flag.FlagSet, name string, def, lo, hi float64, usage string) *float64 {
	if !(def >= lo && def <= hi) {
		panic(fmt.Sprintf("nabla: default %g of --%s outside [%g, %g]", def, name, lo, hi))
	}
	p := new(float64)
	*p = def
	fs.Var(&floatValue{p, lo, hi}, name, usage)
	return p
}

// durationValue is a non-negative duration flag that insists on a unit.
type durationValue struct{ p *time.Duration }

func (v *durationValue) String() string {
	if v == nil || v.p == nil {
		return "0s"
	}
	return v.p.String()
}

func (v *durationValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(s, 64); err == nil && s != "0" {
		return fmt.Errorf("want a duration with a unit, e.g. %ss or %sms", s, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return errors.New("want a duration of 0 or more with a unit, e.g. 500ms, 5s or 2m")
	}
	*v.p = d
	return nil
}

// budgetFlag declares --budget, a duration with a unit; 0 means what usage says.
func budgetFlag(fs *flag.FlagSet, def time.Duration, usage string) *time.Duration {
	if def < 0 {
		panic("nabla: negative default budget")
	}
	p := new(time.Duration)
	*p = def
	fs.Var(&durationValue{p}, "budget", usage)
	return p
}

// pathValue is an output path: a file with one of a set of extensions, or a directory. run
// checks every path flag after parsing and before the command starts work.
type pathValue struct {
	p      *string
	dir    bool     // a directory to create, rather than a file
	stdout bool     // the common --out: the command's stdout goes to this file
	exts   []string // allowed extensions of a file, with the dot; empty: any
}

func (v *pathValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

func (v *pathValue) Set(s string) error {
	if s != "" && len(v.exts) > 0 && !slices.Contains(v.exts, strings.ToLower(filepath.Ext(s))) {
		return fmt.Errorf("want a file name ending in %s", strings.Join(v.exts, ", "))
	}
	*v.p = s
	return nil
}

// outFileFlag declares a flag naming a file to write, with one of exts (any if none); "" means
// not to write it.
func outFileFlag(fs *flag.FlagSet, name, usage string, exts ...string) *string {
	p := new(string)
	fs.Var(&pathValue{p: p, exts: exts}, name, usage)
	return p
}

// outDirFlag declares a flag naming a directory to write into (created if missing).
func outDirFlag(fs *flag.FlagSet, name, def, usage string) *string {
	p := new(string)
	*p = def
	fs.Var(&pathValue{p: p, dir: true}, name, usage)
	return p
}

// checkOutputs checks every output path of fs before any work starts: a file's directory must
// exist and take a new file; a directory must exist and take a new file, or be creatable.
func checkOutputs(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := f.Value.(*pathValue)
		if !ok || err != nil || *v.p == "" {
			return
		}
		if e := checkWritable(*v.p, v.dir); e != nil {
			err = usageHint("the output is checked before any work starts", "--%s %s: %v", f.Name, *v.p, e)
		}
	})
	return err
}

// checkWritable checks that path (a file, or a directory if dir) can be written, without
// creating anything: a directory that does not exist yet must have a writable ancestor.
func checkWritable(path string, dir bool) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && dir && !st.IsDir():
		return errors.New("exists and is not a directory")
	case err == nil && !dir && st.IsDir():
		return errors.New("is a directory; want a file name")
	case err == nil && dir:
		return writableDir(path)
	}
	d := filepath.Dir(path)
	if !dir {
		st, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("directory %s does not exist", d)
		}
		if !st.IsDir() {
			return fmt.Errorf("%s is not a directory", d)
		}
		return writableDir(d)
	}
	// A directory to create: find the nearest ancestor that exists.
	for {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("%s is not a directory", d)
			}
			return writableDir(d)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return fmt.Errorf("no existing directory above %s", path)
		}
		d = parent
	}
}

// writableDir checks that a new file can be created in the directory d.
func writableDir(d string) error {
	f, err := os.CreateTemp(d, ".nabla-check-*")
	if err != nil {
		return fmt.Errorf("cannot write into %s", d)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// noArgs is the check of a command that takes flags only.
func noArgs(cmd string, args []string) error {
	if len(args) > 0 {
		return usageHint("every input is a flag; run 'nabla help "+cmd+"'", "unexpected arguments %q", args)
	}
	return nil
}

// printFlags writes the flags of fs, one entry each, with defaults where they say something.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		switch f.Value.(type) {
		case *choiceValue:
			kind = "NAME"
		case *intValue:
			kind = "N"
		case *floatValue:
			kind = "X"
		case *durationValue:
			kind = "DURATION"
		case *pathValue:
			kind = "PATH"
		}
		head := "  --" + f.Name
		if kind != "" {
			head += " " + kind
		}
		fmt.Fprint(w, head)
		if len(head) <= 20 {
			fmt.Fprint(w, strings.Repeat(" ", 22-len(head)))
		} else {
			fmt.Fprint(w, "\n"+strings.Repeat(" ", 22))
		}
		if showDefault(f) {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		// The usage refilled to the 100 columns of the help.
		fmt.Fprintln(w, strings.ReplaceAll(table.Wrap(oneLine(usage), table.DefaultWidth-22), "\n", "\n"+strings.Repeat(" ", 22)))
	})
}

// showDefault reports whether a flag's default is worth printing.
func showDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0s":
		return false
	case "0":
		_, isInt := f.Value.(*intValue)
		return isInt
	}
	return true
}

// fmtDuration writes an estimated duration readably: "850ms", "12s", "3m20s", "5.2h", "41 days".
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1fh", d.Hours())
	}
	return fmt.Sprintf("%.0f days", d.Hours()/24)
}

// quoteShort quotes s for an error line, cut to its first 40 characters so that a long
// formula does not push the reason off the line.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 40 {
		return strconv.Quote(string(r[:40])) + "…"
	}
	return strconv.Quote(s)
}

// output is the --format and --wide of a command.
type output struct {
	format *string
	wide   *bool
}

// outputFlag declares --format (default def, one of allowed, allFormats if none) and, for a
// command with terminal tables, --wide.
func outputFlag(fs *flag.FlagSet, def string, allowed ...string) output {
	o := output{format: formatFlag(fs, def, allowed...), wide: new(bool)}
	if len(allowed) == 0 || slices.Contains(allowed, fmtTable) {
		o.wide = wideFlag(fs)
	}
	return o
}

// is reports whether the chosen format is f.
func (o output) is(f string) bool { return *o.format == f }

// table returns the options of the one table writer for the chosen format.
func (o output) table() table.Options {
	switch *o.format {
	case fmtMarkdown:
		return table.Options{Format: table.Markdown}
	case fmtCSV:
		return table.Options{Format: table.CSV}
	}
	if *o.wide {
		return table.Options{Width: table.Wide}
	}
	return table.Options{}
}
