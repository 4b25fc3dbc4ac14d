package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/hang"
	"micsync/locations"
	"micsync/prompt"
)

// generous is the deadline that fails a test that hangs.
const generous = 30 * time.Second

func TestWatchdogEndsARunThatDoesNotEndAfterAnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var stderr strings.Builder
	exited := make(chan int, 1)
	w := watch(ctx, &stderr, time.Millisecond, func(code int) { exited <- code })
	cancel() // Ctrl-C, and the run never returns
	select {
	case code := <-exited:
		assert.Equal(t, 130, code)
	case <-time.After(generous):
		require.FailNow(t, "the watchdog did not end the run")
	}
	<-w.done
	assert.Equal(t, "micsync: error: interrupted\n", stderr.String())
}

func TestWatchdogLetsARunThatEndedGo(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var stderr strings.Builder
	exited := make(chan int, 1)
	w := watch(ctx, &stderr, time.Millisecond, func(code int) { exited <- code })
	w.finish()
	cancel()
	select {
	case <-w.done:
	case <-time.After(generous):
		require.FailNow(t, "the watchdog did not end")
	}
	assert.Empty(t, exited)
	assert.Empty(t, stderr.String())
}

// hungDisc sets up HOME with a configuration whose WORKING and second BACKUP answer, and whose
// first BACKUP is marked and then stops answering: its marker is a fifo that nobody writes, so
// that reading it blocks in the kernel as a dead disc does. It returns that BACKUP's root.
func hungDisc(t *testing.T) (home, hung string) {
	t.Helper()
	home = setupHome(t)
	hung, good := filepath.Join(home, "b1"), filepath.Join(home, "b2")
	require.NoError(t, os.Mkdir(hung, 0o755))
	require.NoError(t, os.Mkdir(good, 0o755))
	for _, args := range [][]string{
		{"init", "--name", "docs", "--work", filepath.Join(home, "Documents"), "--backup", hung, "--backup", good},
		{"mark", hung},
	} {
		var out strings.Builder
		require.Equal(t, 0, Main(t.Context(), args, &out, &out, prompt.NoTerminal{}), out.String())
	}
	marker := filepath.Join(hung, locations.MarkerName)
	require.NoError(t, os.Remove(marker))
	require.NoError(t, syscall.Mkfifo(marker, 0o644))
	t.Cleanup(func() {
		// Let a read that still waits go: a writer that opens and closes gives it end of file.
		if f, err := os.OpenFile(marker, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return home, hung
}

func TestCheckGoesOnWhenADiscDoesNotRespond(t *testing.T) {
	home, hung := hungDisc(t)
	old := hang.Timeout
	hang.Timeout = 100 * time.Millisecond
	t.Cleanup(func() { hang.Timeout = old })

	var stdout, stderr strings.Builder
	done := make(chan int, 1)
	go func() { done <- Main(t.Context(), []string{"check"}, &stdout, &stderr, prompt.NoTerminal{}) }()
	select {
	case code := <-done:
		require.Equal(t, 0, code, stderr.String())
	case <-time.After(generous):
		require.FailNow(t, "micsync check hangs on a disc that does not answer")
	}
	out := stdout.String()
	assert.Contains(t, out, "  BACKUP   "+hung+"  unreachable: not responding: its disc did not answer within 0.1 s\n")
	assert.Contains(t, out, "  BACKUP   "+filepath.Join(home, "b2")+"  reachable\n")
	assert.Contains(t, out, "2 of 3 locations reachable now")
}

// TestHelperMain is not a test: TestInterruptEndsARunStuckOnADisc and
// TestRunLeavesNoTemporaryDirectory run the test binary with it
// as micsync itself, main and all.
func TestHelperMain(t *testing.T) {
	args := os.Getenv("MICSYNC_TEST_MAIN_ARGS")
	if args == "" {
		t.Skip("a helper process of the tests that run main")
	}
	hang.Timeout = time.Hour // the disc never answers in time: only an interrupt ends the run
	os.Args = append([]string{"micsync"}, strings.Fields(args)...)
	main()
}

// TestInterruptEndsARunStuckOnADisc sends SIGINT to micsync while its check of a disc hangs in
// the kernel: micsync ends anyway, says it was interrupted, and exits 130.
func TestInterruptEndsARunStuckOnADisc(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			hungDisc(t)
			helper := exec.Command(os.Args[0], "-test.run=^TestHelperMain$")
			helper.Env = append(os.Environ(), "MICSYNC_TEST_MAIN_ARGS=check")
			var stderr strings.Builder
			helper.Stderr = &stderr
			out, err := helper.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, helper.Start())
			defer helper.Process.Kill()
			line, err := bufio.NewReader(out).ReadString('\n')
			require.NoError(t, err)
			require.Contains(t, line, "is valid", "check reads the configuration, then looks at the discs")

			require.NoError(t, helper.Process.Signal(sig))
			exited := make(chan error, 1)
			go func() { exited <- helper.Wait() }()
			select {
			case err := <-exited:
				var ee *exec.ExitError
				require.True(t, errors.As(err, &ee), "exit: %v; stderr: %s", err, stderr.String())
				assert.Equal(t, 130, ee.ExitCode(), stderr.String())
			case <-time.After(generous):
				helper.Process.Kill()
				require.FailNow(t, "micsync did not end after "+sig.String(), stderr.String())
			}
			assert.Equal(t, "micsync: error: interrupted\n", stderr.String())
		})
	}
}

// TestRunLeavesNoTemporaryDirectory runs micsync, main and all, with a temporary directory that
// a killed run left: the run removes that one, and leaves none of its own.
func TestRunLeavesNoTemporaryDirectory(t *testing.T) {
	if _, err := exec.LookPath("rsync"); err != nil {
		t.Skip("rsync is not installed")
	}
	home := setupHome(t)
	file := filepath.Join(home, "Documents", "a.txt")
	require.NoError(t, os.WriteFile(file, []byte("one"), 0o644))
	b := filepath.Join(home, "b")
	require.NoError(t, os.Mkdir(b, 0o755))
	var out strings.Builder
	require.Equal(t, 0, Main(t.Context(), []string{"init", "--name", "docs", "--work", filepath.Join(home, "Documents"), "--backup", b}, &out, &out, prompt.NoTerminal{}), out.String())
	tmp := t.TempDir()
	dead := filepath.Join(tmp, "micsync-tmp-killed")
	require.NoError(t, os.Mkdir(dead, 0o700)) // nobody holds its lock
	ago := time.Now().Add(-2 * time.Minute)
	require.NoError(t, os.Chtimes(dead, ago, ago))

	helper := exec.Command(os.Args[0], "-test.run=^TestHelperMain$")
	helper.Env = append(os.Environ(), "TMPDIR="+tmp, "MICSYNC_TEST_MAIN_ARGS=backup -q "+file)
	output, err := helper.CombinedOutput()
	require.NoError(t, err, string(output))
	assert.FileExists(t, filepath.Join(b, "a.txt"), "the run copied")
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "left in TMPDIR")
}
