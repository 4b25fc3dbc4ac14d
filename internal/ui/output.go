// Package ui draws everything micsync shows: the plan lists and the summary on stdout, rsync's
// messages with their destination's prefix, the progress line, colours, and errors with their
// hints on stderr. One Output owns the lock that keeps lines from runs at the same time whole,
// and the quiet mode of -q (nothing on stdout; errors and questions still shown).
package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// Output is where one run of micsync prints. Its methods may be called from runs that go at
// the same time.
type Output struct {
	mu       sync.Mutex
	stdout   io.Writer
	stderr   io.Writer
	colour   bool
	progress *progressLine // nil: none is drawn
}

// New returns an Output on stdout and stderr. Quiet sends nothing to stdout.
func New(stdout, stderr io.Writer, quiet bool) *Output {
	if quiet {
		stdout = io.Discard
	}
	return &Output{stdout: stdout, stderr: stderr, colour: colourWanted(stdout)}
}

// Printf prints a line (or part of one) on stdout, unless the run is quiet.
func (o *Output) Printf(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.progress.clearLocked() // stdout may be the terminal where the progress line is
	fmt.Fprintf(o.stdout, format, args...)
}

// Trace shows a command line that -v runs or is about to run.
func (o *Output) Trace(line string) { o.Printf("$ %s\n", line) }

// Prefixed returns a writer for rsync's messages about one destination: each line gets prefix
// and clears the progress line first. It takes whole lines, from runs that may go at the same
// time (rsyncplan.Runner hands them on so).
//
// Once the run is stopped (ctx is done, or rsync or ssh says it got a signal: Ctrl-C reaches
// them as it reaches micsync, and maybe first), what rsync says is not shown: it is about its
// own end ("received SIGINT", broken pipes, "killed by signal"), a few lines for each of its
// processes, and the summary says in one line that the destination stopped.
func (o *Output) Prefixed(ctx context.Context, prefix string) io.Writer {
	return &prefixer{o: o, ctx: ctx, prefix: prefix}
}

type prefixer struct {
	o       *Output
	ctx     context.Context
	prefix  string
	stopped bool // under o.mu
}

func (p *prefixer) Write(b []byte) (int, error) {
	p.o.mu.Lock()
	defer p.o.mu.Unlock()
	for line := range bytes.Lines(b) {
		if p.stopped = p.stopped || p.ctx.Err() != nil || signalled(line); p.stopped {
			break
		}
		p.o.progress.clearLocked()
		fmt.Fprintf(p.o.stderr, "%s%s", p.prefix, line)
	}
	return len(b), nil
}

// signalled reports whether line is rsync's or ssh's word that it got a signal and ends:
// "rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20) at rsync.c(874) [sender=3.4.1]",
// "rsync error: received SIGUSR1 (code 19) ..." (a child of rsync's, told by its parent) or
// ssh's "Killed by signal 2.".
func signalled(line []byte) bool {
	return bytes.Contains(line, []byte("rsync error: received SIG")) ||
		bytes.HasPrefix(bytes.TrimSpace(line), []byte("Killed by signal "))
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colourWanted reports whether output on w may be coloured: on a terminal, unless NO_COLOR is
// set (no-color.org).
func colourWanted(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && IsTerminal(w)
}

// ANSI colours of the plan's marks.
var classColour = map[string]string{"+": "\x1b[32m", "~": "\x1b[33m", "!": "\x1b[33m", "-": "\x1b[31m"}

// paint colours text the way mark is coloured, when colour is on.
func (o *Output) paint(mark, text string) string {
	if c, ok := classColour[mark]; ok && o.colour {
		return c + text + "\x1b[0m"
	}
	return text
}
