// Package tests holds end-to-end tests of the built micsync binary.
//
// TestMain builds the binary once. Each test makes an env (a temp HOME), writes a config and
// files into it, and either runs micsync without a terminal (env.run) or drives it in a
// pseudo-terminal as a user would (env.startPTY).
package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/hinshun/vt10x"

	"micsync/internal/ptytest"
)

const (
	// runTimeout bounds every run of micsync, so that a hang fails the test instead of
	// stalling the suite.
	runTimeout = 60 * time.Second
	// expectTimeout bounds each wait for output in a pseudo-terminal session.
	expectTimeout = 15 * time.Second
)

// binary is the micsync built by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "micsync-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)

	binary = filepath.Join(dir, "micsync")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=e2e-test",
		"-o", binary, "./cmd/micsync")
	build.Dir = ".." // the module root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build micsync: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// env is the world one test runs micsync in.
type env struct {
	// Home is $HOME for micsync, a fresh temp dir.
	Home string
	// Dir is the working directory micsync runs in; Home when empty.
	Dir string
	// Env holds extra NAME=value entries for micsync's environment.
	Env []string
	// User, when set, runs micsync (without a terminal) as that user: as root, permissions
	// deny nothing, so permission faults need another user.
	User *syscall.Credential
}

// newEnv returns an env with a fresh HOME that is removed after the test.
func newEnv(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	return &env{Home: home, Dir: home}
}

// path joins rel to Home.
func (e *env) path(rel ...string) string {
	return filepath.Join(append([]string{e.Home}, rel...)...)
}

// writeConfig writes json as $HOME/.micsync.json.
func (e *env) writeConfig(t *testing.T, json string) {
	t.Helper()
	e.mkfile(t, ".micsync.json", json)
}

// mkfile writes content to path (relative to Home unless absolute), creating its parents.
func (e *env) mkfile(t *testing.T, path, content string) {
	t.Helper()
	if !filepath.IsAbs(path) {
		path = e.path(path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// result is how a run of micsync ended.
type result struct {
	Stdout string
	Stderr string
	Code   int // exit status; -1 if killed
}

// String shows everything, for failure messages: require.Equal(t, 0, r.Code, r).
func (r result) String() string {
	return fmt.Sprintf("exit status %d\n--- stdout:\n%s--- stderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// run runs micsync with args and no terminal: stdin is the null device, so any question
// must fail instead of waiting.
func (e *env) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := e.command(ctx, args)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: e.User} // so a timeout kills rsync too
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run %s: %v", commandLine(args), err)
	}
	r := result{Stdout: stdout.String(), Stderr: stderr.String(), Code: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		t.Errorf("%s: killed after %v\n%s", commandLine(args), runTimeout, r)
	}
	return r
}

// commandLine shows a run of micsync in failure messages.
func commandLine(args []string) string {
	return strings.Join(append([]string{"micsync"}, args...), " ")
}

// command returns micsync with args in e's clean environment. When ctx ends, micsync gets
// SIGQUIT first, on which Go prints where every goroutine is (a hang's failure message says
// where it hung), and then micsync's whole process group is killed: SysProcAttr must make
// micsync a group leader.
func (e *env) command(ctx context.Context, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = e.Dir
	if cmd.Dir == "" {
		cmd.Dir = e.Home
	}
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.Home, "LC_ALL=C.UTF-8"}, e.Env...)
	cmd.Cancel = func() error {
		syscall.Kill(cmd.Process.Pid, syscall.SIGQUIT)
		time.Sleep(time.Second)
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second // a surviving child may hold stdout open
	return cmd
}

// ptySession is micsync running in a pseudo-terminal, driven as a user would drive it.
type ptySession struct {
	t       *testing.T
	args    []string
	cmd     *exec.Cmd
	console *expect.Console
	screen  vt10x.Terminal
	exited  chan struct{} // closed when cmd.Wait has returned waitErr
	waitErr error
}

// startPTY starts micsync with args in a pseudo-terminal: its stdin, stdout and stderr, and
// its controlling terminal, so that Ctrl-C typed outside a prompt is a SIGINT. A vt10x
// emulator keeps the screen and answers survey's cursor-position queries. micsync is killed
// at the end of the test if it is still running.
func (e *env) startPTY(t *testing.T, args ...string) *ptySession {
	t.Helper()
	c, screen, err := ptytest.NewConsole(expectTimeout)
	if err != nil {
		t.Fatalf("open pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s := &ptySession{t: t, args: args, console: c, screen: screen, exited: make(chan struct{})}

	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	s.cmd = e.command(ctx, args)
	tty := c.Tty()
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = tty, tty, tty
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true} // Ctty 0: stdin
	if err := s.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", commandLine(args), err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
		// The output ends, and Expect fails at once, when micsync exits; our copy of the
		// terminal would keep it open.
		_ = tty.Close()
	}()
	t.Cleanup(func() {
		cancel() // kills micsync if the test ended without Wait
		<-s.exited
	})
	return s
}

// Expect waits until text appears in what micsync writes after the last Expect, and fails
// the test with the screen if it does not within 15 s. Colours and cursor movements are
// ignored, so text must lie on one line but may span colour changes.
func (s *ptySession) Expect(text string) {
	s.t.Helper()
	s.ExpectRaw(text)
}

// ExpectRaw waits like Expect and returns all that was read on the way, escape sequences and
// all, for tests of colour and of the progress line.
func (s *ptySession) ExpectRaw(text string) string {
	s.t.Helper()
	read, err := s.console.Expect(plainText(text))
	if err != nil {
		s.fatalf("waiting for %q: %v\nread since the last match: %q", text, s.readError(err), stripEscapes(read))
	}
	return read
}

// Send types keys as they are, e.g. "\x1b[B" (arrow down), " " or "\x03" (Ctrl-C).
//
// It first waits up to a second for micsync to read keys one at a time, as survey does once
// a question is drawn: keys typed while the terminal is still in line mode are echoed, and
// Ctrl-C becomes a SIGINT instead of an answer. Keys for anything else just wait that second.
func (s *ptySession) Send(keys string) {
	s.t.Helper()
	for deadline := time.Now().Add(time.Second); ptytest.LineMode(s.console.Tty()) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := s.console.Send(keys); err != nil {
		s.fatalf("typing %q: %v", keys, err)
	}
}

// SendLine types line and Enter.
func (s *ptySession) SendLine(line string) {
	s.t.Helper()
	s.Send(line + "\n")
}

// Wait reads micsync's output to the end and returns its exit status (-1 if killed).
func (s *ptySession) Wait() int {
	s.t.Helper()
	if read, err := s.console.ExpectEOF(); err != nil {
		s.fatalf("waiting for micsync to exit: %v\nread since the last match: %q", s.readError(err), stripEscapes(read))
	}
	<-s.exited
	var exit *exec.ExitError
	if s.waitErr != nil && !errors.As(s.waitErr, &exit) {
		s.fatalf("wait for micsync: %v", s.waitErr)
	}
	return s.cmd.ProcessState.ExitCode()
}

// fatalf fails the test, showing the command and the screen.
func (s *ptySession) fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("%s: %s\nscreen:\n%s", commandLine(s.args), fmt.Sprintf(format, args...), ptytest.ScreenText(s.screen))
}

// readError says what go-expect's read errors mean here.
func (s *ptySession) readError(err error) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("nothing matched within %v", expectTimeout)
	case errors.Is(err, syscall.EIO): // the terminal was closed: micsync is gone
		<-s.exited
		return fmt.Errorf("micsync exited: %v", s.cmd.ProcessState)
	}
	return err
}

// escapes matches terminal escape sequences: CSI sequences (colours, cursor movement) and
// two-character ones such as ESC 7 (save cursor).
var escapes = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|[^\[])`)

func stripEscapes(s string) string { return escapes.ReplaceAllString(s, "") }

// plainText is a go-expect condition: text appears in the output with escape sequences
// removed.
func plainText(text string) expect.ExpectOpt {
	return func(o *expect.ExpectOpts) error {
		o.Matchers = append(o.Matchers, plainMatcher(text))
		return nil
	}
}

type plainMatcher string

// Match is called after every rune read. Only a rune that ends the text can complete a
// match: checking for it first saves stripping a long output again after every rune.
func (m plainMatcher) Match(v any) bool {
	buf, ok := v.(*bytes.Buffer)
	if !ok {
		return false
	}
	b := buf.Bytes()
	if m != "" && (len(b) == 0 || b[len(b)-1] != m[len(m)-1]) {
		return false
	}
	return strings.Contains(stripEscapes(buf.String()), string(m))
}

func (m plainMatcher) Criteria() any { return string(m) }
