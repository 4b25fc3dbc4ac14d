package tests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
)

// micsyncsOwn are the entries of micsync's own in a location's root, left out of a comparison
// of what the location holds.
var micsyncsOwn = []string{".micsync", ".micsync-location", ".micsync-trash"}

// backupOnDisc is a configuration whose WORKING w is here and whose BACKUP b is a directory on
// a new disc d of filesystem fsys.
func backupOnDisc(t *testing.T, fsys string) (e *env, d *loopDisc, w, b string) {
	t.Helper()
	e = newEnv(t)
	d = newDisc(t, fsys, 64)
	w, b = e.path("w"), d.path("b")
	require.NoError(t, os.Mkdir(b, 0o755))
	discConfig(t, e, w, b)
	return e, d, w, b
}

// workTree writes a small tree with the modes and times that the discs treat differently:
// private and executable files, a private directory, and times with fractions of a second and
// odd seconds, which FAT rounds.
func workTree(t *testing.T, e *env, dir string) {
	t.Helper()
	files := map[string]fs.FileMode{"notes.txt": 0o644, "private.txt": 0o600, "run.sh": 0o755, "sub/deep/a.txt": 0o644, "secret/key": 0o600}
	when := time.Date(2024, 5, 6, 7, 8, 9, 987654321, time.UTC)
	for name, mode := range files {
		p := filepath.Join(dir, name)
		e.mkfile(t, p, "content of "+name)
		require.NoError(t, os.Chmod(p, mode))
		setMtime(t, p, when)
		when = when.Add(time.Hour + 333*time.Millisecond)
	}
	require.NoError(t, os.Chmod(filepath.Join(dir, "secret"), 0o700))
}

// TestDiscs14AnUnchangedTreeIsUpToDateTheSecondTime backs a tree up to a disc of each
// filesystem twice, and once more after the disc was plugged out and in: the copy holds every
// file with its content (and its mode where the disc keeps modes), and the second and third runs
// find nothing to do: no "attributes only", no copy again.
func TestDiscs14AnUnchangedTreeIsUpToDateTheSecondTime(t *testing.T) {
	for _, fsys := range []string{ext4, exfat, ntfs, fat32} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e, d, w, b := backupOnDisc(t, fsys)
			workTree(t, e, w)

			r := e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stderr, "rsync", "no raw rsync message")
			assert.Equal(t, d.asOn(contents(t, w)), contents(t, b, micsyncsOwn...), "every file, with its content")

			for _, when := range []string{"the second time", "after the disc was plugged in again"} {
				if when != "the second time" {
					d.Remount()
				}
				r = e.run(t, "--backup", "-m", w)
				require.Equal(t, 0, r.Code, "%s: %v", when, r)
				assert.Contains(t, r.Stdout, "nothing to do: up to date", when)
				assert.NotContains(t, r.Stdout, "attributes only", when)
				assert.NotContains(t, r.Stdout, "copied", when)
			}
			assert.False(t, exists(filepath.Join(b, ".micsync-trash")), "nothing was overwritten")
		})
	}
}

// TestDiscs14CopyingBackKeepsWorkingsModes brings files back from a disc that keeps no modes:
// the files restored get the user's usual modes, and a file overwritten keeps the mode it has in
// WORKING. Nothing in WORKING becomes writable by everyone.
func TestDiscs14CopyingBackKeepsWorkingsModes(t *testing.T) {
	umask := processUmask(t)
	for _, fsys := range []string{exfat, ntfs, fat32} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e, _, w, b := backupOnDisc(t, fsys)
			workTree(t, e, w)
			r := e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)

			// Lost in WORKING: a file and a directory; changed on the disc: the private file.
			require.NoError(t, os.Remove(filepath.Join(w, "notes.txt")))
			require.NoError(t, os.RemoveAll(filepath.Join(w, "sub")))
			require.NoError(t, os.Remove(filepath.Join(b, "private.txt"))) // fusefat does not truncate
			require.NoError(t, os.WriteFile(filepath.Join(b, "private.txt"), []byte("changed on the disc"), 0o600))
			setMtime(t, filepath.Join(b, "private.txt"), time.Now().Add(time.Hour))

			r = e.run(t, "--work", "-D", "-m", "--yes", w)
			require.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stdout, "~ run.sh", "unchanged: the disc's coarser time is no difference")
			assert.Contains(t, r.Stdout, "~ private.txt")
			assert.Equal(t, "changed on the disc", readFile(t, filepath.Join(w, "private.txt")))
			assert.Equal(t, "content of notes.txt", readFile(t, filepath.Join(w, "notes.txt")))
			assert.Equal(t, "content of sub/deep/a.txt", readFile(t, filepath.Join(w, "sub/deep/a.txt")))
			for name, want := range map[string]fs.FileMode{
				"private.txt":    0o600, // overwritten: keeps its mode
				"run.sh":         0o755, // unchanged
				"secret":         0o700,
				"secret/key":     0o600,
				"notes.txt":      0o666 &^ umask, // restored: the user's usual modes
				"sub":            0o777 &^ umask,
				"sub/deep":       0o777 &^ umask,
				"sub/deep/a.txt": 0o666 &^ umask,
			} {
				fi, err := os.Stat(filepath.Join(w, name))
				require.NoError(t, err)
				assert.Equal(t, want, fi.Mode().Perm(), "%s: %s", name, fi.Mode())
			}

			// And the next run finds nothing to do.
			r = e.run(t, "--work", "-D", "-m", "--yes", w)
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "nothing to do: up to date")

			// --tree makes the directories with the user's usual mode too.
			require.NoError(t, os.MkdirAll(filepath.Join(b, "new/inner"), 0o755))
			r = e.run(t, "--tree", filepath.Join(b, "new"))
			require.Equal(t, 0, r.Code, r)
			for _, dir := range []string{"new", "new/inner"} {
				fi, err := os.Stat(filepath.Join(w, dir))
				require.NoError(t, err)
				assert.Equal(t, 0o777&^umask, fi.Mode().Perm(), dir)
			}
		})
	}
}

// processUmask reads this process's umask, which micsync and rsync inherit, without changing it.
func processUmask(t *testing.T) fs.FileMode {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			require.NoError(t, err)
			return fs.FileMode(n)
		}
	}
	require.FailNow(t, fmt.Sprintf("no Umask line in /proc/self/status"))
	return 0
}

// The times FAT and exFAT keep, a day less at each end.
var fatMin, fatMax = time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2107, 12, 30, 0, 0, 0, 0, time.UTC)

// TestDiscs14LearnsWhatEachDiscKeeps tries each filesystem as a run does, in micsync's own
// directory on it, and checks what it learns against what the drivers are known to do here
// (../shared/guides/DISCS.md).
func TestDiscs14LearnsWhatEachDiscKeeps(t *testing.T) {
	for _, c := range []struct {
		fs   string
		want disc.Caps
	}{
		{ext4, disc.Everything},
		{exfat, disc.Caps{FileMode: 0o777, DirMode: 0o777, TimeStep: time.Second, RenameKeepsTimes: true, BadChars: disc.NameChars,
			MinTime: fatMin, MaxTime: fatMax}},
		{ntfs, disc.Caps{FileMode: 0o777, DirMode: 0o777, Symlinks: true, CaseSensitive: true, TimeStep: time.Second, RenameKeepsTimes: true, HardLinks: true, Xattrs: true}},
		{fat32, disc.Caps{FileMode: 0o700, DirMode: 0o700, TimeStep: 2 * time.Second, BadChars: disc.NameChars,
			MinTime: fatMin, MaxTime: fatMax, MaxFileSize: 1<<32 - 1}},
	} {
		t.Run(c.fs, func(t *testing.T) {
			t.Parallel()
			d := newDisc(t, c.fs, 64)
			dir := d.path(".micsync")
			require.NoError(t, os.Mkdir(dir, 0o755))
			got, ok := disc.Learn(dir)
			require.True(t, ok)
			if c.fs == exfat {
				// exfat-fuse changes a time it cannot keep only when the disc is unmounted:
				// the first run cannot know, the next one after a re-plug does.
				first := c.want
				first.MinTime, first.MaxTime = time.Time{}, time.Time{}
				assert.Equal(t, first, got, "the first time")
				d.Remount()
				got, ok = disc.Learn(dir)
				require.True(t, ok)
			}
			assert.Equal(t, c.want, got)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"time-1970", "time-2150"}, names, "what it tried with is gone but the two files that keep the edges")
		})
	}
}

// TestDiscs14TimesAndSizesTheDiscCannotKeep backs up a file dated 1970 (as files from old
// archives are) and, to FAT32, a file of 4 GiB: both are listed before any question and left
// out, the rest is copied, and the run exits 1. exfat-fuse shows what it cannot keep only after
// a re-plug: the first backup copies the 1970 file, and from then on it is listed, never copied
// again and again.
func TestDiscs14TimesAndSizesTheDiscCannotKeep(t *testing.T) {
	for _, fsys := range []string{fat32, exfat} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e, d, w, b := backupOnDisc(t, fsys)
			e.mkfile(t, "w/fine.txt", "fine")
			e.mkfile(t, "w/from-a-zip.txt", "old")
			setMtime(t, e.path("w/from-a-zip.txt"), time.Unix(0, 0))
			if fsys == fat32 {
				big, err := os.Create(e.path("w/big.iso"))
				require.NoError(t, err)
				require.NoError(t, big.Truncate(1<<32)) // sparse here: nothing is written
				require.NoError(t, big.Close())
			}

			if fsys == exfat {
				r := e.run(t, "--backup", w)
				require.Equal(t, 0, r.Code, "the first run cannot know yet: %v", r)
				d.Remount()
			}
			r := e.run(t, "--backup", "-m", w)
			assert.Equal(t, 1, r.Code, r)
			assert.Contains(t, r.Stdout, "    ! from-a-zip.txt: its time, "+time.Unix(0, 0).Local().Format("2006-01-02 15:04:05")+", is outside the times kept there\n")
			assert.Contains(t, r.Stderr, "touch FILE")
			assert.NotContains(t, r.Stderr, "rsync:", "no raw rsync message")
			assert.Equal(t, "fine", readFile(t, filepath.Join(b, "fine.txt")))
			if fsys == fat32 {
				assert.Contains(t, r.Stdout, "    ! big.iso: 4.3 GB, larger than the largest file there\n")
				assert.Contains(t, r.Stderr, "FAT32 holds no file of 4 GiB or more")
				assert.False(t, exists(filepath.Join(b, "big.iso")))
				assert.False(t, exists(filepath.Join(b, "from-a-zip.txt")))
			}
			assert.False(t, exists(filepath.Join(b, ".micsync-trash")), "nothing copied over again")
		})
	}
}
