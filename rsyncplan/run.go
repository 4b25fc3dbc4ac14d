package rsyncplan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// Runner runs rsync. Arguments are passed as an argv, never through a shell.
type Runner struct {
	Program string // the rsync binary; "rsync" when empty
	// Stderr is where rsync's own messages are shown; nil hides them. It gets whole lines, one
	// Write each, from runs that may go at the same time.
	Stderr io.Writer
	// Trace, when set, is called with the command line of every run before it starts.
	Trace func(commandLine string)
	// Progress, when set, is called with every progress update of a run of a job that asks
	// for them (Job.Progress).
	Progress func(Progress)
	// Shell is the remote shell command (ssh and its arguments) for runs that reach another
	// host; nil when every directory is on this machine.
	Shell []string
	// Guard, when set, is called before every run and every guardEvery while it goes on. When
	// it fails, the run is not started, or is stopped, and Run returns its error: a disc that
	// went away gets nothing more written to where it was.
	Guard func() error
}

// guardEvery is how often a run's Guard is asked while the run goes on.
const guardEvery = 500 * time.Millisecond

// Result is how one rsync run ended.
type Result struct {
	Code   int    // rsync's exit status
	Stderr string // what rsync wrote on stderr, at most the last 64 KiB
}

// Error is a failed rsync run.
type Error struct {
	Step   string // "dry run", "delete", "copy", ...
	Code   int
	Stderr string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("rsync %s failed with exit status %d (%s)", e.Step, e.Code, exitMeaning(e.Code))
	if line := lastLine(e.Stderr); line != "" {
		msg += ": " + line
	}
	return msg
}

// exitMeaning explains rsync's exit codes that users meet.
func exitMeaning(code int) string {
	switch code {
	case 1:
		return "syntax or usage error"
	case 3:
		return "errors selecting input/output files or directories"
	case 10, 12:
		return "error in file or socket I/O"
	case 11:
		return "error in file I/O, for example a full disc or a missing directory"
	case 20:
		return "interrupted"
	case 23:
		return "some files could not be transferred"
	case 24:
		return "some source files vanished"
	case 25:
		return "the deletion limit stopped deletions"
	case 127:
		return "rsync not found"
	}
	return "see man rsync, EXIT VALUES"
}

// lastLine returns the most telling line of rsync's stderr: the first "rsync: " message, else the
// last non-empty line.
func lastLine(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "rsync: ") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func (r *Runner) program() string {
	if r.Program == "" {
		return "rsync"
	}
	return r.Program
}

// env is what Run adds to rsync's environment: plain ASCII output whose escapes parse losslessly.
const env = "LC_ALL=C"

// CommandLine returns the exact command of a run with args, quoted so that a shell runs it
// as it is.
func (r *Runner) CommandLine(args []string) string {
	return env + " " + Quote(append([]string{r.program()}, r.withShell(args)...))
}

// withShell adds the remote shell to args when the runner reaches another host. -s sends names
// to the other host inside rsync's protocol, never through its shell: spaces, quotes and
// dashes in them stay what they are.
func (r *Runner) withShell(args []string) []string {
	if r.Shell == nil {
		return args
	}
	return append([]string{"-e", ShellWords(r.Shell), "-s"}, args...)
}

// Run runs rsync with args and calls line for each line rsync prints on stdout. When ctx is done,
// rsync gets SIGTERM so that it removes its temporary file, then SIGKILL if it does not exit.
// The error is about starting or waiting for rsync; rsync's own failure is in Result.Code.
func (r *Runner) Run(ctx context.Context, args []string, line func([]byte)) (Result, error) {
	args = r.withShell(args)
	if r.Guard != nil {
		if err := r.Guard(); err != nil {
			return Result{}, err
		}
		var stop func()
		ctx, stop = r.guard(ctx)
		defer stop()
	}
	if r.Trace != nil {
		r.Trace(env + " " + Quote(append([]string{r.program()}, args...)))
	}
	cmd := command(ctx, r.program(), args...)
	cmd.Env = append(os.Environ(), env)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	tail := &tailBuffer{max: 64 * 1024}
	var lines *lineWriter
	if r.Stderr != nil {
		lines = &lineWriter{w: r.Stderr}
		cmd.Stderr = io.MultiWriter(tail, lines)
	} else {
		cmd.Stderr = tail
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Result{}, err
	}
	if err := start(cmd); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return Result{}, fmt.Errorf("%s not found in PATH: %w", r.program(), ErrNoRsync)
		}
		return Result{}, err
	}
	scanErr := scanLines(bufio.NewScanner(stdout), line)
	if scanErr != nil {
		io.Copy(io.Discard, stdout) // let rsync finish instead of blocking on a full pipe
	}
	err = cmd.Wait()
	if lines != nil {
		lines.flush()
	}
	res := Result{Stderr: tail.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.Code = exit.ExitCode()
		if res.Code < 0 { // killed by a signal
			res.Code = 20
		}
	case err != nil:
		return res, err
	}
	if ctx.Err() != nil {
		return res, context.Cause(ctx)
	}
	if res.Code != 0 && r.Guard != nil {
		// A run that fails because its disc went away is told by the guard, more plainly
		// than by rsync's "No such file or directory".
		if err := r.Guard(); err != nil {
			return res, err
		}
	}
	return res, scanErr
}

// guard returns a context that is cancelled, with the guard's error as its cause, as soon as
// the Guard fails while a run goes on.
func (r *Runner) guard(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(guardEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.Guard(); err != nil {
					cancel(err)
					return
				}
			}
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// Do runs rsync with args for a step that prints nothing micsync reads, and fails unless
// rsync exits 0.
func (r *Runner) Do(ctx context.Context, step string, args []string) error {
	res, err := r.Run(ctx, args, func([]byte) {})
	if err == nil && res.Code != 0 {
		err = &Error{Step: step, Code: res.Code, Stderr: res.Stderr}
	}
	return err
}

// MinVersion is the oldest rsync that plans and executions work with: --delete-missing-args
// came with rsync 3.1.0.
var MinVersion = [3]int{3, 1, 0}

// CheckVersion runs rsync --version and fails when rsync is missing or older than MinVersion.
func (r *Runner) CheckVersion(ctx context.Context) error {
	out, err := output(command(ctx, r.program(), "--version"))
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("%s not found in PATH: %w", r.program(), ErrNoRsync)
	}
	if err != nil {
		return fmt.Errorf("%s --version: %w", r.program(), err)
	}
	v, ok := parseVersion(string(out))
	if !ok {
		return fmt.Errorf("%s --version printed no version", r.program())
	}
	for i := range v {
		if v[i] != MinVersion[i] {
			if v[i] < MinVersion[i] {
				return fmt.Errorf("rsync %d.%d.%d is too old: micsync needs %d.%d.%d or newer: %w",
					v[0], v[1], v[2], MinVersion[0], MinVersion[1], MinVersion[2], ErrOldRsync)
			}
			break
		}
	}
	return nil
}

// ErrOldRsync means that rsync is older than MinVersion.
var ErrOldRsync = errors.New("rsync is too old")

// parseVersion reads "rsync  version 3.2.7  protocol version 31".
func parseVersion(out string) (v [3]int, ok bool) {
	_, rest, found := strings.Cut(out, "version ")
	if !found {
		return v, false
	}
	word, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	parts := strings.SplitN(word, ".", 3)
	for i, p := range parts {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		v[i] = n
	}
	return v, len(parts) >= 2
}

// ErrNoRsync means that rsync is not installed.
var ErrNoRsync = errors.New("rsync is not installed")

// lineWriter passes what one run writes on to w a whole line at a time, so that the lines of
// runs at the same time do not mix.
type lineWriter struct {
	w   io.Writer
	buf []byte
}

func (l *lineWriter) Write(b []byte) (int, error) {
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		l.w.Write(l.buf[:i+1])
		l.buf = l.buf[i+1:]
	}
}

// flush passes on an unfinished last line, ended.
func (l *lineWriter) flush() {
	if len(l.buf) > 0 {
		l.w.Write(append(l.buf, '\n'))
		l.buf = nil
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

// Quote returns argv as a shell command line that a person can paste: words that need it are
// single-quoted, and words with control characters or bytes that are not UTF-8 use $'...'.
func Quote(argv []string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = quoteWord(a)
	}
	return strings.Join(words, " ")
}

func quoteWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	if !needsANSIC(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8.ValidString(s)):
			fmt.Fprintf(&b, "\\x%02x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// needsANSIC reports whether s holds control characters or bytes that are not UTF-8, which
// single quotes cannot show.
func needsANSIC(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
