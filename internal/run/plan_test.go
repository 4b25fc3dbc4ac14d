package run

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// unmountedBackup is oneBackup whose b1 is empty, as the mount point of a disc that is not
// mounted is, while w holds work.
func unmountedBackup(t *testing.T) *world {
	t.Helper()
	w := oneBackup(t)
	w.write("w/thesis.tex", "years of work")
	w.write("w/data/results.csv", "1,2,3")
	return w
}

func TestEmptySourceRefusesDeletion(t *testing.T) {
	t.Parallel()
	w := unmountedBackup(t)
	before := w.snapshot()
	e, out, errb := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{DeleteNoAsk: true, MaxDelete: "all"}, "w"))
	requireFailure(t, err, "refusing to delete 3 entries from "+w.path("w")+": the source "+w.path("b1")+
		" is empty, which looks like a disc that is not mounted",
		"check that the source disc is mounted; if the source is really empty, --allow-empty-source deletes anyway")
	w.unchanged(before)
	assert.True(t, hasLine(out.String(), "FAILED  "+w.path("w")+": not planned"), out)
	assert.Empty(t, errb.String(), "the one destination's error is the run's: the caller reports it once")
}

func TestSourceWithOnlyMicsyncsOwnFilesIsEmpty(t *testing.T) {
	t.Parallel()
	w := unmountedBackup(t)
	w.write("b1/.micsync-trash/20250101T000000Z/old.txt", "old")
	w.write("b1/.micsync-location", "{}")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{DeleteNoAsk: true, MaxDelete: "all"}, "w"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refusing to delete 3 entries from "+w.path("w"))
	w.unchanged(before)
}

func TestEmptyNamedSourceRefusesDeletion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		setup      func(w *world)
		is, really string
	}{
		{"an empty directory", func(w *world) { require.NoError(t, os.Mkdir(w.path("b1/data"), 0o755)) }, " is empty", "empty"},
		{"missing from the source", func(*world) {}, " does not exist", "gone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := unmountedBackup(t)
			w.write("b1/other.txt", "the disc is mounted")
			c.setup(w)
			before := w.snapshot()
			e, _, _ := w.env(prompt.NoTerminal{})
			err := Run(e, w.req(Work, Options{DeleteNoAsk: true}, "w/data"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "refusing to delete")
			assert.Contains(t, err.Error(), "from "+w.path("w/data")+": the source "+w.path("b1/data")+c.is+", which looks like a disc that is not mounted")
			assert.Equal(t, []string{"check that the source disc is mounted; if the source is really " + c.really + ", --allow-empty-source deletes anyway"}, ui.Hints(err))
			w.unchanged(before)
		})
	}
}

func TestNamedSourceThatIsAFileIsNotEmpty(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/p/extra.txt", "x")
	w.write("b1/p", "a file now")
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{DeleteNoAsk: true, Overwrite: true, MaxDelete: "all"}, "w/p")))
	assert.Equal(t, "a file now", w.read("w/p"), "the directory was replaced by the file")
	assert.Equal(t, []string{"x"}, w.trashed("w", "p/extra.txt"))
}

func TestAllowEmptySourceDeletes(t *testing.T) {
	t.Parallel()
	w := unmountedBackup(t)
	require.NoError(t, os.Mkdir(w.path("b1/data"), 0o755))
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{DeleteNoAsk: true, AllowEmptySource: true}, "w/data")))
	assert.False(t, w.exists("w/data/results.csv"))
	assert.Equal(t, []string{"1,2,3"}, w.trashed("w", "data/results.csv"), "the trash keeps what was deleted")
	assert.Equal(t, "years of work", w.read("w/thesis.tex"))
}

func TestMissingParentsAreMadeInTheBackup(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/deep/er/file.txt", "f")
	w.write("w/deep/sibling.txt", "not named")
	require.NoError(t, os.Chmod(w.path("w/deep"), 0o750))

	// A dry run lists the missing directories as new and makes nothing.
	before := w.snapshot()
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true}, "w/deep/er/file.txt")))
	assert.Contains(t, out.String(), "to BACKUP "+w.path("b1")+"\n", out)
	assert.Contains(t, out.String(), "    + deep/\n", out)
	assert.Contains(t, out.String(), "    + deep/er/\n", out)
	assert.Contains(t, out.String(), "    + deep/er/file.txt\n", out)
	w.unchanged(before)

	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/deep/er/file.txt")))
	assert.Equal(t, "f", w.read("b1/deep/er/file.txt"))
	assert.False(t, w.exists("b1/deep/sibling.txt"), "only the named path is copied")
	fi, err := os.Stat(w.path("b1/deep"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o750), fi.Mode().Perm(), "a made directory has the source's attributes")
}

func TestMissingParentsAreMadeInWorkingAndForTransfer(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/b/c/file.txt", "f")
	w.write("b1/b/other.txt", "not named")
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{From: w.path("b1")}, "b1/b/c/file.txt")))
	assert.Equal(t, "f", w.read("w/b/c/file.txt"))
	assert.False(t, w.exists("w/b/other.txt"), "only the named path is copied")

	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Transfer, Options{To: []string{w.path("b2")}}, "b1/b/c")))
	assert.Equal(t, "f", w.read("b2/b/c/file.txt"))
	assert.False(t, w.exists("b2/b/other.txt"))

	w.write("b1/t/u/v/file.txt", "f")
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Tree, Options{From: w.path("b1")}, "b1/t/u/v")))
	fi, err := os.Stat(w.path("w/t/u/v"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.False(t, w.exists("w/t/u/v/file.txt"), "--tree makes directories only")
}

func TestAMissingLocationRootIsNeverMade(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/deep/file.txt", "f")
	e, _, _ := w.env(prompt.NoTerminal{})
	d := &dest{loc: locations.Location{Role: locations.Backup, Path: w.path("gone")}, job: rsyncplan.Job{SrcDir: w.path("w/deep"), DstDir: w.path("gone/deep"), Names: []string{"file.txt"}}}
	d.rsync = e.Reach.Runner(locations.Location{Role: locations.Work, Path: w.path("w")}, d.loc)
	err := e.reparent(Backup, locations.Location{Role: locations.Work, Path: w.path("w")}, d)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BACKUP "+w.path("gone")+" does not exist")
	assert.False(t, w.exists("gone"))
}

func TestMissingSourceDirectoryIsAFailure(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/p/f.txt", "f")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{}, "w/p/f.txt"))
	requireFailure(t, err, w.path("b1/p")+" does not exist in BACKUP "+w.path("b1"))
	w.unchanged(before)
}

func TestOneDestinationThatFailsToPlanDoesNotStopTheOther(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		o    Options
	}{
		{"at once", Options{}},
		{"one at a time", Options{Jobs: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := docsWorld(t)
			w.write("w/sub/f.txt", "f")
			w.write("b1/sub", "a file where b1's directory should be")
			require.NoError(t, os.Mkdir(w.path("b2/sub"), 0o755))
			e, out, errb := w.env(prompt.NoTerminal{})
			err := Run(e, w.req(Backup, c.o, "w/sub/f.txt"))
			requireFailure(t, err, "1 destination of 2 failed")
			assert.Equal(t, "f", w.read("b2/sub/f.txt"), "the other BACKUP is done")
			assert.Equal(t, "a file where b1's directory should be", w.read("b1/sub"))
			assert.Equal(t, "micsync: error: "+w.path("b1")+": "+w.path("b1/sub")+" is not a directory in BACKUP "+w.path("b1")+"\n"+
				"micsync: hint: move it out of the way, then run micsync --backup again\n", errb.String())
			assert.True(t, hasLine(out.String(), "FAILED  "+w.path("b1/sub")+": not planned"), out)
			assert.True(t, hasLine(out.String(), "ok      "+w.path("b2/sub")+": 1 file copied (1 B), flushed to the disc"), out)
		})
	}
}

func TestRsyncMissingSaysToInstallIt(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.envWithRsync(prompt.NoTerminal{}, "micsync-test-no-such-rsync")
	err := Run(e, w.req(Backup, Options{}, "w/a.txt"))
	requireFailure(t, err, "micsync-test-no-such-rsync not found in PATH: rsync is not installed",
		"install rsync (Debian: apt-get install rsync; Arch: pacman -S rsync)")
	w.unchanged(before)
}

func TestRsyncTooOldSaysToUpgrade(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	old := w.script("rsync", "echo 'rsync  version 2.6.9  protocol version 29'\n")
	before := w.snapshot()
	e, _, _ := w.envWithRsync(prompt.NoTerminal{}, old)
	err := Run(e, w.req(Backup, Options{}, "w/a.txt"))
	requireFailure(t, err, "rsync 2.6.9 is too old: micsync needs 3.1.0 or newer: rsync is too old",
		"install a newer rsync from your distribution")
	w.unchanged(before)
}

func TestRsyncWithoutAVersionFails(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	odd := w.script("rsync", "echo 'not rsync at all'\n")
	before := w.snapshot()
	e, _, _ := w.envWithRsync(prompt.NoTerminal{}, odd)
	err := Run(e, w.req(Backup, Options{}, "w/a.txt"))
	requireFailure(t, err, odd+" --version printed no version")
	w.unchanged(before)
}

// A named path that the source does not hold has nothing to copy: that is an error naming it,
// never "ok", and the other named paths are still done.
func TestANamedPathNotInTheSourceIsAnError(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("b1/only/g.txt", "only in the BACKUP")
	w.write("b1/a/old.txt", "old")
	w.write("b1/gone.txt", "deleted in WORKING")
	w.write("w/a/f.txt", "f")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "b1/only"))
	requireFailure(t, err, "only is not in WORKING "+w.path("w")+": nothing was copied for it",
		"to copy from a BACKUP to WORKING, run micsync --work with the same path")
	w.unchanged(before)

	e, out, _ := w.env(prompt.NoTerminal{})
	err = Run(e, w.req(Backup, Options{}, "b1/only", "b1/a", "b1/gone.txt"))
	requireFailure(t, err, "only, gone.txt are not in WORKING "+w.path("w")+": nothing was copied for them",
		"to copy from a BACKUP to WORKING, run micsync --work with the same path")
	assert.Equal(t, "f", w.read("b1/a/f.txt"), "the path that is there is copied")
	assert.Contains(t, out.String(), "ok      "+w.path("b1"))

	// A dry run says the same; a run that deletes plans the deletion instead.
	e, _, _ = w.env(prompt.NoTerminal{})
	err = Run(e, w.req(Backup, Options{DryRun: true}, "b1/only"))
	require.ErrorContains(t, err, "only is not in WORKING")
	w.write("w/x.txt", "only in WORKING")
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{DeleteNoAsk: true, Yes: true}, "w/a", "w/x.txt")))
	assert.False(t, w.exists("w/x.txt"), "deleted, as -D asks")
}

// micsync's own entries in a location's root are never synced: naming one, or a path inside
// one, says so instead of "up to date".
func TestMicsyncsOwnEntriesAreNotSynced(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/.micsync-trash/20260101T000000Z/old.txt", "kept")
	w.write("w/a.txt", "a")
	before := w.snapshot()
	for _, c := range []struct{ path, msg string }{
		{"w/.micsync-trash", ".micsync-trash is micsync's trash in WORKING " + w.path("w") + ": it is never synced"},
		{"w/.micsync-trash/20260101T000000Z/old.txt", ".micsync-trash is micsync's trash in WORKING " + w.path("w") + ": it is never synced"},
	} {
		e, _, _ := w.env(prompt.NoTerminal{})
		err := Run(e, w.req(Backup, Options{}, c.path))
		require.Error(t, err, c.path)
		assert.True(t, isUsage(err), "a usage error (exit status 2): %v", err)
		assert.EqualError(t, err, c.msg)
		assert.Equal(t, []string{"see what it holds with micsync trash list, and get a file back with micsync trash restore"}, hintsOrNil(err))
		w.unchanged(before)
	}
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")), "the whole location is backed up as before")
	assert.Equal(t, "a", w.read("b1/a.txt"))
	assert.False(t, w.exists("b1/.micsync-trash/20260101T000000Z"))
}

func TestRestoreByTheWorkingPath(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("b1/letters/letter9.txt", "dear")
	w.write("b1/letters/letter8.txt", "not named")
	w.write("w/letters/letter9.txt", "dear")

	// Deleted in WORKING, its directory too: the WORKING path still names it.
	require.NoError(t, os.RemoveAll(w.path("w/letters")))
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{}, "w/letters/letter9.txt")))
	assert.Equal(t, "dear", w.read("w/letters/letter9.txt"))
	assert.False(t, w.exists("w/letters/letter8.txt"), "only the named file")
	assert.True(t, hasLine(out.String(), "letter9.txt is not in WORKING "+w.path("w/letters")+": found in BACKUP "+w.path("b1/letters")), out)

	// --tree too.
	w.write("b1/a/b/c/f.txt", "f")
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Tree, Options{}, "w/a/b")))
	assert.True(t, w.exists("w/a/b/c"))
	assert.False(t, w.exists("w/a/b/c/f.txt"))

	// A path that exists nowhere is an error saying so, and changes nothing.
	before := w.snapshot()
	e, _, _ = w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{DeleteNoAsk: true}, "w/letters/nowhere.txt"))
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Equal(t, "nowhere.txt exists neither in WORKING "+w.path("w/letters")+" nor in BACKUP "+w.path("b1/letters"), err.Error())
	w.unchanged(before)

	// --backup cannot bring it from anywhere: it says how to get it back.
	require.NoError(t, os.Remove(w.path("w/letters/letter9.txt")))
	e, _, _ = w.env(prompt.NoTerminal{})
	err = Run(e, w.req(Backup, Options{}, "w/letters/letter9.txt"))
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Equal(t, []string{"to get it back from a BACKUP, run micsync --work " + w.path("w/letters/letter9.txt")}, ui.Hints(err))
	assert.Equal(t, "dear", w.read("b1/letters/letter9.txt"))
}
