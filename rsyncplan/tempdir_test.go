package rsyncplan

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freshTmp points os.TempDir() at a new directory.
func freshTmp(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return tmp
}

// age makes dir look made two minutes ago: older than a directory between its mkdir and its
// lock can be.
func age(t *testing.T, dir string) {
	t.Helper()
	ago := time.Now().Add(-2 * time.Minute)
	require.NoError(t, os.Chtimes(dir, ago, ago))
}

func TestTempDirIsLockedWhileWeLive(t *testing.T) {
	tmp := freshTmp(t)
	dir, err := TempDir("query-")
	require.NoError(t, err)
	defer os.RemoveAll(dir)
	assert.Equal(t, tmp, filepath.Dir(dir))
	assert.True(t, strings.HasPrefix(filepath.Base(dir), "micsync-tmp-query-"), dir)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "an empty directory, for rsync to list into")

	f, err := os.Open(dir)
	require.NoError(t, err)
	defer f.Close()
	assert.ErrorIs(t, syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB), syscall.EWOULDBLOCK, "the lock is held")
	age(t, dir)
	assert.Equal(t, 0, RemoveDeadTempDirs())
	assert.DirExists(t, dir)
}

// TestTempDirsThatAreRemovedAreLetGo: a run makes and removes many temporary directories; the
// locks of removed ones do not stay open.
func TestTempDirsThatAreRemovedAreLetGo(t *testing.T) {
	freshTmp(t)
	fds := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(entries)
	}
	before := fds()
	for range 200 {
		dir, err := TempDir("empty-")
		require.NoError(t, err)
		require.NoError(t, os.RemoveAll(dir))
	}
	assert.Less(t, fds()-before, 10, "the locks of removed directories are still open")
}

// TestHelperHoldsATempDir is not a test: TestTempDirOfAKilledRunIsRemoved runs the test binary
// with it as a run that is killed while it has a temporary directory.
func TestHelperHoldsATempDir(t *testing.T) {
	if os.Getenv("MICSYNC_TEST_TEMPDIR_HELPER") == "" {
		t.Skip("a helper process of TestTempDirOfAKilledRunIsRemoved")
	}
	dir, err := TempDir("restore-")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "names.list"), []byte("a\x00"), 0o644); err != nil {
		panic(err)
	}
	fmt.Println(dir)
	select {}
}

func TestTempDirOfAKilledRunIsRemoved(t *testing.T) {
	freshTmp(t)
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperHoldsATempDir$")
	helper.Env = append(os.Environ(), "MICSYNC_TEST_TEMPDIR_HELPER=1")
	helper.Stderr = os.Stderr
	out, err := helper.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, helper.Start())
	defer helper.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	dir := strings.TrimSpace(line)
	require.FileExists(t, filepath.Join(dir, "names.list"))
	age(t, dir)

	assert.Equal(t, 0, RemoveDeadTempDirs(), "the run is alive")
	require.DirExists(t, dir)
	require.NoError(t, helper.Process.Kill())
	helper.Wait()
	assert.Equal(t, 1, RemoveDeadTempDirs())
	assert.NoDirExists(t, dir)
}

func TestRemoveDeadTempDirsLeavesWhatIsNotADeadRuns(t *testing.T) {
	tmp := freshTmp(t)
	mk := func(name string, old bool) string {
		d := filepath.Join(tmp, name)
		require.NoError(t, os.Mkdir(d, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(d, "names.list"), nil, 0o600))
		if old {
			age(t, d)
		}
		return d
	}
	dead := mk("micsync-tmp-dead", true)
	alive := mk("micsync-tmp-alive", true)
	f, err := os.Open(alive)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, syscall.Flock(int(f.Fd()), syscall.LOCK_EX))
	young := mk("micsync-tmp-young", false) // maybe between its mkdir and its lock
	otherName := mk("micsync-e2e-x", true)
	target := mk("target", true)
	require.NoError(t, os.Symlink(target, filepath.Join(tmp, "micsync-tmp-link")))
	var otherUser string
	if os.Getuid() == 0 {
		otherUser = mk("micsync-tmp-nobody", true)
		require.NoError(t, os.Chown(otherUser, 65534, 65534))
		age(t, otherUser)
	}

	assert.Equal(t, 1, RemoveDeadTempDirs())
	assert.NoDirExists(t, dead)
	for _, d := range []string{alive, young, otherName, target, otherUser} {
		if d != "" {
			assert.DirExists(t, d)
		}
	}
	assert.FileExists(t, filepath.Join(target, "names.list"))
}
