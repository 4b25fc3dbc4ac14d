// Command micsync backs up WORKING locations to BACKUP locations with rsync, showing what will
// change and asking before anything is overwritten or deleted.
//
// This package is the command line only: the kong grammar (cli.go, one file per command), the
// Run methods that turn flags into a request for package run, and exitCode, the one place that
// maps errors to exit statuses.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"micsync/prompt"
	"micsync/rsyncplan"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

// grace is how long micsync waits, after Ctrl-C or SIGTERM, for the run to end by itself.
const grace = 2 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	w := watch(ctx, os.Stderr, grace, os.Exit)
	rsyncplan.RemoveDeadTempDirs() // what killed runs left below TMPDIR
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr, prompt.New())
	w.finish()
	stop()
	os.Exit(code)
}

// watchdog ends micsync when a run does not end by itself soon after Ctrl-C or SIGTERM: a
// goroutine stuck in the kernel on a disc that stopped answering cannot be stopped, and would
// keep micsync for as long as the disc hangs. rsync ends with micsync (its parent-death
// signal).
type watchdog struct {
	mu       sync.Mutex
	finished bool
	done     chan struct{} // closed when the watchdog has nothing more to do
}

// watch starts a watchdog: grace after ctx is done, unless finish was called first, it prints
// that micsync was interrupted and calls exit with 130.
func watch(ctx context.Context, stderr io.Writer, grace time.Duration, exit func(int)) *watchdog {
	w := &watchdog{done: make(chan struct{})}
	go func() {
		defer close(w.done)
		<-ctx.Done()
		t := time.NewTimer(grace)
		defer t.Stop()
		<-t.C
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.finished {
			fmt.Fprintln(stderr, "micsync: error: interrupted")
			exit(130)
		}
	}()
	return w
}

// finish tells the watchdog that the run has ended: it exits no more. When it is exiting
// already, finish waits for it.
func (w *watchdog) finish() {
	w.mu.Lock()
	w.finished = true
	w.mu.Unlock()
}
