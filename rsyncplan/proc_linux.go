//go:build linux

package rsyncplan

import (
	"context"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// command returns the command for a child of micsync's (rsync; rsync starts ssh itself) that
// the kernel sends SIGTERM when micsync dies, however it dies (kill -9 included): an rsync that
// outlived micsync would go on writing to a disc that the next run uses. SIGTERM, not SIGKILL,
// so that rsync removes its temporary file.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	return cmd
}

// start starts cmd from the starter thread. The kernel sends the parent-death signal when the
// thread that started the child ends, not the process (go.dev/issue/27505), and Go ends a
// thread whenever a goroutine locked to it returns without unlocking. A child started from any
// thread of the pool could be told its parent died in the middle of a copy; the starter's
// thread is locked by a goroutine that never returns, so it ends only with micsync.
func start(cmd *exec.Cmd) error {
	startOnce.Do(func() {
		starts = make(chan startRequest)
		go starter()
	})
	req := startRequest{cmd: cmd, err: make(chan error, 1)}
	starts <- req
	return <-req.err
}

type startRequest struct {
	cmd *exec.Cmd
	err chan error
}

var (
	startOnce sync.Once
	starts    chan startRequest
)

func starter() {
	runtime.LockOSThread() // never unlocked: the thread lives as long as micsync
	for req := range starts {
		req.err <- req.cmd.Start()
	}
}
