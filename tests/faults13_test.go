package tests

// The faults of issue 13 on real, loop-mounted filesystems (discs_test.go), one test for each of
// items 2 to 10 of what the issue asks (numbered as in its contract): runs that overlap, a disc
// that goes away, killed runs, unreadable entries, files that change while copied, a disc that
// stops answering, a full disc, and "ok" before the data is on the device. Every test runs real
// rsync and compares every file (sha256 and mode) on the disc afterwards.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"golang.org/x/sys/unix"

	"micsync/internal/disc"
)

// micsyncOwn are the entries micsync keeps in a location's root for itself: never synced, so
// left out when a copy is compared with its source.
var micsyncOwn = []string{".micsync", ".micsync-trash", ".micsync-location"}

// locationFiles lists what a location holds (see contents), micsync's own entries left out.
func locationFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	return contents(t, dir, micsyncOwn...)
}

// hangDeadline bounds a run that should end by itself: long enough for any slow machine, short
// enough that a hang fails the test instead of the suite's timeout.
const hangDeadline = 30 * time.Second

// discConfig writes a configuration "c" with one WORKING and the BACKUPs, all absolute paths.
func discConfig(t *testing.T, e *env, work string, backups ...string) {
	t.Helper()
	cfg := map[string]any{"configs": []map[string]any{{"name": "c", "work": []string{work}, "backup": backups}}}
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	e.writeConfig(t, string(b))
}

// rsyncStub is a program named rsync first on a test's PATH that runs the real rsync: exec keeps
// its pid, so the pid it logs is rsync's. It can hold each run that writes before it starts, so
// that a test acts while micsync is between its plan and its copy, and it can slow the copy
// down (--bwlimit), so that a test acts while rsync is writing.
type rsyncStub struct{ dir string }

// stubRsync puts an rsyncStub on e's PATH.
func stubRsync(t *testing.T, e *env) *rsyncStub {
	t.Helper()
	real, err := exec.LookPath("rsync")
	require.NoError(t, err)
	real, err = filepath.Abs(real)
	require.NoError(t, err)
	w := &rsyncStub{dir: t.TempDir()}
	// A dry run, --version or a listing passes at once: only runs that write are held, slowed
	// and logged (as "PPID PID", PPID being micsync). The hold file holds every run when it
	// says "all", and only the runs of one micsync when it holds that micsync's pid.
	script := `#!/bin/sh
dir=` + remoteQuote(w.dir) + `
real=` + remoteQuote(real) + `
for a in "$@"; do
	case $a in -n | --dry-run | --version | --list-only) exec "$real" "$@" ;; esac
done
echo "$PPID $$" >>"$dir/calls"
while h=$(cat "$dir/hold" 2>/dev/null) && { [ "$h" = all ] || [ "$h" = "$PPID" ]; }; do
	sleep 0.01
done
if [ -s "$dir/slow" ]; then
	exec "$real" --bwlimit="$(cat "$dir/slow")" "$@"
fi
exec "$real" "$@"
`
	bin := filepath.Join(w.dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "rsync"), []byte(script), 0o755))
	e.Env = append(e.Env, "PATH="+bin+":"+os.Getenv("PATH"))
	return w
}

// slow limits every rsync run that starts from now on to kbps kilobytes a second.
func (w *rsyncStub) slow(t *testing.T, kbps int) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(w.dir, "slow"), []byte(strconv.Itoa(kbps)), 0o644))
}

// fast lets the runs that start from now on copy at full speed.
func (w *rsyncStub) fast(t *testing.T) {
	t.Helper()
	require.NoError(t, os.RemoveAll(filepath.Join(w.dir, "slow")))
}

// hold makes every run that writes wait before it starts, until release; holdOnly(pid) keeps
// holding the runs of micsync pid only.
func (w *rsyncStub) hold(t *testing.T) { w.setHold(t, "all") }
func (w *rsyncStub) holdOnly(t *testing.T, pid int) {
	w.setHold(t, strconv.Itoa(pid))
}

func (w *rsyncStub) setHold(t *testing.T, who string) {
	t.Helper()
	// Written aside and renamed, so that the stub never reads half a file.
	tmp := filepath.Join(w.dir, "hold.tmp")
	require.NoError(t, os.WriteFile(tmp, []byte(who), 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(w.dir, "hold")))
}

func (w *rsyncStub) release(t *testing.T) {
	t.Helper()
	require.NoError(t, os.RemoveAll(filepath.Join(w.dir, "hold")))
}

// waitCall waits until micsync run b starts an rsync run that writes, and returns its pid.
func (w *rsyncStub) waitCall(t *testing.T, b *bgRun) int {
	t.Helper()
	var pid int
	waitFor(t, b, "rsync starts copying", func() bool {
		data, _ := os.ReadFile(filepath.Join(w.dir, "calls"))
		for _, line := range strings.Split(string(data), "\n") {
			var ppid, p int
			if _, err := fmt.Sscan(line, &ppid, &p); err == nil && ppid == b.pid() {
				pid = p
				return true
			}
		}
		return false
	})
	return pid
}

// lockedBuffer collects a running program's output, so that it can be shown while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// bgRun is micsync running without a terminal while the test acts, the leader of its own
// process group. Whatever of that group still runs when the test ends is killed.
type bgRun struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{}
	// unstick, when set, is called before micsync is killed: a process cannot die while a
	// FUSE daemon that is stopped holds a request of it (it waits for the answer whatever
	// signal it gets), so a test that stops a disc continues it here.
	unstick func()
}

// start starts micsync with args as e.run does, without waiting for it.
func (e *env) start(t *testing.T, args ...string) *bgRun {
	t.Helper()
	b := &bgRun{args: args, done: make(chan struct{})}
	b.cmd = e.command(t.Context(), args)
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: e.User}
	b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
	require.NoError(t, b.cmd.Start())
	go func() {
		_ = b.cmd.Wait() // the exit status is in ProcessState
		close(b.done)
	}()
	t.Cleanup(func() {
		if !b.kill() {
			t.Errorf("micsync (pid %d) did not die when killed\n%s", b.pid(), b.output())
		}
	})
	return b
}

// kill kills micsync's process group (rsync too, even if micsync is gone) and reports whether
// micsync is then gone.
func (b *bgRun) kill() bool {
	if b.unstick != nil {
		b.unstick()
	}
	syscall.Kill(-b.pid(), syscall.SIGKILL)
	select {
	case <-b.done:
		return true
	case <-time.After(hangDeadline):
		return false
	}
}

func (b *bgRun) pid() int { return b.cmd.Process.Pid }

func (b *bgRun) exited() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// output shows what micsync wrote so far, for failure messages.
func (b *bgRun) output() string {
	return fmt.Sprintf("%s\n--- stdout:\n%s--- stderr:\n%s", commandLine(b.args), b.stdout.String(), b.stderr.String())
}

// wait waits for micsync to exit and returns how it ended. It fails the test, after killing
// micsync's process group, if micsync is still running after within.
func (b *bgRun) wait(t *testing.T, within time.Duration) result {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(within):
		out := b.output()
		if !b.kill() {
			t.Fatalf("micsync did not end within %v, nor die when killed\n%s", within, out)
		}
		t.Fatalf("micsync did not end within %v; killed\n%s", within, out)
	}
	return result{Stdout: b.stdout.String(), Stderr: b.stderr.String(), Code: b.cmd.ProcessState.ExitCode()}
}

// waitFor polls cond until it holds. It fails the test if run b (when not nil) exits first, or
// after hangDeadline.
func waitFor(t *testing.T, b *bgRun, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangDeadline)
	for !cond() {
		if b != nil && b.exited() && !cond() {
			t.Fatalf("micsync ended before %s\n%s", what, b.output())
		}
		if time.Now().After(deadline) {
			out := ""
			if b != nil {
				out = b.output()
			}
			t.Fatalf("%s: not after %v\n%s", what, hangDeadline, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// paths lists every entry below dir, hidden ones included.
func paths(dir string) map[string]bool {
	out := map[string]bool{}
	filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err == nil {
			out[p] = true
		}
		return nil // rsync renames and removes files while we look
	})
	return out
}

// waitTemp waits until rsync is writing one of the files names (base names) into location
// root dir: its temporary file (".NAME.XXXXXX" beside the file, or "NAME.XXXXXX" in a
// --temp-dir, wherever that is below dir) holds at least one byte. Only rsync makes such
// names, and only while it copies that file.
func waitTemp(t *testing.T, b *bgRun, dir string, names ...string) {
	t.Helper()
	var alts []string
	for _, n := range names {
		alts = append(alts, regexp.QuoteMeta(n))
	}
	temp := regexp.MustCompile(`^\.?(` + strings.Join(alts, "|") + `)\.[0-9A-Za-z]{6}$`)
	waitFor(t, b, fmt.Sprintf("rsync writes %v into %s", names, dir), func() bool {
		found := false
		filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
			if err != nil || found || !de.Type().IsRegular() || !temp.MatchString(de.Name()) {
				return nil
			}
			if fi, err := de.Info(); err == nil && fi.Size() > 0 {
				found = true
			}
			return nil
		})
		return found
	})
}

// processesWith returns the pids of the processes whose command line contains s: a test's
// temp directories are in the command line of every rsync of its runs, and of their forks.
func processesWith(s string) []int {
	var pids []int
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(s)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killProcessesWith kills, when the test ends, what processesWith(s) finds then: an rsync
// that outlived micsync would keep the disc busy.
func killProcessesWith(t *testing.T, s string) {
	t.Cleanup(func() {
		for _, pid := range processesWith(s) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// summary returns micsync's summary line for destination dest ("ok      DEST: ...",
// "FAILED  DEST: ..."), or "" when there is none.
func summary(out, dest string) string {
	for _, l := range strings.Split(out, "\n") {
		word, rest, _ := strings.Cut(l, " ")
		if word != "" && strings.HasPrefix(strings.TrimLeft(rest, " "), dest+": ") {
			return l
		}
	}
	return ""
}

// hints returns micsync's hint lines.
func hints(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "micsync: hint: ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// randomBytes is n bytes of content that no other seed gives: files that must differ do.
func randomBytes(n int, seed uint64) []byte {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	return b
}

// writeBytes writes content to path, creating its parents.
func writeBytes(t *testing.T, path string, content []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, content, 0o644))
}

// flushDir writes what the filesystem of dir holds in memory to its device, for what a test
// set up there before micsync runs.
func flushDir(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(dir)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, unix.Syncfs(int(f.Fd())))
}

// copiedOrOld checks that every file in dir (micsync's own entries left out) is either what it
// was before (old) or the complete new version (want): never a partial file or one of rsync's
// temporary files in the tree.
func copiedOrOld(t *testing.T, dir string, old, want map[string]string) {
	t.Helper()
	for k, v := range locationFiles(t, dir) {
		if v != old[k] && v != want[k] {
			t.Errorf("%s holds %s: neither what it held before (%q) nor its copy (%q); a partial or temporary file in the tree",
				filepath.Join(dir, k), v, old[k], want[k])
		}
	}
}

// Item 2: a run locks the locations it writes. A second run that would write there too stops
// before changing anything and names the run that holds them; with --wait it waits and then
// runs, and each run keeps what it overwrites in a trash of its own. On ext4, exFAT and NTFS.
func TestFault13Locks(t *testing.T) {
	for _, fsys := range []string{ext4, exfat, ntfs} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := newDisc(t, fsys, 64)
			w, b1, b2 := e.path("w"), d.path("b1"), d.path("b2")
			discConfig(t, e, w, b1, b2)
			// Three versions of f.txt: the BACKUP b2 holds the original, the WORKING and b1
			// newer ones that both runs copy over it.
			e.mkfile(t, "w/f.txt", "from working")
			setMtime(t, e.path("w/f.txt"), past.Add(time.Hour))
			e.mkfile(t, filepath.Join(b1, "f.txt"), "from b1")
			setMtime(t, filepath.Join(b1, "f.txt"), past.Add(2*time.Hour))
			e.mkfile(t, filepath.Join(b2, "f.txt"), "original")
			setMtime(t, filepath.Join(b2, "f.txt"), past)
			e.mkfile(t, "w/g.txt", "g")
			stub := stubRsync(t, e)

			stub.hold(t)
			first := e.start(t, "--backup", "-m", "--to", b2, e.path("w/f.txt"))
			stub.waitCall(t, first)
			stub.holdOnly(t, first.pid()) // the first run holds its locks, between plan and copy
			// Left out: the .micsync directories, where a run may make its lock before it finds
			// it taken.
			unlocked := []string{"b1/.micsync", "b2/.micsync"}
			before := contents(t, d.Dir, unlocked...)

			// What the issue saw: a transfer to the same BACKUP, started at the same time.
			r := e.run(t, "--transfer", "-m", "--to", b2, filepath.Join(b1, "f.txt"))
			assert.Equal(t, 1, r.Code, r)
			assert.Contains(t, r.Stderr, "is in use by another micsync run")
			assert.Contains(t, r.Stderr, fmt.Sprintf("pid %d", first.pid()), "names the run that holds it")
			assert.Contains(t, hints(r.Stderr), "--wait")
			assert.Equal(t, before, contents(t, d.Dir, unlocked...), "the second run changed nothing")

			// --wait waits for the lock, and then runs. Before the first run may go on, the
			// waiting one must be waiting: it says so (with the conflict's words), or it has b2's
			// lock open, which a blocking flock keeps open.
			waiting := e.start(t, "--transfer", "-m", "--wait", "--to", b2, filepath.Join(b1, "f.txt"))
			waitFor(t, waiting, "the second run waits for b2's lock", func() bool {
				return strings.Contains(waiting.stdout.String()+waiting.stderr.String(), "in use") ||
					holdsFileIn(waiting.pid(), lockDir(t, b2))
			})
			assert.Equal(t, "original", readFile(t, filepath.Join(b2, "f.txt")), "the waiting run has not copied")
			stub.release(t)
			r = first.wait(t, hangDeadline)
			assert.Equal(t, 0, r.Code, r)
			r = waiting.wait(t, hangDeadline)
			assert.Equal(t, 0, r.Code, r)

			assert.Equal(t, "from b1", readFile(t, filepath.Join(b2, "f.txt")), "the waiting run ran after the first")
			kept, err := filepath.Glob(filepath.Join(b2, ".micsync-trash", "*", "f.txt"))
			require.NoError(t, err)
			var versions []string
			for _, k := range kept {
				versions = append(versions, readFile(t, k))
			}
			assert.ElementsMatch(t, []string{"original", "from working"}, versions,
				"each run kept what it overwrote, in a trash run of its own")
			assert.Equal(t, "from b1", readFile(t, filepath.Join(b1, "f.txt")))
			assert.Equal(t, "from working", readFile(t, e.path("w/f.txt")))

			// A run killed while it holds the lock: the kernel lets go of it, and the next run
			// takes it over.
			stub.hold(t)
			killed := e.start(t, "--backup", "--to", b2, e.path("w/g.txt"))
			stub.waitCall(t, killed)
			require.NoError(t, syscall.Kill(-killed.pid(), syscall.SIGKILL))
			killed.wait(t, hangDeadline)
			stub.release(t)
			r = e.run(t, "--backup", "--to", b2, e.path("w/g.txt"))
			assert.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stderr, "is in use")
			want := d.asOn(locationFiles(t, w))
			want["f.txt"] = locationFiles(t, b1)["f.txt"] // the waiting transfer's, last
			assert.Equal(t, want, locationFiles(t, b2))
		})
	}
}

// lockDir is where micsync keeps the lock of the location at path.
func lockDir(t *testing.T, path string) string {
	t.Helper()
	dir, err := disc.LockDir(path)
	require.NoError(t, err)
	return dir
}

// Two users of one machine who back up to the same BACKUP keep out of each other's way: a run
// of nobody's stops while one of root's holds the BACKUP, and names it.
func TestFault13LocksAcrossUsers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run micsync as another user (nobody)")
	}
	e := newEnv(t)
	w, b := e.path("w"), e.path("b")
	require.NoError(t, os.Mkdir(b, 0o755))
	discConfig(t, e, w, b)
	e.mkfile(t, "w/f.txt", "f")
	stub := stubRsync(t, e)
	require.NoError(t, os.Chmod(stub.dir, 0o755))
	asNobody(t, e)
	nobody := e.User

	e.User = nil // root
	stub.hold(t)
	first := e.start(t, "--backup", w)
	stub.waitCall(t, first)
	stub.holdOnly(t, first.pid())
	before := contents(t, b)

	e.User = nobody
	r := e.run(t, "--backup", w)
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "is in use by another micsync run (pid "+strconv.Itoa(first.pid()), r)
	assert.Equal(t, before, contents(t, b), "the second run changed nothing")

	stub.release(t)
	r = first.wait(t, hangDeadline)
	assert.Equal(t, 0, r.Code, r)
	r = e.run(t, "--backup", w)
	assert.Equal(t, 0, r.Code, r, "nobody's run goes once root's has ended")
	assert.Equal(t, "f", readFile(t, filepath.Join(b, "f.txt")))
}

// holdsFileIn reports whether process pid has a file below dir open.
func holdsFileIn(pid int, dir string) bool {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+"/") {
			return true
		}
	}
	return false
}

// Item 3: the disc of the BACKUP is pulled out (umount -l) while rsync copies a new tree onto
// it. micsync says so and writes nothing more: not the modified files of its next rsync run
// onto the internal disc below the mount point, and not a BACKUP root below the mount point
// (BACKUP /mnt/big/c7, with /mnt/big the mount point).
func TestFault13DiscGoneDuringTheRun(t *testing.T) {
	for _, c := range []struct{ name, below string }{
		{"at the mount point", ""},
		{"below the mount point", "c7"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := newDisc(t, ext4, 100)
			w, b := e.path("w"), d.path(c.below)
			require.NoError(t, os.MkdirAll(b, 0o755))
			discConfig(t, e, w, b)
			for i := range 5 {
				name := fmt.Sprintf("docs/n%d.txt", i)
				e.mkfile(t, filepath.Join(b, name), "old")
				setMtime(t, filepath.Join(b, name), past)
				e.mkfile(t, "w/"+name, "new version")
			}
			// A new tree in the same top-level directory: rsync copies it first, and the modified
			// files in a run of their own after it.
			for i := range 4 {
				writeBytes(t, e.path(fmt.Sprintf("w/docs/new/p%d.jpg", i)), randomBytes(2<<20, uint64(i)))
			}
			old := locationFiles(t, b)
			want := locationFiles(t, w)
			stub := stubRsync(t, e)
			stub.slow(t, 2000)
			killProcessesWith(t, w)

			run := e.start(t, "--backup", "-m", w)
			waitTemp(t, run, b, "p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg")
			d.UnmountLazy()
			r := run.wait(t, 2*hangDeadline) // rsync goes on into the detached disc, slowly

			assert.Equal(t, 1, r.Code, r)
			assert.Contains(t, r.Stdout+r.Stderr, "went away during the run")
			assert.False(t, strings.HasPrefix(summary(r.Stdout, b), "ok"), "never ok: %s", summary(r.Stdout, b))
			if c.below == "" {
				entries, err := os.ReadDir(d.Dir)
				require.NoError(t, err)
				assert.Empty(t, entries, "nothing is written onto the internal disc below the mount point")
			} else {
				assert.False(t, exists(b), "the BACKUP's root is never created on the internal disc; it holds %v", paths(b))
			}

			// On the disc itself, what rsync wrote before it went is whole.
			waitFor(t, nil, "the detached disc is let go", func() bool { return len(processesWith(w)) == 0 })
			d.Mount()
			copiedOrOld(t, b, old, want)
		})
	}
}

// Item 4: SIGKILL of micsync's whole process group (systemd, the OOM killer) mid-copy leaves
// rsync's temporary file only in the location's .micsync directory: no plan lists it, and the
// next run removes it and says so. On ext4 and exFAT.
func TestFault13TemporaryFilesAfterSIGKILL(t *testing.T) {
	for _, fsys := range []string{ext4, exfat} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := newDisc(t, fsys, 100)
			w, b := e.path("w"), d.path("b")
			require.NoError(t, os.MkdirAll(b, 0o755))
			discConfig(t, e, w, b)
			e.mkfile(t, filepath.Join(b, "mod.txt"), "old")
			setMtime(t, filepath.Join(b, "mod.txt"), past)
			e.mkfile(t, "w/mod.txt", "new")
			writeBytes(t, e.path("w/big.bin"), randomBytes(8<<20, 1))
			old := locationFiles(t, b)
			want := d.asOn(locationFiles(t, w))
			stub := stubRsync(t, e)
			stub.slow(t, 2000)
			killProcessesWith(t, w)

			run := e.start(t, "--backup", "-m", w)
			waitTemp(t, run, b, "big.bin")
			require.NoError(t, syscall.Kill(-run.pid(), syscall.SIGKILL))
			run.wait(t, hangDeadline)
			waitFor(t, nil, "rsync is gone", func() bool { return len(processesWith(w)) == 0 })

			copiedOrOld(t, b, old, want)
			left := temporaryFiles(b)
			require.NotEmpty(t, left, "rsync's temporary file is in %s; the BACKUP holds %v", filepath.Join(b, ".micsync", "tmp"), paths(b))
			r := e.run(t, "--work", "-n", w)
			assert.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stdout, ".big.bin.", "no plan lists rsync's temporary file")
			assert.NotContains(t, r.Stdout, ".micsync")

			stub.fast(t)
			r = e.run(t, "--backup", "-m", w)
			assert.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout+r.Stderr, "left by an interrupted run", "the next run says it removed %v", left)
			assert.Equal(t, want, locationFiles(t, b))
			assert.Empty(t, temporaryFiles(b), "the dead run's temporary files are removed")
			kept, err := filepath.Glob(filepath.Join(b, ".micsync-trash", "*", "mod.txt"))
			require.NoError(t, err)
			require.NotEmpty(t, kept, "the overwritten mod.txt is in the trash")
			assert.Equal(t, "old", readFile(t, kept[0]))
		})
	}
}

// temporaryFiles lists the files in the temporary directories of location root.
func temporaryFiles(root string) []string {
	var out []string
	filepath.WalkDir(filepath.Join(root, ".micsync", "tmp"), func(p string, de fs.DirEntry, err error) error {
		if err == nil && de.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Item 5: kill -9 of micsync alone kills its rsync too (a parent-death signal): an orphaned
// rsync would go on writing, racing the next run.
func TestFault13OrphanedRsync(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := newDisc(t, ext4, 100)
	w, b := e.path("w"), d.path("b")
	require.NoError(t, os.MkdirAll(b, 0o755))
	discConfig(t, e, w, b)
	for i := range 4 {
		writeBytes(t, e.path(fmt.Sprintf("w/tree/p%d.bin", i)), randomBytes(2<<20, uint64(10+i)))
	}
	stub := stubRsync(t, e)
	// An orphan at this speed would still be copying long after the wait below gives up.
	stub.slow(t, 100)
	killProcessesWith(t, w)

	run := e.start(t, "--backup", w)
	rsyncPid := stub.waitCall(t, run)
	waitTemp(t, run, b, "p0.bin", "p1.bin", "p2.bin", "p3.bin")
	require.NoError(t, syscall.Kill(run.pid(), syscall.SIGKILL)) // micsync only, not its group
	run.wait(t, hangDeadline)
	deadline := time.Now().Add(10 * time.Second) // a signal takes milliseconds
	for len(processesWith(w)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	left := processesWith(w)
	assert.Empty(t, left, "rsync (pid %d) and its forks die with micsync", rsyncPid)
	for _, pid := range left {
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		t.Logf("still running: %s", stat)
		syscall.Kill(pid, syscall.SIGKILL)
	}

	stub.fast(t)
	r := e.run(t, "--backup", w)
	assert.Equal(t, 0, r.Code, r)
	assert.Equal(t, locationFiles(t, w), locationFiles(t, b))
}

// Item 6: a directory and a file that micsync's user cannot read (mode 000) in the source:
// listed with rsync's reason, everything else copied, and the destination's summary says how
// many could not be read; exit 1. For --backup, --work and --transfer.
func TestFault13UnreadableEntries(t *testing.T) {
	for _, c := range []struct{ name, src, dst string }{
		{"backup", "w", "b1"},
		{"work", "b1", "w"},
		{"transfer", "b1", "b2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := newDisc(t, ext4, 64)
			discConfig(t, e, d.path("w"), d.path("b1"), d.path("b2"))
			for _, dir := range []string{"w", "b1", "b2"} {
				require.NoError(t, os.Mkdir(d.path(dir), 0o755))
			}
			src := d.path(c.src)
			e.mkfile(t, filepath.Join(src, "open.txt"), "open")
			e.mkfile(t, filepath.Join(src, "sub/in.txt"), "in")
			e.mkfile(t, filepath.Join(src, "z.txt"), "last")
			require.NoError(t, os.Chmod(filepath.Join(src, "z.txt"), 0o640))
			e.mkfile(t, filepath.Join(src, "locked/x.txt"), "x")
			e.mkfile(t, filepath.Join(src, "secret.txt"), "s")
			readable := locationFiles(t, src)
			for k := range readable {
				if k == "secret.txt" || strings.HasPrefix(k, "locked") {
					delete(readable, k)
				}
			}
			// micsync runs as nobody, who owns the whole disc: only the two mode 000 entries
			// deny it anything.
			asNobody(t, e)
			for dir := filepath.Dir(d.Dir); dir != "/" && dir != os.TempDir(); dir = filepath.Dir(dir) {
				require.NoError(t, os.Chmod(dir, 0o755))
			}
			require.NoError(t, exec.Command("chown", "-R", "65534:65534", d.Dir).Run())
			for _, p := range []string{"locked", "secret.txt"} {
				require.NoError(t, os.Chmod(filepath.Join(src, p), 0))
			}

			var args []string
			switch c.name {
			case "backup":
				args = []string{"--backup", "--to", d.path(c.dst), src}
			case "work":
				args = []string{"--work", "--from", src, d.path(c.dst)}
			case "transfer":
				args = []string{"--transfer", "--to", d.path(c.dst), src}
			}
			r := e.run(t, args...)
			assert.Equal(t, 1, r.Code, r)
			assert.Contains(t, r.Stderr, "Permission denied", "rsync's reason is shown")
			line := summary(r.Stdout, d.path(c.dst))
			assert.Contains(t, line, "could not be read", r)
			assert.Regexp(t, `\b2\b`, line, "both entries are counted")
			got := locationFiles(t, d.path(c.dst))
			for k, v := range readable {
				assert.Equal(t, v, got[k], "%s is copied, with its mode", k)
			}
		})
	}
}

// Item 7: a file rewritten while rsync copies it is named as changed during the copy, the
// result is not ok, and the next run copies it; and a second save in the same second with the
// same size is copied where both sides keep nanoseconds (ext4).
func TestFault13FileChangedDuringTheCopy(t *testing.T) {
	t.Run("rewritten during its copy", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		d := newDisc(t, ext4, 100)
		w, b := e.path("w"), d.path("b")
		require.NoError(t, os.MkdirAll(b, 0o755))
		discConfig(t, e, w, b)
		writeBytes(t, filepath.Join(b, "big.bin"), randomBytes(8<<20, 1))
		setMtime(t, filepath.Join(b, "big.bin"), past)
		writeBytes(t, e.path("w/big.bin"), randomBytes(8<<20, 2))
		e.mkfile(t, "w/other.txt", "other")
		stub := stubRsync(t, e)
		stub.slow(t, 2000)
		killProcessesWith(t, w)

		run := e.start(t, "--backup", "-m", w)
		waitTemp(t, run, b, "big.bin")
		writeBytes(t, e.path("w/big.bin"), randomBytes(8<<20, 3)) // saved again, mid-copy
		r := run.wait(t, 2*hangDeadline)
		assert.Equal(t, 1, r.Code, r)
		assert.Regexp(t, `big\.bin.*changed during the copy|changed during the copy.*big\.bin`, r.Stdout+r.Stderr)
		assert.False(t, strings.HasPrefix(summary(r.Stdout, b), "ok"), "not ok: %s", summary(r.Stdout, b))

		stub.fast(t)
		r = e.run(t, "--backup", "-m", w)
		assert.Equal(t, 0, r.Code, r)
		assert.Equal(t, locationFiles(t, w), locationFiles(t, b), "the next run copies the new content")
	})

	t.Run("saved twice in one second", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		d := newDisc(t, ext4, 64)
		w, b := e.path("w"), d.path("b")
		require.NoError(t, os.MkdirAll(b, 0o755))
		discConfig(t, e, w, b)
		second := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		e.mkfile(t, "w/note.txt", "version A")
		setMtime(t, e.path("w/note.txt"), second.Add(100*time.Millisecond))
		r := e.run(t, "--backup", w)
		require.Equal(t, 0, r.Code, r)
		fi, err := os.Stat(filepath.Join(b, "note.txt"))
		require.NoError(t, err)
		require.True(t, fi.ModTime().Equal(second.Add(100*time.Millisecond)), "the disc keeps nanoseconds: %v", fi.ModTime())

		e.mkfile(t, "w/note.txt", "version B") // the same size, in the same second
		setMtime(t, e.path("w/note.txt"), second.Add(600*time.Millisecond))
		r = e.run(t, "--backup", "-m", w)
		assert.Equal(t, 0, r.Code, r)
		assert.Equal(t, "version B", readFile(t, filepath.Join(b, "note.txt")), "the second save is copied")
		assert.Equal(t, locationFiles(t, w), locationFiles(t, b))
	})
}

// Item 8: a disc whose FUSE daemon is stopped answers nothing. micsync check and a backup call
// it not responding and go on with the other disc; Ctrl-C (SIGINT to the foreground process
// group) or SIGTERM ends a run whose rsync hangs on it, with exit 130.
func TestFault13HungDisc(t *testing.T) {
	// twoDiscs is a WORKING in HOME and two BACKUPs: h on exFAT, the disc that will hang, and
	// g on ext4; h is marked, so that no answer from it can look like an empty disc.
	twoDiscs := func(t *testing.T) (e *env, h, g *loopDisc) {
		e = newEnv(t)
		h, g = newDisc(t, exfat, 64), newDisc(t, ext4, 64)
		require.NoError(t, os.Mkdir(h.path("b"), 0o755))
		require.NoError(t, os.Mkdir(g.path("b"), 0o755))
		discConfig(t, e, e.path("w"), h.path("b"), g.path("b"))
		r := e.run(t, "mark", h.path("b"))
		require.Equal(t, 0, r.Code, r)
		e.mkfile(t, "w/f.txt", "f")
		return e, h, g
	}

	t.Run("check", func(t *testing.T) {
		t.Parallel()
		e, h, g := twoDiscs(t)
		h.Stop()
		run := e.start(t, "check")
		run.unstick = h.Continue
		r := run.wait(t, hangDeadline)
		h.Continue()
		assert.Regexp(t, regexp.QuoteMeta(h.path("b"))+`.*not responding`, r.Stdout, r)
		assert.Regexp(t, regexp.QuoteMeta(g.path("b"))+`\s+reachable\s*\n`, r.Stdout, "the other disc is checked")
	})

	t.Run("backup goes on with the other disc", func(t *testing.T) {
		t.Parallel()
		e, h, g := twoDiscs(t)
		h.Stop()
		run := e.start(t, "--backup", e.path("w"))
		run.unstick = h.Continue
		r := run.wait(t, hangDeadline)
		h.Continue()
		assert.Contains(t, r.Stdout+r.Stderr, "not responding", r)
		assert.Equal(t, locationFiles(t, e.path("w")), locationFiles(t, g.path("b")))
		assert.False(t, exists(h.path("b", "f.txt")))
	})

	for _, c := range []struct {
		name  string
		group bool
		sig   syscall.Signal
	}{
		{"Ctrl-C mid-copy", true, syscall.SIGINT},
		{"SIGTERM mid-copy", false, syscall.SIGTERM},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			h := newDisc(t, exfat, 64)
			w, b := e.path("w"), h.path("b")
			require.NoError(t, os.Mkdir(b, 0o755))
			discConfig(t, e, w, b)
			e.mkfile(t, filepath.Join(b, "mod.txt"), "old")
			setMtime(t, filepath.Join(b, "mod.txt"), past)
			e.mkfile(t, "w/mod.txt", "new")
			writeBytes(t, e.path("w/big.bin"), randomBytes(8<<20, 4))
			old := locationFiles(t, b)
			want := h.asOn(locationFiles(t, w))
			stub := stubRsync(t, e)
			stub.slow(t, 2000)
			killProcessesWith(t, w)

			run := e.start(t, "--backup", "-m", w)
			run.unstick = h.Continue
			waitTemp(t, run, b, "big.bin")
			h.Stop()
			pid := run.pid()
			if c.group {
				pid = -pid // the terminal sends Ctrl-C to the whole foreground group
			}
			require.NoError(t, syscall.Kill(pid, c.sig))
			r := run.wait(t, hangDeadline)
			h.Continue()
			assert.Equal(t, 130, r.Code, r)
			assert.Contains(t, r.Stderr, "interrupted")
			waitFor(t, nil, "rsync is gone once the disc answers again", func() bool { return len(processesWith(w)) == 0 })
			copiedOrOld(t, b, old, want)

			stub.fast(t)
			r = e.run(t, "--backup", "-m", w)
			assert.Equal(t, 0, r.Code, r)
			assert.Equal(t, want, locationFiles(t, b))
		})
	}
}

// A disc that stops answering while micsync flushes it: the flush (coreutils' sync) waits for
// the disc in the kernel, where nothing interrupts it, but in a process of its own, so that
// Ctrl-C still ends micsync; the copy is whole once the disc answers again.
func TestFault13HungDiscInTheFlush(t *testing.T) {
	e := newEnv(t)
	h := newDisc(t, exfat, 64)
	w, b := e.path("w"), h.path("b")
	require.NoError(t, os.Mkdir(b, 0o755))
	discConfig(t, e, w, b)
	e.mkfile(t, "w/f.txt", "f")
	writeBytes(t, e.path("w/big.bin"), randomBytes(1<<20, 7))
	want := h.asOn(locationFiles(t, w))
	real, err := exec.LookPath("sync")
	require.NoError(t, err)
	stub := t.TempDir()
	flushing, goOn := filepath.Join(stub, "flushing"), filepath.Join(stub, "go")
	script := `#!/bin/sh
[ "$1" = -f ] && : >` + remoteQuote(flushing) + ` && while [ ! -e ` + remoteQuote(goOn) + ` ]; do sleep 0.01; done
exec ` + remoteQuote(real) + ` "$@"
`
	require.NoError(t, os.WriteFile(filepath.Join(stub, "sync"), []byte(script), 0o755))
	e.Env = append(e.Env, "PATH="+stub+":"+os.Getenv("PATH"))

	run := e.start(t, "--backup", w)
	run.unstick = h.Continue
	waitFor(t, run, "the flush starts", func() bool { return exists(flushing) })
	h.Stop()
	require.NoError(t, os.WriteFile(goOn, nil, 0o644))
	time.Sleep(300 * time.Millisecond) // sync is in the kernel, waiting for the disc
	require.NoError(t, syscall.Kill(-run.pid(), syscall.SIGINT))
	r := run.wait(t, hangDeadline)
	h.Continue()
	assert.Equal(t, 130, r.Code, r)
	assert.Contains(t, r.Stderr, "interrupted")
	assert.NotContains(t, r.Stdout, "ok ", "never ok before the flush")

	r = e.run(t, "--backup", w)
	assert.Equal(t, 0, r.Code, r)
	assert.Equal(t, want, locationFiles(t, b))
}

// Item 9: a plan that cannot fit on the disc is refused before anything is copied, with both
// numbers and a hint naming what the trash there holds and how to empty it; a sparse file is
// counted by the space it takes; a disc that fills anyway gets the same hint.
func TestFault13DiscFull(t *testing.T) {
	const trashBytes = 12_000_000 // "12.0 MB"
	// fullDisc is a 64 MB ext4 disc with a BACKUP b whose trash holds trashBytes.
	fullDisc := func(t *testing.T) (e *env, d *loopDisc, w, b string) {
		e = newEnv(t)
		d = newDisc(t, ext4, 64)
		w, b = e.path("w"), d.path("b")
		discConfig(t, e, w, b)
		stamp := time.Now().Add(-time.Hour).UTC().Format("20060102T150405Z")
		writeBytes(t, filepath.Join(b, ".micsync-trash", stamp, "old.bin"), randomBytes(trashBytes, 5))
		e.mkfile(t, filepath.Join(b, "keep.txt"), "old")
		setMtime(t, filepath.Join(b, "keep.txt"), past)
		e.mkfile(t, "w/keep.txt", "new")
		return e, d, w, b
	}
	trashHint := func(t *testing.T, stderr string) {
		t.Helper()
		h := hints(stderr)
		assert.Regexp(t, `12(\.0)? MB`, h, "the hint names the trash's size\n%s", stderr)
		assert.Contains(t, h, "micsync trash empty")
		assert.Contains(t, h, "--no-trash")
	}

	t.Run("plan larger than the free space", func(t *testing.T) {
		t.Parallel()
		e, d, w, b := fullDisc(t)
		writeBytes(t, filepath.Join(w, "big.bin"), randomBytes(int(freeBytes(t, d.Dir))+4<<20, 6))
		before := contents(t, d.Dir, ".micsync", "b/.micsync")
		r := e.run(t, "--backup", "-m", w)
		assert.Equal(t, 1, r.Code, r)
		var errLine string
		for _, l := range strings.Split(r.Stderr, "\n") {
			if strings.HasPrefix(l, "micsync: error: ") && strings.Contains(l, "free") {
				errLine = l
			}
		}
		sizes := regexp.MustCompile(`\b\d+(\.\d+)? ?(B|kB|MB|GB|KiB|MiB|GiB|bytes)\b`).FindAllString(errLine, -1)
		assert.GreaterOrEqual(t, len(sizes), 2, "the error gives the plan's size and the free space: %q\n%s", errLine, r)
		trashHint(t, r.Stderr)
		assert.False(t, strings.HasPrefix(summary(r.Stdout, b), "ok"), "refused: %s", summary(r.Stdout, b))
		assert.Equal(t, before, contents(t, d.Dir, ".micsync", "b/.micsync"), "nothing is copied")
	})

	t.Run("sparse file", func(t *testing.T) {
		t.Parallel()
		e, _, w, b := fullDisc(t)
		// 128 MB that take 1 MB: twice the disc, and it fits.
		f, err := os.Create(filepath.Join(w, "disk.img"))
		require.NoError(t, err)
		_, err = f.WriteAt(randomBytes(1<<20, 7), 100<<20)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(128<<20))
		require.NoError(t, f.Close())
		r := e.run(t, "--backup", "-m", w)
		assert.Equal(t, 0, r.Code, r)
		assert.Equal(t, locationFiles(t, w), locationFiles(t, b))
		var st syscall.Stat_t
		require.NoError(t, syscall.Stat(filepath.Join(b, "disk.img"), &st))
		assert.Less(t, st.Blocks*512, int64(8<<20), "the copy is sparse too")
	})

	t.Run("disc fills during the copy", func(t *testing.T) {
		t.Parallel()
		e, d, w, b := fullDisc(t)
		writeBytes(t, filepath.Join(w, "new.bin"), randomBytes(8<<20, 8))
		old := locationFiles(t, b)
		stub := stubRsync(t, e)
		stub.hold(t)
		run := e.start(t, "--backup", "-m", w)
		stub.waitCall(t, run)
		// Something else fills the disc between the plan and the copy.
		fillDisc(t, d.path("filler"))
		stub.release(t)
		r := run.wait(t, hangDeadline)
		assert.Equal(t, 1, r.Code, r)
		assert.Contains(t, r.Stderr, "No space left on device")
		trashHint(t, r.Stderr)
		got := locationFiles(t, b)
		assert.Equal(t, old["keep.txt"], got["keep.txt"], "the good copy stays")
		for k := range got {
			assert.Contains(t, []string{"keep.txt", "new.bin"}, k, "no partial file is left in the tree")
		}
		if v, ok := got["new.bin"]; ok {
			assert.Equal(t, locationFiles(t, w)["new.bin"], v)
		}
	})
}

// fillDisc fills the filesystem of path with a file of that name: it allocates ever smaller
// pieces until not even a block is left.
func fillDisc(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	var end int64
	for piece := int64(1 << 20); piece >= 4096; {
		err := syscall.Fallocate(int(f.Fd()), 0, end, piece)
		switch {
		case err == nil:
			end += piece
		case err == syscall.ENOSPC:
			piece /= 2
		default:
			t.Fatalf("fill %s: %v", path, err)
		}
	}
}

// Item 10: "ok" means the data is on the device. Right after micsync says ok, the image file
// (read past the mount's memory: debugfs for ext4 mounted with commit=60, a second read-only
// loop device for the FUSE filesystems) holds every file; and on exFAT and NTFS it survives
// the driver's death (kill -9 of the daemon) and a new mount.
func TestFault13Flushed(t *testing.T) {
	for _, c := range []struct {
		fs   string
		opts []string
	}{
		{ext4, []string{"commit=60"}},
		{exfat, nil},
		{ntfs, nil},
	} {
		t.Run(c.fs, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := newDisc(t, c.fs, 64, c.opts...)
			w, b := e.path("w"), d.path("b")
			require.NoError(t, os.Mkdir(b, 0o755))
			flushDir(t, b) // the test's own mkdir is on the device; what micsync writes is its to flush
			discConfig(t, e, w, b)
			e.mkfile(t, "w/docs/a.txt", "a")
			writeBytes(t, e.path("w/docs/b.bin"), randomBytes(1<<20, 9))
			writeBytes(t, e.path("w/photos/c.jpg"), randomBytes(3<<20, 10))
			require.NoError(t, os.Chmod(e.path("w/docs/a.txt"), 0o600))
			want := d.asOn(locationFiles(t, w))

			r := e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)
			line := summary(r.Stdout, b)
			assert.True(t, strings.HasPrefix(line, "ok"), r)
			assert.True(t, strings.HasSuffix(strings.TrimSpace(line), "flushed to the disc"), "summary: %q", line)

			onImage := d.FromImage("b")
			if !exists(onImage) {
				t.Fatalf("right after ok, the image holds no %s: nothing was flushed", b)
			}
			assert.Equal(t, want, locationFiles(t, onImage), "the image holds every file right after ok")
			if c.fs != ext4 {
				d.KillDaemon()
				d.Mount()
				assert.Equal(t, want, locationFiles(t, b), "every file survives the driver's death")
			}
		})
	}
}
