package disc

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func holder(exclusive bool) Holder {
	h := Me(exclusive)
	h.Command = "micsync backup docs"
	return h
}

func TestLockKeepsOneWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), Name)
	w, err := Acquire(dir, dir, holder(true))
	require.NoError(t, err)

	for _, exclusive := range []bool{true, false} {
		_, err = Acquire(dir, dir, holder(exclusive))
		var busy *BusyError
		require.ErrorAs(t, err, &busy, "a second run, exclusive=%v", exclusive)
		require.Len(t, busy.Holders, 1)
		assert.Equal(t, os.Getpid(), busy.Holders[0].PID)
		assert.Contains(t, err.Error(), "in use by another micsync run (pid "+strconv.Itoa(os.Getpid()))
		assert.Contains(t, err.Error(), ": micsync backup docs)")
	}

	w.Release()
	r1, err := Acquire(dir, dir, holder(false))
	require.NoError(t, err, "free again once released")
	r2, err := Acquire(dir, dir, holder(false))
	require.NoError(t, err, "readers share the lock")
	_, err = Acquire(dir, dir, holder(true))
	var busy *BusyError
	require.ErrorAs(t, err, &busy, "a writer waits for the readers")
	assert.Len(t, busy.Holders, 2)
	r1.Release()
	r2.Release()
	w, err = Acquire(dir, dir, holder(true))
	require.NoError(t, err)
	w.Release()
	assert.Empty(t, notes(dir), "every note goes with its lock")
}

// A lock is an flock: another process that holds it keeps it, and one that dies, however it
// dies, leaves it free; its note is then removed by the next run.
func TestLockOfADeadProcessIsTakenOver(t *testing.T) {
	dir := filepath.Join(t.TempDir(), Name)
	w, err := Acquire(dir, dir, holder(true)) // makes the lock file and a note
	require.NoError(t, err)
	w.Release()
	ready := filepath.Join(t.TempDir(), "ready")
	other := exec.Command("flock", "--exclusive", filepath.Join(dir, "lock"), "sh", "-c", `touch "$0" && exec sleep 60`, ready)
	other.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so that its sleep dies with it
	require.NoError(t, other.Start())
	kill := func() { syscall.Kill(-other.Process.Pid, syscall.SIGKILL) }
	t.Cleanup(kill)
	dead := Holder{PID: other.Process.Pid, Command: "micsync --backup -m docs", Start: time.Now(), Exclusive: true}
	writeNote(dir, dead)
	require.Eventually(t, func() bool { _, err := os.Stat(ready); return err == nil }, 10*time.Second, 10*time.Millisecond)

	_, err = Acquire(dir, dir, holder(true))
	var busy *BusyError
	require.ErrorAs(t, err, &busy, "the other process holds the lock")
	require.Len(t, busy.Holders, 1)
	assert.Equal(t, dead.Command, busy.Holders[0].Command)

	kill()
	other.Wait()
	// The kernel lets the lock go once the last process that has it open is gone.
	require.Eventually(t, func() bool { w, err = Acquire(dir, dir, holder(true)); return err == nil },
		10*time.Second, 10*time.Millisecond, "a dead holder's lock is free")
	got := notes(dir)
	require.Len(t, got, 1, "the dead run's note is gone")
	h, ok := readNote(got[0])
	require.True(t, ok)
	assert.Equal(t, os.Getpid(), h.PID)
	w.Release()
}

func TestLockDirIsOneForEachLocationAndSharedByAllUsers(t *testing.T) {
	oldBase, oldOther := lockBase, otherBase
	lockBase, otherBase = t.TempDir(), t.TempDir()
	t.Cleanup(func() { lockBase, otherBase = oldBase, oldOther })
	require.NoError(t, os.Chmod(lockBase, 0o777|fs.ModeSticky))
	a, err := LockDir("/media/disc/backup")
	require.NoError(t, err)
	again, err := LockDir("/media/disc/backup")
	require.NoError(t, err)
	b, err := LockDir("/media/disc/backup2")
	require.NoError(t, err)
	assert.Equal(t, a, again, "two runs on one location take one lock")
	assert.NotEqual(t, a, b)
	assert.Equal(t, filepath.Join(lockBase, "micsync"), filepath.Dir(a))
	fi, err := os.Stat(filepath.Dir(a))
	require.NoError(t, err)
	assert.Equal(t, os.ModeDir|os.ModeSticky|0o777, fi.Mode(), "every user's runs lock there")

	// A /run/lock that only root may write to (Arch's) is not used, by anyone.
	require.NoError(t, os.Chmod(lockBase, 0o755))
	c, err := LockDir("/media/disc/backup")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(otherBase, "micsync", filepath.Base(a)), c)
}

// A lock file removed between its open and its flock (a cleaner of /tmp) is not held: the run
// locks the file that is there now, which the next run opens too.
func TestALockFileRemovedUnderTheRunIsNotHeld(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "l")
	w, err := Acquire(dir, "", holder(true))
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, "lock"))) // the cleaner
	assert.False(t, stillAt(w.f, filepath.Join(dir, "lock")))
	w.Release()
	w, err = Acquire(dir, "", holder(true))
	require.NoError(t, err)
	assert.True(t, stillAt(w.f, filepath.Join(dir, "lock")))
	_, err = Acquire(dir, "", holder(true))
	var busy *BusyError
	assert.ErrorAs(t, err, &busy, "a second run sees the first one's lock")
	w.Release()
}

func TestLockOnADiscThatCannotBeWritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to a read-only directory; the tests of the built binary run this as nobody")
	}
	root := t.TempDir()
	require.NoError(t, os.Chmod(root, 0o555))
	_, err := Acquire(filepath.Join(root, Name), "", holder(false))
	assert.ErrorIs(t, err, ErrNoLock)
}

func TestTempDirLeftoversAreRemovedByTheNextRun(t *testing.T) {
	locks, dir := t.TempDir(), filepath.Join(t.TempDir(), Name)
	l, err := Acquire(locks, dir, holder(true))
	require.NoError(t, err)
	tmp, err := l.TempDir()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "tmp"), filepath.Dir(tmp))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, ".big.bin.WYh0k4"), make([]byte, 1000), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, ".small.txt.Ab12Cd"), []byte("x"), 0o600))
	l.Release() // the run dies here

	next, err := Acquire(locks, dir, holder(true))
	require.NoError(t, err)
	assert.Equal(t, Leftovers{Files: 2, Bytes: 1001}, next.RemoveLeftovers())
	assert.NoDirExists(t, tmp)
	assert.Equal(t, Leftovers{}, next.RemoveLeftovers(), "nothing the second time")
	next.Release()
}

func TestIdentityChangesWhenTheDiscGoes(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "disc")
	require.NoError(t, os.Mkdir(root, 0o755))
	id, err := Identify(root, "")
	require.NoError(t, err)
	require.NoError(t, id.Check(root))

	// A lazy unmount leaves the mount point: another directory at the same path.
	require.NoError(t, os.Rename(root, filepath.Join(base, "detached")))
	assert.ErrorIs(t, id.Check(root), ErrGone, "missing")
	require.NoError(t, os.Mkdir(root, 0o755))
	assert.ErrorIs(t, id.Check(root), ErrGone, "another directory in its place")

	require.NoError(t, os.WriteFile(filepath.Join(root, "mark"), []byte("a"), 0o644))
	id, err = Identify(root, "mark")
	require.NoError(t, err)
	require.NoError(t, id.Check(root))
	require.NoError(t, os.Rename(filepath.Join(root, "mark"), filepath.Join(base, "old mark")))
	require.NoError(t, os.WriteFile(filepath.Join(root, "mark"), []byte("b"), 0o644))
	assert.ErrorIs(t, id.Check(root), ErrGone, "another marker")
}

func TestSpace(t *testing.T) {
	dir := t.TempDir()
	s, err := SpaceOf(dir)
	require.NoError(t, err)
	assert.Positive(t, s.Free)
	assert.Positive(t, s.Block)

	s = Space{Block: 4096}
	assert.Equal(t, int64(4096), s.Takes(1, 4096, true))
	assert.Equal(t, int64(8192), s.Takes(5000, 8192, false))
	assert.Equal(t, int64(4096), s.Takes(5<<30, 4096, true), "a sparse file where holes are kept")
	assert.Equal(t, int64(5<<30), s.Takes(5<<30, 4096, false), "and where they are not")
	assert.Equal(t, int64(5<<30), s.Takes(5<<30, -1, true), "unknown allocation counts whole")

	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30))
	f.Close()
	assert.Less(t, Allocated(sparse), int64(1<<20))
	assert.Equal(t, int64(-1), Allocated(filepath.Join(dir, "missing")))
}

// The probes run on the test machine's own filesystem, which keeps both (ext4, tmpfs, btrfs);
// the tests of the built binary run them on FAT, exFAT and NTFS images.
func TestProbes(t *testing.T) {
	dir := t.TempDir()
	assert.True(t, KeepsNanoseconds(dir))
	assert.True(t, KeepsHoles(dir))
	assert.False(t, KeepsNanoseconds(filepath.Join(dir, "missing")))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the probes leave nothing")
}

func TestFlush(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Flush(dir))
	assert.FileExists(t, filepath.Join(dir, "flushed"))
	assert.Error(t, Flush(filepath.Join(dir, "missing")))
}

// The flush is coreutils' sync in a process of its own (a disc that hangs in it keeps that
// process, not micsync); its failure is the flush's; without sync, micsync flushes itself.
func TestFlushIsDoneBySync(t *testing.T) {
	dir, bin := t.TempDir(), t.TempDir()
	log := filepath.Join(t.TempDir(), "log")
	real, err := exec.LookPath("sync")
	require.NoError(t, err)
	script := "#!/bin/sh\necho \"$*\" >>" + log + "\nexec " + real + " \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "sync"), []byte(script), 0o755))
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	require.NoError(t, Flush(dir))
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, "-f -- "+dir+"\n-- "+filepath.Join(dir, "flushed")+"\n", string(b))

	fail := "#!/bin/sh\necho 'sync: error syncing x: Input/output error' >&2\nexit 1\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "sync"), []byte(fail), 0o755))
	assert.EqualError(t, Flush(dir), "flush "+dir+": sync: sync: error syncing x: Input/output error")

	t.Setenv("PATH", t.TempDir())
	require.NoError(t, Flush(dir), "without sync")
}

// Two users who may both write to a location share its lock: the directory is theirs alike, as
// /tmp is, and the lock file opens for both.
func TestLockIsSharedByTheUsersOfOneMachine(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a command as another user (nobody)")
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		t.Skip("runuser is not installed")
	}
	root := t.TempDir()
	require.NoError(t, os.Chmod(filepath.Dir(root), 0o755))
	require.NoError(t, os.Chmod(root, 0o777))
	dir := filepath.Join(root, Name)
	l, err := Acquire(dir, dir, holder(true))
	require.NoError(t, err)
	tmp, err := l.TempDir()
	require.NoError(t, err)
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.ModeDir|os.ModeSticky|0o777, fi.Mode())
	fi, err = os.Stat(filepath.Join(dir, "lock"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o666), fi.Mode())
	fi, err = os.Stat(filepath.Dir(tmp))
	require.NoError(t, err)
	assert.Equal(t, os.ModeDir|os.ModeSticky|0o777, fi.Mode())

	as := func(args ...string) error {
		return exec.Command("runuser", append([]string{"-u", "nobody", "--"}, args...)...).Run()
	}
	assert.Error(t, as("flock", "--nonblock", "--shared", filepath.Join(dir, "lock"), "true"), "held for the other user too")
	l.Release()
	assert.NoError(t, as("flock", "--nonblock", "--exclusive", filepath.Join(dir, "lock"), "true"), "and free for them once let go")
	assert.NoError(t, as("mkdir", filepath.Join(dir, "tmp", "nobody's run")), "the other user's runs have a place for rsync's files")
}
