package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"nabla/internal/table"
	"nabla/reports"
)

// durationsFile is where nabla results --durations keeps the measured durations of the long
// commands, next to the RESULTS.md it writes, so that a later run without --durations still
// shows them (with when and where they were measured).
const durationsFile = "durations.json"

// duration is one timed run of a long command.
type duration struct {
	Command string  `json:"command"` // as a user types it
	Seconds float64 `json:"seconds"` // wall time
	Exit    int     `json:"exit"`    // its exit status
}

// durations are the timed runs of one nabla results --durations, with where and when.
type durations struct {
	Date       string     `json:"date"` // RFC 3339, UTC, when the first run started
	Machine    string     `json:"machine"`
	LoadBefore string     `json:"load_before"` // one-minute load average before the first run
	LoadAfter  string     `json:"load_after"`  // and after the last
	Runs       []duration `json:"runs"`
}

// longCommand is a command whose duration nabla results --durations measures: the name it is
// shown under and the program and arguments it runs, from the module's root directory.
type longCommand struct {
	shown string
	argv  []string
}

// longCommands lists the long commands the README names. self is the nabla binary itself, so
// that a report is timed without its compilation.
func longCommands(self, tmp string) []longCommand {
	return []longCommand{
		{"make bench", []string{"make", "-s", "bench", "BENCHOUT=" + filepath.Join(tmp, "bench.txt")}},
		{"go test ./...", []string{"go", "test", "-count=1", "./..."}},
		{"nabla report", []string{self, "report", "--out", filepath.Join(tmp, "report")}},
		{"nabla report --quick", []string{self, "report", "--quick", "--out", filepath.Join(tmp, "report-quick")}},
	}
}

// measureDurations runs each long command once, one after the other, and times it; progress
// goes to stderr. A command that fails is recorded with its exit status.
func measureDurations(stderr io.Writer, machine string) (*durations, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--durations: %w", err)
	}
	tmp, err := os.MkdirTemp("", "nabla-durations-")
	if err != nil {
		return nil, fmt.Errorf("--durations: %w", err)
	}
	defer os.RemoveAll(tmp)
	d := &durations{Date: time.Now().UTC().Format(time.RFC3339), Machine: machine, LoadBefore: loadAverage()}
	for _, c := range longCommands(self, tmp) {
		fmt.Fprintf(stderr, "nabla results: timing %s …\n", c.shown)
		cmd := exec.Command(c.argv[0], c.argv[1:]...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		start := time.Now()
		err := cmd.Run()
		run := duration{Command: c.shown, Seconds: time.Since(start).Seconds()}
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			run.Exit = ee.ExitCode()
		case err != nil:
			return nil, fmt.Errorf("--durations: %s: %w", c.shown, err)
		}
		fmt.Fprintf(stderr, "nabla results: %s took %s (exit %d)\n", c.shown, fmtDuration(time.Duration(run.Seconds*float64(time.Second))), run.Exit)
		d.Runs = append(d.Runs, run)
	}
	d.LoadAfter = loadAverage()
	return d, nil
}

// readDurations reads the durations kept next to the results file; none is nil.
func readDurations(path string) (*durations, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d durations
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &d, nil
}

// writeDurations keeps d next to the results file.
func writeDurations(path string, d *durations) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeDurationsSection writes the durations as a Markdown section; nothing when there are
// none.
func writeDurationsSection(w io.Writer, d *durations) error {
	if d == nil || len(d.Runs) == 0 {
		_, err := fmt.Fprintf(w, "\n## How long the long commands take\n\nNot measured yet: run `go run ./cmd/nabla results --durations`.\n")
		return err
	}
	fmt.Fprintf(w, "\n## How long the long commands take\n\n")
	fmt.Fprintf(w, "Measured by `go run ./cmd/nabla results --durations` on %s, one after the other, on %s;\n", d.Date, d.Machine)
	fmt.Fprintf(w, "load average (1 min) %s before and %s after. Wall times; on a busy machine they are longer.\n\n", d.LoadBefore, d.LoadAfter)
	rows := [][]string{}
	for _, r := range d.Runs {
		status := "ok"
		if r.Exit != 0 {
			status = fmt.Sprintf("exit %d", r.Exit)
		}
		rows = append(rows, []string{"`" + r.Command + "`", fmtDuration(time.Duration(r.Seconds * float64(time.Second))), status})
	}
	t := table.Table{Header: []string{"command", "wall time", "status"}, Align: "lrl", Rows: rows}
	return t.Write(w, table.Options{Format: table.Markdown})
}

// machineLine describes the machine for the durations: the results' machine line.
func machineLine(m reports.Machine) string { return strings.TrimSuffix(m.String(), ".") }
