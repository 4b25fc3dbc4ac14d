package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
)

// docs is a HOME with one configuration: WORKING ~/Documents, BACKUPs ~/disk1/Documents and
// ~/disk2/Documents (the discs are directories here).
func docs(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"],
		"backup": ["~/disk1/Documents", "~/disk2/Documents"]}]}`)
	for _, d := range []string{"Documents", "disk1/Documents", "disk2/Documents"} {
		require.NoError(t, os.MkdirAll(filepath.Join(e.Home, d), 0o755))
	}
	return e
}

// docsOneBackup is docs with disk2 unplugged: one reachable BACKUP.
func docsOneBackup(t *testing.T) *env {
	t.Helper()
	e := docs(t)
	require.NoError(t, os.RemoveAll(e.path("disk2")))
	return e
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, path)
	return string(b)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// setMtime gives a file a fixed time in the past, so that a later write is always newer.
func setMtime(t *testing.T, path string, when time.Time) {
	t.Helper()
	require.NoError(t, os.Chtimes(path, when, when))
}

var past = time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)

func TestBackupCopiesToEveryBackup(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	e.mkfile(t, "Documents/taxes/sub/receipt.txt", "receipt")
	setMtime(t, e.path("Documents/taxes/2024.txt"), past)
	e.mkfile(t, "Documents/other.txt", "not named")

	r := e.run(t, "--backup", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r.Stderr)
	for _, disk := range []string{"disk1", "disk2"} {
		assert.Equal(t, "income", readFile(t, e.path(disk+"/Documents/taxes/2024.txt")))
		assert.Equal(t, "receipt", readFile(t, e.path(disk+"/Documents/taxes/sub/receipt.txt")))
		fi, err := os.Stat(e.path(disk + "/Documents/taxes/2024.txt"))
		require.NoError(t, err)
		assert.True(t, fi.ModTime().Equal(past), "mtime is kept")
		assert.False(t, exists(e.path(disk+"/Documents/other.txt")), "only the named path is copied")
	}
	assert.Contains(t, r.Stdout, `configuration "documents"`)
	assert.Contains(t, r.Stdout, "new files:")
	assert.Contains(t, r.Stdout, "taxes/2024.txt")
	assert.Contains(t, r.Stdout, "2 files copied")
}

func TestBackupAsksBeforeOverwritingAndNeverDeletes(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/notes.txt", "new version")
	e.mkfile(t, "disk1/Documents/notes.txt", "old version")
	setMtime(t, e.path("disk1/Documents/notes.txt"), past)
	e.mkfile(t, "disk1/Documents/only-in-backup.txt", "keep me")

	// No terminal and no answer: the question cannot be asked, so nothing happens.
	r := e.run(t, "--backup", e.path("Documents/notes.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: there are modified files to overwrite and there is no terminal to ask on")
	assert.Contains(t, r.Stderr, "micsync: hint: answer with -m")
	assert.Equal(t, "old version", readFile(t, e.path("disk1/Documents/notes.txt")))
	assert.False(t, exists(e.path("disk2/Documents/notes.txt")), "no destination is touched before all questions are answered")

	r = e.run(t, "--backup", "--no", e.path("Documents/notes.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "old version", readFile(t, e.path("disk1/Documents/notes.txt")))
	assert.Equal(t, "new version", readFile(t, e.path("disk2/Documents/notes.txt")), "new files are copied without asking")
	assert.Contains(t, r.Stdout, "modified entries left as they were")

	r = e.run(t, "--backup", "-m", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "new version", readFile(t, e.path("disk1/Documents/notes.txt")))
	assert.Equal(t, "keep me", readFile(t, e.path("disk1/Documents/only-in-backup.txt")), "backup never deletes")
}

func TestBackupSkipsUnreachableBackup(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/a.txt", "a")
	r := e.run(t, "--backup", e.path("Documents/a.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "skipped BACKUP "+e.path("disk2/Documents")+": does not exist (disc not mounted?)\n")
	assert.Equal(t, "a", readFile(t, e.path("disk1/Documents/a.txt")))

	require.NoError(t, os.RemoveAll(e.path("disk1")))
	r = e.run(t, "--backup", e.path("Documents/a.txt"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, `micsync: error: no BACKUP of configuration "documents" is reachable`)
}

func TestBackupWholeLocationRootAndRelativePaths(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a/b.txt", "b")
	e.mkfile(t, "Documents/c.txt", "c")
	r := e.run(t, "backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "b", readFile(t, e.path("disk1/Documents/a/b.txt")))
	assert.Equal(t, "c", readFile(t, e.path("disk2/Documents/c.txt")))
	assert.False(t, exists(e.path("disk1/Documents/Documents")), "a root is synced as its contents")

	e.mkfile(t, "Documents/a/d.txt", "d")
	e.Dir = e.path("Documents/a")
	r = e.run(t, "--backup", "d.txt")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "d", readFile(t, e.path("disk1/Documents/a/d.txt")))
}

func TestBackupFromBackupSidePath(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/x/new.txt", "new")
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents/x"), 0o755))
	require.NoError(t, os.MkdirAll(e.path("disk2/Documents/x"), 0o755))
	// The path is given in a BACKUP; the direction still comes from the action.
	r := e.run(t, "--backup", e.path("disk1/Documents/x"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "WORKING: "+e.path("Documents")+" (the only one reachable)")
	assert.Equal(t, "new", readFile(t, e.path("disk2/Documents/x/new.txt")))
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/x/new.txt")))
}

func TestDryRunChangesNothing(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	e.mkfile(t, "Documents/m.txt", "new")
	e.mkfile(t, "disk1/Documents/m.txt", "old")
	setMtime(t, e.path("disk1/Documents/m.txt"), past)
	r := e.run(t, "--backup", "-n", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "dry run: nothing was changed")
	assert.Contains(t, r.Stdout, "~ m.txt")
	assert.False(t, exists(e.path("disk1/Documents/a.txt")))
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/m.txt")))
}

func TestWorkRestoresAndDeletesOnlyWhenAsked(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/proj/kept.txt", "from backup")
	e.mkfile(t, "Documents/proj/extra.txt", "only in working")
	e.mkfile(t, "Documents/proj/kept.txt", "")
	require.NoError(t, os.Remove(e.path("Documents/proj/kept.txt")))

	// Without -d nothing is deleted.
	r := e.run(t, "--work", e.path("Documents/proj"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "BACKUP: "+e.path("disk1/Documents")+" (the only one reachable)")
	assert.Equal(t, "from backup", readFile(t, e.path("Documents/proj/kept.txt")))
	assert.True(t, exists(e.path("Documents/proj/extra.txt")))

	// -d asks; --no answers it.
	r = e.run(t, "--work", "-d", "--no", e.path("Documents/proj"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "- proj/extra.txt")
	assert.True(t, exists(e.path("Documents/proj/extra.txt")))

	// -d with no terminal and no answer fails before changing anything.
	r = e.run(t, "--work", "-d", e.path("Documents/proj"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: hint: answer with -D to delete them, or --yes / --no")
	assert.True(t, exists(e.path("Documents/proj/extra.txt")))

	r = e.run(t, "--work", "-d", "--yes", e.path("Documents/proj"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("Documents/proj/extra.txt")))
	assert.Contains(t, r.Stdout, "1 entry deleted")

	e.mkfile(t, "Documents/proj/extra2.txt", "x")
	r = e.run(t, "--work", "-D", e.path("Documents/proj"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("Documents/proj/extra2.txt")), "-D deletes without asking")
}

func TestWorkChoosesTheSourceBackup(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "disk1/Documents/f.txt", "disk1")
	e.mkfile(t, "disk2/Documents/f.txt", "disk2")
	e.mkfile(t, "Documents/g.txt", "g")

	r := e.run(t, "--work", e.path("Documents/g.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: there are several BACKUPs to choose from and there is no terminal to ask on")
	assert.Contains(t, r.Stderr, "--from ROOT (one of: "+e.path("disk1/Documents")+", "+e.path("disk2/Documents")+")")

	// Paths in a BACKUP: that BACKUP is the source, the one WORKING the destination.
	r = e.run(t, "--work", e.path("disk2/Documents/f.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "disk2", readFile(t, e.path("Documents/f.txt")))

	require.NoError(t, os.Remove(e.path("Documents/f.txt")))
	r = e.run(t, "--work", "--from", e.path("disk1/Documents"), e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "disk1", readFile(t, e.path("Documents/f.txt")))

	r = e.run(t, "--work", "--from", e.path("Documents"), e.path("Documents"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "is not a BACKUP of configuration")
}

func TestTransferBetweenBackups(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "disk1/Documents/t/a.txt", "a")
	e.mkfile(t, "disk2/Documents/t/stale.txt", "stale")
	r := e.run(t, "--transfer", "-D", e.path("disk1/Documents/t"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "a", readFile(t, e.path("disk2/Documents/t/a.txt")))
	assert.False(t, exists(e.path("disk2/Documents/t/stale.txt")))
	assert.False(t, exists(e.path("Documents/t")), "the WORKING is not touched")

	require.NoError(t, os.RemoveAll(e.path("disk2")))
	r = e.run(t, "--transfer", e.path("disk1/Documents/t"))
	assert.Equal(t, 1, r.Code)
	assert.Contains(t, r.Stderr, `micsync: error: transfer needs two reachable BACKUPs in configuration "documents"; 1 reachable`)
}

func TestTransferChoosesDestinations(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "c", "work": ["~/w"], "backup": ["~/b1", "~/b2", "~/b3"]}]}`)
	for _, d := range []string{"w", "b1", "b2", "b3"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	e.mkfile(t, "b1/x.txt", "x")
	r := e.run(t, "--transfer", e.path("b1/x.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "--to ROOT (repeatable)")

	r = e.run(t, "--transfer", "--to", e.path("b3"), e.path("b1/x.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("b3/x.txt")))
	assert.False(t, exists(e.path("b2/x.txt")))
}

func TestTreeCreatesDirectoriesOnly(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/p/q/r/file.txt", "f")
	e.mkfile(t, "disk1/Documents/p/top.txt", "f")
	e.mkfile(t, "Documents/p/mine.txt", "mine")

	r := e.run(t, "--tree", e.path("Documents/p"))
	require.Equal(t, 0, r.Code, r.Stderr)
	fi, err := os.Stat(e.path("Documents/p/q/r"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.False(t, exists(e.path("Documents/p/q/r/file.txt")))
	assert.False(t, exists(e.path("Documents/p/top.txt")))
	assert.Equal(t, "mine", readFile(t, e.path("Documents/p/mine.txt")))
	assert.NotContains(t, r.Stderr, "terminal", "tree asks nothing")
}

func TestMissingDestinationParentsAreMade(t *testing.T) {
	e := docsOneBackup(t)
	// A new folder selected in a file manager: its parents are not in the BACKUP yet.
	e.mkfile(t, "Documents/newtop/sub/file.txt", "f")
	e.mkfile(t, "Documents/newtop/other.txt", "not named")
	require.NoError(t, os.Chmod(e.path("Documents/newtop"), 0o700))

	r := e.run(t, "--backup", e.path("Documents/newtop/sub"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "    + newtop/\n", "the missing directory is listed as new")
	assert.Equal(t, "f", readFile(t, e.path("disk1/Documents/newtop/sub/file.txt")))
	assert.False(t, exists(e.path("disk1/Documents/newtop/other.txt")), "only the named path is copied")
	fi, err := os.Stat(e.path("disk1/Documents/newtop"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "made with the source's attributes")

	// The other way: into WORKING, directories and the named file only.
	e.mkfile(t, "disk1/Documents/b/c/file.txt", "f")
	e.mkfile(t, "disk1/Documents/b/top.txt", "not named")
	r = e.run(t, "--work", e.path("disk1/Documents/b/c/file.txt"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "f", readFile(t, e.path("Documents/b/c/file.txt")))
	assert.False(t, exists(e.path("Documents/b/top.txt")))

	// Something in the way that is not a directory is never replaced.
	e.mkfile(t, "Documents/x/y/z.txt", "z")
	e.mkfile(t, "disk1/Documents/x", "a file where the directory should be")
	r = e.run(t, "--backup", e.path("Documents/x/y"))
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: "+e.path("disk1/Documents/x")+" is not a directory in BACKUP "+e.path("disk1/Documents"))
	assert.Equal(t, "a file where the directory should be", readFile(t, e.path("disk1/Documents/x")))
}

func TestRestoreByTheWorkingPath(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/letters/letter9.txt", "dear")
	r := e.run(t, "--backup", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	require.NoError(t, os.RemoveAll(e.path("Documents/letters")))

	r = e.run(t, "--work", e.path("Documents/letters/letter9.txt"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "letter9.txt is not in WORKING "+e.path("Documents/letters")+": found in BACKUP "+e.path("disk1/Documents/letters")+"\n")
	assert.Equal(t, "dear", readFile(t, e.path("Documents/letters/letter9.txt")))

	r = e.run(t, "--work", e.path("Documents/letters/letter10.txt"))
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: letter10.txt exists neither in WORKING "+e.path("Documents/letters")+" nor in BACKUP "+e.path("disk1/Documents/letters")+"\n", r.Stderr)
	assert.False(t, exists(e.path("Documents/letters/letter10.txt")))
}

func TestANewerCopyInTheBackupIsShownAndCounted(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/report.txt", "old draft")
	e.mkfile(t, "disk1/Documents/report.txt", "edited on the laptop, copied to the disc")
	setMtime(t, e.path("Documents/report.txt"), past)
	later := time.Date(2025, 1, 2, 3, 4, 5, 0, time.Local)
	setMtime(t, e.path("disk1/Documents/report.txt"), later)
	e.Env = append(e.Env, "TZ=UTC")

	r := e.run(t, "--backup", "--no", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  newer in BACKUP (its copy is newer than the one in WORKING):\n"+
		"    ~ report.txt  WORKING "+past.Format("2006-01-02 15:04:05")+", 9 B; BACKUP "+later.UTC().Format("2006-01-02 15:04:05")+", 40 B\n")
	assert.Equal(t, "edited on the laptop, copied to the disc", readFile(t, e.path("disk1/Documents/report.txt")))

	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 1 modified entry in " + e.path("disk1/Documents") + " (1 is newer there)?")
	s.SendLine("n")
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "edited on the laptop, copied to the disc", readFile(t, e.path("disk1/Documents/report.txt")))
}

func TestOriginalCommandLineForms(t *testing.T) {
	for _, args := range [][]string{
		{"--backup", "-ms", "PATH"},
		{"-ms", "--backup", "PATH"},
		{"backup", "-ms", "PATH"},
		{"--backup", "PATH", "-s", "-m"},
		{"--backup", "-m", "--", "PATH"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			e := docs(t)
			e.mkfile(t, "Documents/n.txt", "new")
			e.mkfile(t, "disk1/Documents/n.txt", "old")
			setMtime(t, e.path("disk1/Documents/n.txt"), past)
			for i, a := range args {
				if a == "PATH" {
					args[i] = e.path("Documents/n.txt")
				}
			}
			r := e.run(t, args...)
			require.Equal(t, 0, r.Code, r.Stderr)
			assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/n.txt")), "-m overwrote without asking")
		})
	}
}

func TestPathThatStartsWithADash(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/-rf", "dash")
	e.mkfile(t, "Documents/--delete", "dashes")
	e.Dir = e.path("Documents")
	r := e.run(t, "--backup", "--", "-rf", "--delete")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "dash", readFile(t, e.path("disk1/Documents/-rf")))
	assert.Equal(t, "dashes", readFile(t, e.path("disk2/Documents/--delete")))
}

func TestOddNamesAreCopiedAndShownEscaped(t *testing.T) {
	e := docs(t)
	names := []string{"space name.txt", "new\nline.txt", "tab\there", "caf\xe9", `quote'"`, "star*?["}
	for _, n := range names {
		e.mkfile(t, "Documents/odd/"+n, n)
	}
	r := e.run(t, "--backup", e.path("Documents/odd"))
	require.Equal(t, 0, r.Code, r.Stderr)
	for _, n := range names {
		assert.Equal(t, n, readFile(t, e.path("disk1/Documents/odd/"+n)))
	}
	assert.Contains(t, r.Stdout, `+ "odd/new\nline.txt"`, "a newline is shown escaped")
	assert.Contains(t, r.Stdout, `+ "odd/caf\xe9"`, "a byte that is not UTF-8 is shown escaped")
	assert.Contains(t, r.Stdout, "+ odd/space name.txt")
}

func TestSymlinkPathIsSyncedAsALink(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/target/inside.txt", "t")
	require.NoError(t, os.Symlink("target", e.path("Documents/link")))
	r := e.run(t, "--backup", e.path("Documents/link"))
	require.Equal(t, 0, r.Code, r.Stderr)
	dest, err := os.Readlink(e.path("disk1/Documents/link"))
	require.NoError(t, err, "the BACKUP holds a symlink")
	assert.Equal(t, "target", dest)
	assert.False(t, exists(e.path("disk1/Documents/target")))
}

func TestVerbosePrintsCommandsAndAsks(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/v w.txt", "v")
	r := e.run(t, "--backup", "-v", e.path("Documents/v w.txt"))
	assert.Equal(t, 2, r.Code, "-v asks before running, and there is no terminal")
	assert.Contains(t, r.Stderr, "answer with --yes")
	assert.False(t, exists(e.path("disk1/Documents/v w.txt")))

	r = e.run(t, "--backup", "-v", "--no", e.path("Documents/v w.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, exists(e.path("disk1/Documents/v w.txt")), "--no declines every command")

	r = e.run(t, "--backup", "-v", "--yes", e.path("Documents/v w.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("disk1/Documents/v w.txt")))
	// The printed dry run is a command that a shell runs as it is.
	var dry string
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.HasPrefix(l, "$ LC_ALL=C rsync -n ") {
			dry = strings.TrimPrefix(l, "$ ")
			break
		}
	}
	require.NotEmpty(t, dry, r.Stdout)
	assert.Contains(t, dry, "'"+e.path("Documents/v w.txt")+"'")
	out, err := exec.Command("bash", "-c", dry).CombinedOutput()
	require.NoError(t, err, string(out))
}

func TestOneFailingDestinationDoesNotStopTheOthers(t *testing.T) {
	e := docs(t)
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents")).Code, "micsync's directory is made in each")
	e.mkfile(t, "Documents/f.txt", "f")
	if out, err := exec.Command("chattr", "+i", e.path("disk1/Documents")).CombinedOutput(); err != nil {
		t.Skipf("cannot make a directory immutable here (chattr +i: %v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", e.path("disk1/Documents")).Run() })

	r := e.run(t, "--backup", e.path("Documents/f.txt"))
	assert.Equal(t, 1, r.Code)
	assert.Equal(t, "f", readFile(t, e.path("disk2/Documents/f.txt")), "the other BACKUP is done")
	assert.Contains(t, r.Stdout, "FAILED  "+e.path("disk1/Documents"))
	assert.Contains(t, r.Stdout, "ok      "+e.path("disk2/Documents"))
	assert.Contains(t, r.Stderr, "Operation not permitted", "rsync's own message is shown")
	assert.Contains(t, r.Stderr, e.path("disk1/Documents")+": rsync", "prefixed with its destination")
	assert.Contains(t, r.Stderr, "micsync: error: 1 destination of 2 failed")

	// One destination at a time gives the same result.
	e.mkfile(t, "Documents/g.txt", "g")
	r = e.run(t, "--backup", "--jobs", "1", e.path("Documents/g.txt"))
	assert.Equal(t, 1, r.Code)
	assert.Equal(t, "g", readFile(t, e.path("disk2/Documents/g.txt")))
}

// One WORKING backed up by two configurations, to their own BACKUPs: a path in it names the
// configuration to use.
func TestSeveralConfigurations(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [
		{"name": "usb", "work": ["~/w"], "backup": ["~/b-usb"]},
		{"name": "nas", "work": ["~/w/"], "backup": ["~/b-nas"]}]}`)
	for _, d := range []string{"w/sub", "b-usb/sub", "b-nas/sub"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	e.mkfile(t, "w/sub/f.txt", "f")
	r := e.run(t, "--backup", e.path("w/sub/f.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: hint: answer with --configuration NAME (one of: usb, nas)")

	r = e.run(t, "--backup", "--configuration", "nas", e.path("w/sub/f.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("b-nas/sub/f.txt")))
	assert.False(t, exists(e.path("b-usb/sub/f.txt")))

	r = e.run(t, "--backup", "--configuration", "nope", e.path("w/sub/f.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, `configuration "nope" has no location holding the paths`)
}

// A WORKING inside another configuration's WORKING is refused, whichever comes first in the
// file, and init --add refuses to write one.
func TestNestedWorkingsOfTwoConfigurationsAreRefused(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, os.MkdirAll(e.path("w/sub"), 0o755))
	for _, tt := range []struct{ config, problem string }{
		{`{"configs": [
		{"name": "all", "work": ["~/w"], "backup": ["~/b-all"]},
		{"name": "sub", "work": ["~/w/sub"], "backup": ["~/b-sub"]}]}`,
			`configuration "sub": WORKING ` + e.path("w/sub") + ` is inside WORKING ` + e.path("w") + ` of configuration "all"`},
		{`{"configs": [
		{"name": "sub", "work": ["~/w/sub"], "backup": ["~/b-sub"]},
		{"name": "all", "work": ["~/w"], "backup": ["~/b-all"]}]}`,
			`configuration "all": WORKING ` + e.path("w/sub") + ` of configuration "sub" is inside WORKING ` + e.path("w")},
	} {
		e.writeConfig(t, tt.config)
		r := e.run(t, "check")
		assert.Equal(t, 2, r.Code, r)
		assert.Empty(t, r.Stdout)
		assert.Equal(t, "micsync: error: config "+e.path(".micsync.json")+": "+tt.problem+"\n"+
			"micsync: hint: fix the file, then run micsync check again\n", r.Stderr)
	}

	old := `{"configs": [{"name": "all", "work": ["~/w"], "backup": ["~/b-all"]}]}`
	e.writeConfig(t, old)
	r := e.run(t, "init", "--add", "--name", "sub", "--work", e.path("w/sub"), "--backup", "/nonexistent/b-sub")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `micsync: error: `)
	assert.Contains(t, r.Stderr, `configuration "sub": WORKING `+e.path("w/sub")+` is inside WORKING `+e.path("w")+` of configuration "all"`)
	assert.Contains(t, r.Stderr, "micsync: hint: nothing was written")
	assert.Equal(t, old, readFile(t, e.path(".micsync.json")), "the file is unchanged")

	r = e.run(t, "init", "--add", "--name", "nas", "--work", e.path("w"), "--backup", "/nonexistent/b-nas")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, `added configuration "nas" to `+e.path(".micsync.json"), "the same WORKING is fine")
}

func TestBadInputIsOneClearError(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a/x.txt", "x")
	e.mkfile(t, "Documents/b/y.txt", "y")
	e.mkfile(t, "elsewhere.txt", "z")
	cases := []struct {
		args []string
		msg  string
		hint string // in the hint lines, when not ""
	}{
		{[]string{"--backup", e.path("Documents/nope.txt")}, "does not exist", ""},
		{[]string{"--backup", e.path("Documents/a/x.txt"), e.path("Documents/b/y.txt")}, "same directory",
			"micsync: hint: name the paths of one directory at a time: run micsync once for each directory"},
		{[]string{"--backup", e.path("elsewhere.txt")}, "is not inside any location", ""},
		{[]string{"--backup", "--work", e.path("Documents/a")}, "--backup and --work cannot be used together", ""},
		{[]string{"--backup", "-d", e.path("Documents/a")}, "--backup never deletes: -d is an option of --work and --transfer", ""},
		{[]string{"--bakup", e.path("Documents/a")}, "unknown flag --bakup: did you mean --backup?", ""},
		{[]string{"--backup", "--dry-rnu", e.path("Documents/a")}, "unknown flag --dry-rnu: did you mean --dry-run?",
			"micsync: hint: run micsync help backup for its options"},
		{[]string{"--backup", "--configfile", e.path(".micsync.json"), e.path("Documents/a")},
			"unknown flag --configfile: did you mean --config-file?", ""},
		{[]string{"--backup", "--delete", e.path("Documents/a")}, "--backup never deletes: --delete is an option of --work and --transfer", ""},
		{[]string{"init", "--dry-run"}, "unknown flag --dry-run",
			"micsync: hint: --dry-run is an option of backup, work, transfer, tree, prune, trash restore; not of init"},
		{[]string{"--work"}, "expected", ""},
		{[]string{"--backup"}, "backup needs the paths to copy", "micsync: hint: name them: micsync backup PATH..."},
		{[]string{"--work", "-d", "-D", e.path("Documents/a")}, "can't be used together", ""},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			before := tree(t, e.Home)
			r := e.run(t, c.args...)
			assert.Equal(t, 2, r.Code)
			lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
			require.NotEmpty(t, lines)
			assert.True(t, strings.HasPrefix(lines[0], "micsync: error: "), r.Stderr)
			assert.Contains(t, lines[0], c.msg)
			if c.hint != "" {
				assert.Contains(t, lines[1:], c.hint)
			}
			for _, l := range lines[1:] {
				assert.True(t, strings.HasPrefix(l, "micsync: hint: "), r.Stderr)
			}
			assert.NotContains(t, r.Stderr, "goroutine")
			assert.Equal(t, before, tree(t, e.Home), "nothing changed on disc")
		})
	}
}

// A file whose name starts with - is taken for options: the error says to put -- before it, and
// the command line that the hint shows backs it up.
func TestADashPathGetsAHint(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/-x", "dash")
	e.mkfile(t, "Documents/-weird.txt", "weird")
	e.Dir = e.path("Documents")
	before := tree(t, e.Home)
	r := e.run(t, "--backup", "-weird.txt")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: unknown flag -w in -weird.txt\n"+
		"micsync: hint: a path that starts with - is taken for options: put -- before the paths: micsync --backup -- -weird.txt\n"+
		"micsync: hint: run micsync help backup for its options\n", r.Stderr)
	assert.Equal(t, before, tree(t, e.Home), "nothing changed on disc")

	r = e.run(t, "--backup", "-s", "-x")
	assert.Equal(t, 2, r.Code, r)
	const hint = "micsync: hint: a path that starts with - is taken for options: put -- before the paths: micsync "
	_, line, ok := strings.Cut(r.Stderr, hint)
	require.True(t, ok, r.Stderr)
	line, _, _ = strings.Cut(line, "\n")
	assert.Equal(t, "--backup -s -- -x", line)
	r = e.run(t, strings.Fields(line)...)
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "dash", readFile(t, e.path("disk1/Documents/-x")))
	assert.NoFileExists(t, e.path("disk1/Documents/-weird.txt"), "only the path named")
}

func TestConfigErrors(t *testing.T) {
	e := newEnv(t)
	e.mkfile(t, "w/a.txt", "a")
	r := e.run(t, "--backup", e.path("w/a.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: config file "+e.path(".micsync.json")+" not found")
	assert.Contains(t, r.Stderr, "micsync: hint: create it")

	e.writeConfig(t, "{\"configs\": [\n  {\"name\": \"x\",}\n]}")
	r = e.run(t, "--backup", e.path("w/a.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: config "+e.path(".micsync.json")+": trailing comma at line 2, column 15: JSON allows no comma after the last item of a list or an object\n")

	// A misspelt key is named, with the key it probably means, and nothing is copied.
	require.NoError(t, os.MkdirAll(e.path("disk"), 0o755))
	e.writeConfig(t, "{\"configs\": [\n  {\"name\": \"docs\", \"work\": [\"~/w\"],\n   \"bakup\": [\"~/disk\"]}\n]}")
	r = e.run(t, "--backup", e.path("w/a.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Equal(t, "micsync: error: config "+e.path(".micsync.json")+`: configuration "docs": unknown key "bakup" at line 3, column 4: did you mean "backup"?`+"\n", r.Stderr)
	assert.False(t, exists(e.path("disk/a.txt")))

	e.writeConfig(t, `{"configs": [{"name": "loop", "work": ["~/w"], "backup": ["~/w/backup"]}]}`)
	r = e.run(t, "--backup", e.path("w/a.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, `configuration "loop"`)
	assert.Contains(t, r.Stderr, "inside")

	// --config-file and MICSYNC_CONFIG name another file.
	other := e.path("other.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"configs": [{"name": "o", "work": ["w"], "backup": ["b"]}]}`), 0o644))
	require.NoError(t, os.MkdirAll(e.path("b"), 0o755))
	r = e.run(t, "--backup", "--config-file", other, e.path("w/a.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("b/a.txt")), "relative locations are relative to the config file's directory")

	e.Env = []string{"MICSYNC_CONFIG=" + other}
	e.mkfile(t, "w/b.txt", "b")
	r = e.run(t, "--backup", e.path("w/b.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("b/b.txt")))
}

func TestHelpAndVersion(t *testing.T) {
	e := docs(t)
	r := e.run(t, "--backup", "--help")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "micsync backup")
	assert.Contains(t, r.Stdout, "--modified")
	assert.NotContains(t, r.Stdout, "--delete-without-asking", "backup never deletes")
	h := e.run(t, "help", "backup")
	require.Equal(t, 0, h.Code, h)
	assert.Equal(t, r.Stdout, h.Stdout, "micsync help backup is micsync --backup --help")

	r = e.run(t, "help")
	require.Equal(t, 0, r.Code, r)
	for _, c := range []string{"backup", "trash restore", "init", "completion", "man", "help"} {
		assert.Contains(t, r.Stdout, "\n  "+c+" ", "micsync help lists %s", c)
	}
	r = e.run(t, "help", "bakup")
	assert.Equal(t, 2, r.Code)
	assert.Equal(t, "micsync: error: no help for bakup\n"+
		"micsync: hint: micsync help COMMAND, where COMMAND is one of: backup, work, transfer, tree, prune, mark, trash, verify, status, log, init, check, completion, man, help\n", r.Stderr)

	r = e.run(t, "--version")
	require.Equal(t, 0, r.Code)
	assert.Equal(t, "micsync e2e-test\n", r.Stdout)

	r = e.run(t)
	assert.Equal(t, 0, r.Code)
	assert.Contains(t, r.Stderr, "micsync --backup PATH")
}

// tree lists every entry below dir with its content, to compare before and after.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && fi.Name() == disc.Name {
			return filepath.SkipDir // micsync's own directory, with the lock it leaves: not the user's files
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.IsDir() && rel == filepath.Join(".local", "state", "micsync"):
			return filepath.SkipDir // micsync's state, with the record of every run, refused ones too
		case fi.IsDir() && (rel == ".local" || rel == filepath.Join(".local", "state")):
			return nil // made for it
		}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%s|%d", b, fi.ModTime().UnixNano())
		} else {
			out[rel] = fi.Mode().String()
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func TestTypeChangeIsAskedAsModified(t *testing.T) {
	e := docsOneBackup(t)
	// In the WORKING "report" became a file; the BACKUP still has the directory.
	e.mkfile(t, "Documents/report", "now a file")
	e.mkfile(t, "disk1/Documents/report/chapter1.txt", "precious")

	r := e.run(t, "--backup", "--no", e.path("Documents/report"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "! report")
	assert.Equal(t, "precious", readFile(t, e.path("disk1/Documents/report/chapter1.txt")), "declined: the directory stays")

	r = e.run(t, "--backup", e.path("Documents/report"))
	assert.Equal(t, 2, r.Code, "a type change is a question, like a modified file")
	assert.Contains(t, r.Stderr, "modified files to overwrite")

	r = e.run(t, "--backup", "-m", e.path("Documents/report"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "now a file", readFile(t, e.path("disk1/Documents/report")))
}

func TestHideDirsAndFullLists(t *testing.T) {
	e := docsOneBackup(t)
	for i := 0; i < 25; i++ {
		e.mkfile(t, fmt.Sprintf("Documents/many/sub%02d/f.txt", i), "x")
	}
	r := e.run(t, "--backup", "-n", e.path("Documents/many"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "new directories")
	assert.Contains(t, r.Stdout, "+ many/sub00/\n")
	assert.Contains(t, r.Stdout, "... and 5 more (--full lists them all)")
	assert.NotContains(t, r.Stdout, "many/sub24/f.txt")

	r = e.run(t, "--backup", "-n", "--full", "-s", e.path("Documents/many"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "many/sub24/f.txt")
	assert.NotContains(t, r.Stdout, "+ many/sub00/\n", "-s hides new directories from the lists")
	assert.NotContains(t, r.Stdout, "more (--full")

	list := e.path("plan.txt")
	r = e.run(t, "--backup", "-n", "--list-file", list, e.path("Documents/many"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "every change of the plans is listed in "+list)
	assert.Contains(t, r.Stdout, "... and 5 more", "the terminal still gets the short lists")
	written := readFile(t, list)
	assert.Contains(t, written, "# to BACKUP "+e.path("disk1/Documents")+"\n")
	assert.Equal(t, 25+25+1+1, strings.Count(written, "\n"), "every file and directory, and a heading")
	assert.Contains(t, written, "+ many/sub24/f.txt\n")
}

func TestExampleConfigIsValid(t *testing.T) {
	e := newEnv(t)
	e.mkfile(t, "x.txt", "x")
	example, err := filepath.Abs("../micsync.json.example")
	require.NoError(t, err)
	r := e.run(t, "--backup", "--config-file", example, e.path("x.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "is not inside any location of config "+example, "the example loads and validates")
}

func TestAnswerFlagsCombine(t *testing.T) {
	e := docsOneBackup(t)
	setup := func() {
		e.mkfile(t, "disk1/Documents/m.txt", "backup version")
		e.mkfile(t, "Documents/m.txt", "working version")
		setMtime(t, e.path("Documents/m.txt"), past)
		e.mkfile(t, "Documents/extra.txt", "only in working")
	}
	setup()
	// -m --no: overwrite modified files, delete nothing.
	r := e.run(t, "--work", "-d", "-m", "--no", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "backup version", readFile(t, e.path("Documents/m.txt")))
	assert.True(t, exists(e.path("Documents/extra.txt")))

	setup()
	// -D --no: delete, overwrite nothing.
	r = e.run(t, "--work", "-D", "--no", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "working version", readFile(t, e.path("Documents/m.txt")))
	assert.False(t, exists(e.path("Documents/extra.txt")))
}

func TestBackupToChosenBackupsOnly(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	r := e.run(t, "--backup", "--to", e.path("disk2/Documents"), e.path("Documents/a.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("disk2/Documents/a.txt")))
	assert.False(t, exists(e.path("disk1/Documents/a.txt")))

	r = e.run(t, "--backup", "--to", e.path("Documents"), e.path("Documents/a.txt"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "is not a BACKUP of configuration")
}

// A new user's first week: back up, change a file, back up again (asked), lose a file, restore it.
func TestNewUserStory(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "docs", "work": ["~/Documents"], "backup": ["~/usb/Documents"]}]}`)
	require.NoError(t, os.MkdirAll(e.path("usb/Documents"), 0o755))
	e.mkfile(t, "Documents/letter.txt", "Dear Sir")
	e.mkfile(t, "Documents/photos/cat.jpg", "meow")

	r := e.run(t, "--backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "meow", readFile(t, e.path("usb/Documents/photos/cat.jpg")))

	setMtime(t, e.path("usb/Documents/letter.txt"), past) // the backup is older
	e.mkfile(t, "Documents/letter.txt", "Dear Madam")
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("~ letter.txt")
	s.Expect("Overwrite 1 modified entry")
	s.SendLine("y")
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "Dear Madam", readFile(t, e.path("usb/Documents/letter.txt")))

	require.NoError(t, os.Remove(e.path("Documents/photos/cat.jpg")))
	r = e.run(t, "--work", e.path("Documents/photos"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "+ photos/cat.jpg")
	assert.Equal(t, "meow", readFile(t, e.path("Documents/photos/cat.jpg")))
}

func TestToTakesAPathWithAComma(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "c", "work": ["~/w"], "backup": ["~/b,1", "~/b2"]}]}`)
	for _, d := range []string{"w", "b,1", "b2"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	e.mkfile(t, "w/a.txt", "a")
	r := e.run(t, "--backup", "--to", e.path("b,1"), e.path("w/a.txt"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.True(t, exists(e.path("b,1/a.txt")))
	assert.False(t, exists(e.path("b2/a.txt")))
}
