//go:build linux

package rsyncplan

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// init keeps the main goroutine on the main thread, which Go never ends: every other goroutine
// of these tests runs on threads that Go may end, as a run's goroutines in micsync do.
func init() { runtime.LockOSThread() }

// slowCopy returns the arguments of an rsync run that copies a file of size bytes slowly:
// at --bwlimit=kbps KiB/s.
func slowCopy(t *testing.T, dir string, size, kbps int) (args []string, src, dst string) {
	t.Helper()
	src, dst = filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	require.NoError(t, os.MkdirAll(src, 0o755))
	require.NoError(t, os.MkdirAll(dst, 0o755))
	data := make([]byte, size)
	rand.Read(data)
	require.NoError(t, os.WriteFile(filepath.Join(src, "big.bin"), data, 0o644))
	return []string{"-a", "--bwlimit=" + strconv.Itoa(kbps), "--", src + "/", dst + "/"}, src, dst
}

// TestHelperRunsRsync is not a test: TestRsyncDiesWithMicsync runs the test binary with it as
// the process that plays micsync, and kills it.
func TestHelperRunsRsync(t *testing.T) {
	args := os.Getenv("MICSYNC_TEST_RSYNC_ARGS")
	if args == "" {
		t.Skip("a helper process of TestRsyncDiesWithMicsync")
	}
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		panic(err)
	}
	r := Runner{Stderr: os.Stderr}
	r.Run(context.Background(), argv, func([]byte) {})
	os.Exit(0)
}

// TestRsyncDiesWithMicsync kills (SIGKILL) a process that runs rsync through the Runner in the
// middle of a copy: rsync, and the processes it started, end too, and leave no temporary file.
func TestRsyncDiesWithMicsync(t *testing.T) {
	requireRsync(t)
	args, _, dst := slowCopy(t, t.TempDir(), 4<<20, 16)
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperRunsRsync$")
	argv, err := json.Marshal(args)
	require.NoError(t, err)
	helper.Env = append(os.Environ(), "MICSYNC_TEST_RSYNC_ARGS="+string(argv))
	helper.Stderr = os.Stderr
	require.NoError(t, helper.Start())
	defer helper.Process.Kill()

	var rsync []int
	require.Eventually(t, func() bool {
		rsync = descendants(helper.Process.Pid)
		return len(rsync) >= 2 && len(tempFiles(t, dst)) == 1 // the receiver writes
	}, 30*time.Second, 20*time.Millisecond, "rsync did not start copying")
	require.NoError(t, helper.Process.Kill())
	helper.Wait()

	alive := func() []int {
		var left []int
		for _, pid := range rsync {
			if state, ok := procState(pid); ok && state != 'Z' { // a zombie has ended
				left = append(left, pid)
			}
		}
		return left
	}
	ok := assert.Eventually(t, func() bool { return len(alive()) == 0 }, 20*time.Second, 20*time.Millisecond,
		"rsync outlived the process that started it")
	if !ok {
		for _, pid := range alive() {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		return
	}
	assert.Empty(t, tempFiles(t, dst), "rsync left its temporary file")
}

// TestRsyncOutlivesThreadsThatEnd runs a copy while goroutines locked to their threads keep
// ending them: the kernel takes the thread that started a child as its parent, so rsync must
// not have been started from one of those.
func TestRsyncOutlivesThreadsThatEnd(t *testing.T) {
	requireRsync(t)
	args, src, dst := slowCopy(t, t.TempDir(), 96<<10, 64)
	done := make(chan struct{})
	var churn sync.WaitGroup
	churn.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			var wg sync.WaitGroup
			for range 2 * runtime.GOMAXPROCS(0) {
				wg.Go(func() { runtime.LockOSThread() }) // returns locked: Go ends the thread
			}
			wg.Wait()
		}
	})
	res, err := (&Runner{}).Run(t.Context(), args, func([]byte) {})
	close(done)
	churn.Wait()
	require.NoError(t, err)
	require.Equal(t, 0, res.Code, "rsync was stopped: %s", res.Stderr)
	want, err := os.ReadFile(filepath.Join(src, "big.bin"))
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dst, "big.bin"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "the copy differs")
}

func requireRsync(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("rsync"); err != nil {
		t.Skip("rsync is not installed")
	}
}

// tempFiles returns rsync's temporary files in dir: .NAME.XXXXXX.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

// descendants returns the processes below pid, from /proc.
func descendants(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := procParent(p); ok {
			parent[p] = pp
		}
	}
	var out []int
	for p := range parent {
		for a := parent[p]; a > 1; a = parent[a] {
			if a == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// procStat returns the state and the parent of pid from /proc/PID/stat.
func procStat(pid int) (state byte, ppid int, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "PID (COMM) S PPID ...": COMM may hold spaces and parentheses.
	rest := string(data[bytes.LastIndexByte(data, ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0][0], ppid, true
}

func procState(pid int) (byte, bool) {
	s, _, ok := procStat(pid)
	return s, ok
}

func procParent(pid int) (int, bool) {
	_, pp, ok := procStat(pid)
	return pp, ok
}
