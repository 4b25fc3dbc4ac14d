package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trashed returns the one file that the trash of location loc (relative to HOME) holds at rel.
func trashed(t *testing.T, e *env, loc, rel string) string {
	t.Helper()
	matches, err := filepath.Glob(e.path(loc, ".micsync-trash", "*", rel))
	require.NoError(t, err)
	require.Len(t, matches, 1, "trash of %s holds %s once", loc, rel)
	return readFile(t, matches[0])
}

// only keeps the entries of a tree listing below dir.
func only(listing map[string]string, dir string) map[string]string {
	out := map[string]string{}
	for k, v := range listing {
		if k == dir || strings.HasPrefix(k, dir+"/") {
			out[k] = v
		}
	}
	return out
}

func TestTrashKeepsWhatIsOverwrittenOrDeleted(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/notes.txt", "old notes")
	setMtime(t, e.path("disk1/Documents/notes.txt"), past)
	e.mkfile(t, "Documents/notes.txt", "new notes")
	r := e.run(t, "--backup", "-m", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "new notes", readFile(t, e.path("disk1/Documents/notes.txt")))
	assert.Equal(t, "old notes", trashed(t, e, "disk1/Documents", "notes.txt"))

	e.mkfile(t, "Documents/sub/gone.txt", "deleted by work -D")
	r = e.run(t, "--work", "-D", e.path("disk1/Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("Documents/sub")))
	assert.Equal(t, "deleted by work -D", trashed(t, e, "Documents", "sub/gone.txt"))
	assert.NotContains(t, r.Stdout, ".micsync-trash", "a trash is never part of a plan")

	r = e.run(t, "trash", "list")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "WORKING "+e.path("Documents"))
	assert.Contains(t, r.Stdout, "BACKUP "+e.path("disk1/Documents"))
	assert.Contains(t, r.Stdout, "1 file")
}

func TestNoTrash(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/n.txt", "old")
	setMtime(t, e.path("disk1/Documents/n.txt"), past)
	e.mkfile(t, "Documents/n.txt", "new")
	r := e.run(t, "--backup", "-m", "--no-trash", e.path("Documents/n.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/n.txt")))
	assert.False(t, exists(e.path("disk1/Documents/.micsync-trash")))
}

func TestTrashRestore(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/taxes/a.txt", "a")
	e.mkfile(t, "Documents/taxes/a.txt", "a")
	setMtime(t, e.path("disk1/Documents/taxes/a.txt"), past) // the same on both sides, to the ns
	setMtime(t, e.path("Documents/taxes/a.txt"), past)
	e.mkfile(t, "Documents/taxes/b.txt", "b, deleted by mistake")
	e.mkfile(t, "Documents/keep.txt", "keep")
	r := e.run(t, "--work", "-D", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r.Stderr)
	require.False(t, exists(e.path("Documents/taxes/b.txt")))
	runs, err := filepath.Glob(e.path("Documents/.micsync-trash/*"))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	stamp := filepath.Base(runs[0])

	r = e.run(t, "trash", "restore", stamp, "taxes/b.txt")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "b, deleted by mistake", readFile(t, e.path("Documents/taxes/b.txt")))

	// Restoring over a file that changed since asks first, and keeps what it overwrites.
	e.mkfile(t, "Documents/taxes/b.txt", "b, edited again")
	r = e.run(t, "trash", "restore", stamp, e.path("Documents/taxes/b.txt"))
	assert.Equal(t, 2, r.Code, "no terminal to ask on")
	assert.Equal(t, "b, edited again", readFile(t, e.path("Documents/taxes/b.txt")))
	r = e.run(t, "trash", "restore", "--yes", stamp)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "b, deleted by mistake", readFile(t, e.path("Documents/taxes/b.txt")))
	assert.Equal(t, "keep", readFile(t, e.path("Documents/keep.txt")), "restore never deletes")
	runs, err = filepath.Glob(e.path("Documents/.micsync-trash/*/taxes/b.txt"))
	require.NoError(t, err)
	assert.Len(t, runs, 2, "the restore's overwrite went to a trash run of its own")

	r = e.run(t, "trash", "restore", "19990101T000000Z")
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "no trash run 19990101T000000Z")
}

func TestTrashEmpty(t *testing.T) {
	e := docs(t)
	old := time.Now().Add(-40 * 24 * time.Hour).UTC().Format("20060102T150405Z")
	recent := time.Now().Add(-time.Hour).UTC().Format("20060102T150405Z")
	e.mkfile(t, "disk1/Documents/.micsync-trash/"+old+"/x.txt", "old")
	e.mkfile(t, "disk1/Documents/.micsync-trash/"+recent+"/y.txt", "recent")
	e.mkfile(t, "disk1/Documents/.micsync-trash/not-a-run/z.txt", "not micsync's")

	r := e.run(t, "trash", "empty", "--older-than", "30d")
	assert.Equal(t, 2, r.Code, "emptying asks, and there is no terminal")
	assert.True(t, exists(e.path("disk1/Documents/.micsync-trash/"+old)))

	r = e.run(t, "trash", "empty", "--older-than", "30d", "--yes")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("disk1/Documents/.micsync-trash/"+old)))
	assert.True(t, exists(e.path("disk1/Documents/.micsync-trash/"+recent+"/y.txt")))
	assert.True(t, exists(e.path("disk1/Documents/.micsync-trash/not-a-run/z.txt")))

	r = e.run(t, "trash", "empty", "--older-than", "soon")
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "--older-than takes a duration")
}

func TestTrashAndMarkerAreNeverSynced(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "disk1/Documents/data.txt", "d")
	e.mkfile(t, "disk1/Documents/.micsync-trash/20250101T000000Z/old.txt", "disk1's trash")
	e.mkfile(t, "disk2/Documents/.micsync-trash/20250101T000000Z/other.txt", "disk2's trash")
	for _, d := range []string{"disk1/Documents", "disk2/Documents"} {
		r := e.run(t, "mark", e.path(d))
		require.Equal(t, 0, r.Code, r.Stderr)
	}
	marker2 := readFile(t, e.path("disk2/Documents/.micsync-location"))

	r := e.run(t, "--transfer", "-D", "--max-delete", "all", e.path("disk1/Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "d", readFile(t, e.path("disk2/Documents/data.txt")))
	assert.Equal(t, "disk2's trash", readFile(t, e.path("disk2/Documents/.micsync-trash/20250101T000000Z/other.txt")))
	assert.False(t, exists(e.path("disk2/Documents/.micsync-trash/20250101T000000Z/old.txt")))
	assert.Equal(t, marker2, readFile(t, e.path("disk2/Documents/.micsync-location")), "each disc keeps its own marker")
	assert.NotContains(t, r.Stdout, ".micsync")
}

func TestEmptySourceRefusesDeletion(t *testing.T) {
	e := docsOneBackup(t)
	// The BACKUP's disc is not mounted: its mount point is an empty directory.
	e.mkfile(t, "Documents/thesis.tex", "years of work")
	e.mkfile(t, "Documents/data/results.csv", "1,2,3")
	before := tree(t, e.Home)

	r := e.run(t, "--work", "-D", "--max-delete", "all", e.path("Documents"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: refusing to delete 3 entries from "+e.path("Documents")+": the source "+e.path("disk1/Documents")+" is empty, which looks like a disc that is not mounted")
	assert.Equal(t, 2, strings.Count(r.Stderr, "\n"), "one error and one hint")
	assert.Contains(t, r.Stderr, "micsync: hint: check that the source disc is mounted; if the source is really empty, --allow-empty-source deletes anyway")
	assert.Equal(t, before, tree(t, e.Home), "nothing changed")

	// A named path that the source lacks is an empty source too.
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents/data"), 0o755))
	r = e.run(t, "--work", "-D", e.path("Documents/data"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, "refusing to delete")
	assert.True(t, exists(e.path("Documents/data/results.csv")))

	r = e.run(t, "--work", "-D", "--allow-empty-source", e.path("Documents/data"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("Documents/data/results.csv")))
	assert.Equal(t, "1,2,3", trashed(t, e, "Documents", "data/results.csv"))
}

func TestMarkedDiscThatIsNotMountedIsSkipped(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	r := e.run(t, "mark", e.path("disk1/Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "marked BACKUP "+e.path("disk1/Documents"))
	assert.FileExists(t, e.path("disk1/Documents/.micsync-location"))

	// Unmounted: the mount point is there, empty.
	require.NoError(t, os.Remove(e.path("disk1/Documents/.micsync-location")))
	r = e.run(t, "--backup", e.path("Documents/a.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "skipped BACKUP "+e.path("disk1/Documents")+": its marker .micsync-location is missing, so its disc is probably not mounted\n")
	assert.False(t, exists(e.path("disk1/Documents/a.txt")), "nothing is written onto the mount point")
	assert.True(t, exists(e.path("disk2/Documents/a.txt")))

	r = e.run(t, "--work", "-D", "--from", e.path("disk1/Documents"), e.path("Documents"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: BACKUP "+e.path("disk1/Documents")+" is unreachable: its marker .micsync-location is missing, so its disc is probably not mounted\n"+
		"micsync: hint: mount the disc that holds it\n")
	assert.True(t, exists(e.path("Documents/a.txt")))

	r = e.run(t, "mark", e.path("Documents/a.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "is not the root of a location")
}

func TestLargeDeletionNeedsASecondYes(t *testing.T) {
	e := docsOneBackup(t)
	for i := 0; i < 10; i++ {
		e.mkfile(t, fmt.Sprintf("Documents/p/f%d.txt", i), "x")
		setMtime(t, e.path(fmt.Sprintf("Documents/p/f%d.txt", i)), past)
		if i < 4 {
			// The same file on both sides: the same time too, not two writes a tick apart.
			e.mkfile(t, fmt.Sprintf("disk1/Documents/p/f%d.txt", i), "x")
			setMtime(t, e.path(fmt.Sprintf("disk1/Documents/p/f%d.txt", i)), past)
		}
	}
	before := tree(t, e.Home)
	// 6 of the 11 entries below p (60%) would go.
	r := e.run(t, "--work", "-D", e.path("Documents/p"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: deleting 6 entries of the 11 there (54%) needs a second yes and there is no terminal to ask on")
	assert.Contains(t, r.Stderr, "micsync: hint: answer with --max-delete 6 (or --max-delete all) to allow them")
	assert.Equal(t, before, tree(t, e.Home))

	r = e.run(t, "--work", "-d", "--yes", e.path("Documents/p"))
	assert.Equal(t, 2, r.Code, "--yes does not answer the second question")

	r = e.run(t, "--work", "-D", "--max-delete", "5", e.path("Documents/p"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, "refusing to delete 6 entries from "+e.path("Documents/p")+": --max-delete allows 5")
	assert.Equal(t, before, tree(t, e.Home))

	r = e.run(t, "--work", "-D", "--max-delete", "six", e.path("Documents/p"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "--max-delete takes a number or all")

	r = e.run(t, "--work", "-D", "--max-delete", "6", e.path("Documents/p"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("Documents/p/f9.txt")))
	assert.True(t, exists(e.path("Documents/p/f0.txt")))
}

func TestTerminalLargeDeletionAsksAgain(t *testing.T) {
	e := docsOneBackup(t)
	for i := 0; i < 4; i++ {
		e.mkfile(t, fmt.Sprintf("Documents/p/f%d.txt", i), "x")
	}
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents/p"), 0o755))
	e.mkfile(t, "disk1/Documents/p/one.txt", "1")
	s := e.startPTY(t, "--work", "-d", "--allow-empty-source", e.path("Documents/p"))
	s.Expect("Delete 4 entries from " + e.path("Documents") + "?")
	s.SendLine("y")
	s.Expect("This deletes 4 entries of the 5 there (80%) in " + e.path("Documents/p") + ". Really delete them?")
	s.Expect("No, and stop: change nothing in " + e.path("Documents"))
	s.Expect("No: do the rest of the plan, delete nothing")
	s.Expect("Yes: delete the 4 entries")
	s.Send(keyDown)
	s.Send(keyEnter)
	s.Expect("nothing deleted")
	require.Equal(t, 0, s.Wait())
	assert.True(t, exists(e.path("Documents/p/f3.txt")))
	assert.True(t, exists(e.path("Documents/p/one.txt")), "the rest of the plan is done")
}

func TestFaultRsyncMissing(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	e.Env = []string{"PATH=" + t.TempDir()}
	before := tree(t, e.Home)
	r := e.run(t, "--backup", e.path("Documents/a.txt"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: rsync not found in PATH: rsync is not installed")
	assert.Contains(t, r.Stderr, "micsync: hint: install rsync")
	assert.Equal(t, before, tree(t, e.Home))
}

func TestFaultRsyncTooOld(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	// A stand-in for an old rsync: it only answers --version, as rsync 2.6.9 did.
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'rsync  version 2.6.9  protocol version 29'\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "rsync"), []byte(script), 0o755))
	e.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH")}
	before := tree(t, e.Home)
	r := e.run(t, "--backup", e.path("Documents/a.txt"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: rsync 2.6.9 is too old: micsync needs 3.1.0 or newer")
	assert.Equal(t, before, tree(t, e.Home))
}

func TestFaultDestinationFull(t *testing.T) {
	e := docsOneBackup(t)
	mnt := e.path("disk1")
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here to fill (%v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents"), 0o755))
	e.mkfile(t, "disk1/Documents/big.bin", strings.Repeat("o", 300_000))
	setMtime(t, e.path("disk1/Documents/big.bin"), past)
	e.mkfile(t, "Documents/big.bin", strings.Repeat("n", 900_000))
	before := only(tree(t, e.Home), "disk1")

	// The plan is compared with the free space before anything is copied.
	r := e.run(t, "--backup", "-m", "--no-trash", e.path("Documents/big.bin"))
	assert.Equal(t, 1, r.Code)
	assert.Regexp(t, `micsync: error: not copied: the plan needs 90[0-9.]+ kB but the disc of BACKUP `+regexp.QuoteMeta(e.path("disk1/Documents"))+` has [0-9.]+ kB free\n`, r.Stderr)
	assert.Contains(t, r.Stderr, "micsync: hint: free some space on the disc of "+e.path("disk1/Documents"))
	assert.Equal(t, before, only(tree(t, e.Home), "disk1"), "the good copy stays, and no partial file is left")
}

// asNobody prepares e so that micsync runs as the user nobody, who owns HOME.
func asNobody(t *testing.T, e *env) {
	t.Helper()
	if os.Getuid() != 0 {
		return // an ordinary user meets permissions already
	}
	require.NoError(t, os.Chmod(filepath.Dir(binary), 0o755))
	for dir := e.Home; dir != "/" && dir != os.TempDir(); dir = filepath.Dir(dir) {
		require.NoError(t, os.Chmod(dir, 0o755))
	}
	require.NoError(t, exec.Command("chown", "-R", "65534:65534", e.Home).Run())
	e.User = &syscall.Credential{Uid: 65534, Gid: 65534}
}

func TestFaultPermissionDenied(t *testing.T) {
	for _, c := range []struct{ name, deny string }{
		{"source file", "Documents/p/secret.txt"},
		{"source directory", "Documents/p/locked"},
		{"destination", "disk1/Documents/p"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := docs(t)
			require.NoError(t, os.RemoveAll(e.path("disk2")))
			e.mkfile(t, "Documents/p/secret.txt", "s")
			e.mkfile(t, "Documents/p/locked/in.txt", "i")
			e.mkfile(t, "Documents/p/open.txt", "o")
			e.mkfile(t, "disk1/Documents/p/old.txt", "old")
			asNobody(t, e)
			if c.deny == "disk1/Documents/p" {
				// Not micsync's user's: it can neither write there nor change that.
				require.NoError(t, os.Chown(e.path(c.deny), 0, 0))
				require.NoError(t, os.Chmod(e.path(c.deny), 0o755))
				if os.Getuid() != 0 {
					require.NoError(t, os.Chmod(e.path(c.deny), 0o555))
				}
			} else {
				require.NoError(t, os.Chmod(e.path(c.deny), 0o000))
			}
			t.Cleanup(func() { os.Chmod(e.path(c.deny), 0o755) })
			before := only(tree(t, e.Home), "disk1")

			r := e.run(t, "--backup", e.path("Documents/p"))
			assert.NotEqual(t, 0, r.Code)
			assert.Contains(t, r.Stderr, "Permission denied")
			assert.Contains(t, r.Stderr, "micsync: error: ")
			assert.Contains(t, r.Stderr, "micsync: hint: rsync could not read or write the entries named above")
			assert.NotContains(t, r.Stderr, "goroutine")
			after := only(tree(t, e.Home), "disk1")
			for k, v := range before {
				if !strings.HasSuffix(v, "drwxr-xr-x") && !strings.HasPrefix(v, "d") {
					assert.Equal(t, v, after[k], "%s is unchanged", k)
				}
			}
			assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/p/old.txt")))
		})
	}
}

func TestFaultSourceFileRemovedAfterPlanning(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 1 modified entry")
	require.NoError(t, os.Remove(e.path("Documents/n.txt")))
	s.SendLine("y")
	s.Expect("micsync: hint: files changed after the plan was made: run micsync again to plan anew")
	assert.Equal(t, 1, s.Wait())
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")), "the backup's copy is not deleted")
	assert.Equal(t, "added", readFile(t, e.path("disk1/Documents/added.txt")), "the rest is done")
}

func TestFaultDestinationVanishesDuringTheRun(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 1 modified entry")
	// The disc is unplugged while micsync waits for the answer.
	require.NoError(t, os.Rename(e.path("disk1"), e.path("unplugged")))
	s.SendLine("y")
	s.Expect("micsync: error: the disc of BACKUP " + e.path("disk1/Documents") + " went away during the run; nothing was written after that")
	assert.Equal(t, 1, s.Wait())
	assert.Equal(t, "old", readFile(t, e.path("unplugged/Documents/n.txt")))
	assert.False(t, exists(e.path("disk1")), "nothing is written where the disc was")
}

func TestFaultBadEnvironmentAndConfig(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	before := tree(t, e.Home)
	check := func(r result, msg string) {
		t.Helper()
		assert.Equal(t, 2, r.Code, r.String())
		assert.True(t, strings.HasPrefix(r.Stderr, "micsync: error: "), r.Stderr)
		assert.Contains(t, r.Stderr, msg)
		assert.NotContains(t, r.Stderr, "goroutine")
		assert.Equal(t, before, tree(t, e.Home))
	}

	e.Env = []string{"HOME="}
	check(e.run(t, "--backup", e.path("Documents/a.txt")), "HOME is not set")

	e.Env = []string{"MICSYNC_CONFIG=" + e.path("Documents")}
	check(e.run(t, "--backup", e.path("Documents/a.txt")), "read config")
	e.Env = nil

	check(e.run(t, "--backup", "/"), "is not inside any location")

	e.writeConfig(t, `{"configs": [{"name": "root", "work": ["/"], "backup": ["~/disk1"]}]}`)
	before = tree(t, e.Home)
	check(e.run(t, "--backup", e.path("Documents/a.txt")), "a whole filesystem cannot be a location")
}

func TestFaultLocationIsAFile(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk2/Documents", "a file where the BACKUP should be")
	e.mkfile(t, "Documents/a.txt", "a")
	r := e.run(t, "--backup", e.path("Documents/a.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "skipped BACKUP "+e.path("disk2/Documents")+": not a directory")
	assert.Equal(t, "a file where the BACKUP should be", readFile(t, e.path("disk2/Documents")))
}

func TestFaultSymlinkLoop(t *testing.T) {
	e := docs(t)
	require.NoError(t, os.Symlink("loop", e.path("Documents/loop")))
	r := e.run(t, "--backup", e.path("Documents/loop"))
	require.Equal(t, 0, r.Code, r.Stderr)
	target, err := os.Readlink(e.path("disk1/Documents/loop"))
	require.NoError(t, err, "a looping link is copied as the link it is")
	assert.Equal(t, "loop", target)

	r = e.run(t, "--backup", e.path("Documents/loop/x"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: ")
}

func TestHostileNames(t *testing.T) {
	names := []string{"sp ace", "new\nline", "tab\tbed", `back\slash`, `quo"te's`, "-leading", "--delete",
		"*?[", "caf\xe9", strings.Repeat("n", 255)}
	e := docsOneBackup(t)
	for _, n := range names {
		e.mkfile(t, "Documents/h/"+n, "content of "+n)
		e.mkfile(t, "Documents/h/dir "+n[:1]+"/"+n, "inner "+n)
	}
	e.mkfile(t, "Documents/h/plain.txt", "plain")

	// Each name as a given path.
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents/h"), 0o755))
	e.Dir = e.path("Documents/h")
	r := e.run(t, append([]string{"--backup", "--"}, names...)...)
	require.Equal(t, 0, r.Code, r.Stderr)
	for _, n := range names {
		assert.Equal(t, "content of "+n, readFile(t, e.path("disk1/Documents/h/"+n)), "%q", n)
	}
	assert.False(t, exists(e.path("disk1/Documents/h/plain.txt")), "exactly the given paths")
	assert.Contains(t, r.Stdout, `+ "new\nline"`+"\n", "listed escaped, on one line")
	assert.Contains(t, r.Stdout, `+ "caf\xe9"`+"\n")

	// Inside a tree, then deleted again by a work -D from a BACKUP that lacks them.
	r = e.run(t, "--backup", e.path("Documents/h"))
	require.Equal(t, 0, r.Code, r.Stderr)
	for _, n := range names {
		assert.Equal(t, "inner "+n, readFile(t, e.path("disk1/Documents/h/dir "+n[:1]+"/"+n)), "%q", n)
	}
	require.NoError(t, os.Remove(e.path("disk1/Documents/h/"+names[1])))
	require.NoError(t, os.Remove(e.path("disk1/Documents/h/"+names[8])))
	r = e.run(t, "--work", "-D", e.path("Documents/h"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("Documents/h/"+names[1])))
	assert.False(t, exists(e.path("Documents/h/"+names[8])))
	for i, n := range names {
		if i != 1 && i != 8 {
			assert.True(t, exists(e.path("Documents/h/"+n)), "%q is kept", n)
		}
	}
	assert.Equal(t, "content of new\nline", trashed(t, e, "Documents", "h/new\nline"))
}

func TestSigtermStopsAndTheSameCommandFinishes(t *testing.T) {
	e := modifiedInBackup(t)
	require.NoError(t, os.Truncate(e.path("Documents/n.txt"), 1<<30)) // long enough to stop midway
	args := []string{"--backup", "-m", e.path("Documents")}
	var stdout, stderr strings.Builder
	cmd := e.command(t.Context(), args)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool {
		entries, _ := os.ReadDir(e.path("disk1/Documents"))
		return len(entries) > 2 // n.txt, added.txt and rsync's temporary file
	}, 30*time.Second, 5*time.Millisecond, "rsync never started writing")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err := cmd.Wait()
	require.Error(t, err)
	assert.Equal(t, 130, cmd.ProcessState.ExitCode(), stderr.String())
	assert.Contains(t, stdout.String(), "STOPPED "+e.path("disk1/Documents")+": interrupted; run the same command again to finish")
	assert.Contains(t, stderr.String(), "micsync: error: interrupted")
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")), "the good copy is still in place")
	entries, err := os.ReadDir(e.path("disk1/Documents"))
	require.NoError(t, err)
	for _, de := range entries {
		assert.False(t, strings.HasPrefix(de.Name(), ".n.txt."), "rsync's temporary file %s is removed", de.Name())
	}

	r := e.run(t, args...)
	require.Equal(t, 0, r.Code, r.Stderr)
	fi, err := os.Stat(e.path("disk1/Documents/n.txt"))
	require.NoError(t, err)
	assert.EqualValues(t, 1<<30, fi.Size(), "the second run completed the copy")
	assert.Equal(t, "old", trashed(t, e, "disk1/Documents", "n.txt"))
}
