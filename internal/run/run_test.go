package run

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/prompt"
)

func TestBackupCopiesToEveryBackupAndKeepsTimes(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.writeOld("w/taxes/2024.txt", "income")
	w.write("w/taxes/sub/receipt.txt", "receipt")
	w.write("w/other.txt", "not named")
	e, out, errb := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/taxes")))
	for _, b := range []string{"b1", "b2"} {
		assert.Equal(t, "income", w.read(b+"/taxes/2024.txt"))
		assert.Equal(t, "receipt", w.read(b+"/taxes/sub/receipt.txt"))
		fi, err := os.Stat(w.path(b + "/taxes/2024.txt"))
		require.NoError(t, err)
		assert.True(t, fi.ModTime().Equal(past), "the time is kept")
		assert.False(t, w.exists(b+"/other.txt"), "only the named path")
		assert.True(t, hasLine(out.String(), "ok      "+w.path(b)+": 2 files copied (13 B), 2 directories created, flushed to the disc"), out)
	}
	assert.Contains(t, out.String(), "    + taxes/2024.txt\n")
	assert.Empty(t, errb.String())
}

func TestTrashKeepsWhatIsOverwritten(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.writeOld("b1/notes.txt", "old notes")
	w.write("w/notes.txt", "new notes")
	w.writeOld("b1/sub/n.txt", "old n")
	w.write("w/sub/n.txt", "new n")
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w")))
	assert.Equal(t, "new notes", w.read("b1/notes.txt"))
	assert.Equal(t, []string{"old notes"}, w.trashed("b1", "notes.txt"))
	assert.Equal(t, []string{"old n"}, w.trashed("b1", "sub/n.txt"))
	assert.NotContains(t, out.String(), ".micsync-trash", "a trash is never part of a plan")

	// A path below the root keeps its place below the root in the trash.
	w.writeOld("b1/sub/n.txt", "older n")
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w/sub/n.txt")))
	assert.Equal(t, "new n", w.read("b1/sub/n.txt"))
	assert.ElementsMatch(t, []string{"old n", "older n"}, w.trashed("b1", "sub/n.txt"), "a trash run for each run")
}

func TestTrashKeepsWhatIsDeleted(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("b1/keep.txt", "k")
	w.write("w/keep.txt", "k")
	require.NoError(t, copyTime(w.path("b1/keep.txt"), w.path("w/keep.txt")))
	w.write("w/sub/gone.txt", "deleted by work -D")
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{DeleteNoAsk: true}, "b1")))
	assert.False(t, w.exists("w/sub"))
	assert.Equal(t, []string{"deleted by work -D"}, w.trashed("w", "sub/gone.txt"))
	assert.Equal(t, "k", w.read("w/keep.txt"))
}

func TestNoTrashKeepsNothing(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.writeOld("b1/n.txt", "old")
	w.write("w/n.txt", "new")
	w.write("w/gone.txt", "x")
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true, NoTrash: true}, "w/n.txt")))
	assert.Equal(t, "new", w.read("b1/n.txt"))
	assert.False(t, w.exists("b1/.micsync-trash"))

	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{DeleteNoAsk: true, NoTrash: true}, "w")))
	assert.False(t, w.exists("w/gone.txt"))
	assert.False(t, w.exists("w/.micsync-trash"))
}

func TestTrashAndMarkerAreNeverSynced(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/data.txt", "d")
	w.write("b1/.micsync-trash/20250101T000000Z/old.txt", "b1's trash")
	w.write("b2/.micsync-trash/20250101T000000Z/other.txt", "b2's trash")
	w.write("b1/.micsync-location", `{"configuration": "docs", "role": "BACKUP", "id": "b1"}`)
	w.write("b2/.micsync-location", `{"configuration": "docs", "role": "BACKUP", "id": "b2"}`)
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Transfer, Options{DeleteNoAsk: true, MaxDelete: "all"}, "b1")))
	assert.Equal(t, "d", w.read("b2/data.txt"))
	assert.Equal(t, "b2's trash", w.read("b2/.micsync-trash/20250101T000000Z/other.txt"), "not deleted")
	assert.False(t, w.exists("b2/.micsync-trash/20250101T000000Z/old.txt"), "not copied")
	assert.Contains(t, w.read("b2/.micsync-location"), `"id": "b2"`, "each disc keeps its own marker")
	assert.NotContains(t, out.String(), ".micsync")
}

func TestTreeCreatesDirectoriesOnlyAndAsksNothing(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("b1/p/q/r/file.txt", "f")
	w.write("b1/p/top.txt", "f")
	w.write("w/p/mine.txt", "mine")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Tree, Options{}, "w/p")))
	fi, err := os.Stat(w.path("w/p/q/r"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.False(t, w.exists("w/p/q/r/file.txt"))
	assert.False(t, w.exists("w/p/top.txt"))
	assert.Equal(t, "mine", w.read("w/p/mine.txt"), "nothing deleted")
	assert.False(t, w.exists("w/.micsync-trash"), "nothing to keep")
	assert.True(t, hasLine(out.String(), "tree from BACKUP "+w.path("b1")), out)
	assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": 2 directories created, flushed to the disc"), out)
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/a.txt", "a")
	w.write("w/m.txt", "new")
	w.writeOld("b1/m.txt", "old")
	w.write("b1/only-in-backup.txt", "x")
	before := w.snapshot()
	for _, req := range []Request{w.req(Backup, Options{DryRun: true}, "w"), w.req(Work, Options{DryRun: true, Delete: true}, "w")} {
		e, out, _ := w.env(scripted(t)) // no question: nothing would be done
		require.NoError(t, Run(e, req))
		assert.True(t, hasLine(out.String(), "dry run: nothing was changed"), out)
		assert.Contains(t, out.String(), "    ~ m.txt\n")
		assert.NotContains(t, out.String(), "ok  ", "no summary of what was not done")
	}
	w.unchanged(before)
}

func TestDryRunWithAFailedDestinationFails(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/sub/f.txt", "f")
	w.write("b1/sub", "a file where b1's directory should be")
	require.NoError(t, os.Mkdir(w.path("b2/sub"), 0o755))
	before := w.snapshot()
	e, out, errb := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{DryRun: true}, "w/sub/f.txt"))
	requireFailure(t, err, "1 destination of 2 failed")
	assert.Contains(t, errb.String(), "micsync: error: "+w.path("b1")+": "+w.path("b1/sub")+" is not a directory")
	assert.Contains(t, out.String(), "    + f.txt\n", "the other destination's plan is shown")
	w.unchanged(before)
}

func TestUpToDateAsksNothing(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/a.txt", "a")
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")))
	before := w.snapshot()
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")))
	assert.True(t, hasLine(out.String(), "  nothing to do: up to date"), out)
	assert.True(t, hasLine(out.String(), "ok      "+w.path("b1")+": up to date"), out)
	w.unchanged(before)
}

// manyDirs is oneBackup with 25 directories below w/many, a file in each.
func manyDirs(t *testing.T) *world {
	t.Helper()
	w := oneBackup(t)
	for i := range 25 {
		w.write(fmt.Sprintf("w/many/sub%02d/f.txt", i), "x")
	}
	return w
}

func TestListFileWritesEveryChange(t *testing.T) {
	t.Parallel()
	w := manyDirs(t)
	list := w.path("plan.txt")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true, ListFile: list}, "w/many")))
	assert.True(t, hasLine(out.String(), "every change of the plans is listed in "+list), out)
	assert.Contains(t, out.String(), "    ... and 5 more (--full lists them all)\n", "the output still gets the short lists")
	written := w.read("plan.txt")
	assert.True(t, strings.HasPrefix(written, "# to BACKUP "+w.path("b1")+"\n"), written)
	assert.Equal(t, 1+25+25+1, strings.Count(written, "\n"), "a heading, every file and directory, and many/ itself")
	assert.Contains(t, written, "+ many/sub24/f.txt\n")
	assert.False(t, w.exists("b1/many"))
}

func TestListFileLeavesOutADestinationThatWasNotPlanned(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/sub/f.txt", "f")
	w.write("b1/sub", "a file where b1's directory should be")
	require.NoError(t, os.Mkdir(w.path("b2/sub"), 0o755))
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{DryRun: true, ListFile: w.path("plan.txt")}, "w/sub/f.txt"))
	require.Error(t, err)
	assert.Equal(t, "# to BACKUP "+w.path("b2/sub")+"\n+ f.txt\n", w.read("plan.txt"))
}

func TestListFileThatCannotBeWrittenStopsTheRun(t *testing.T) {
	t.Parallel()
	w := manyDirs(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{ListFile: w.path("no/plan.txt")}, "w/many"))
	require.Error(t, err)
	assert.False(t, isUsage(err))
	assert.Contains(t, err.Error(), "list file: open "+w.path("no/plan.txt"))
	w.unchanged(before)
}

func TestHideDirsAndFullShapeTheLists(t *testing.T) {
	t.Parallel()
	w := manyDirs(t)
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true}, "w/many")))
	assert.Contains(t, out.String(), "    + many/sub00/\n")
	assert.NotContains(t, out.String(), "many/sub24/f.txt")

	e, out, _ = w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true, Full: true, HideDirs: true}, "w/many")))
	assert.Contains(t, out.String(), "    + many/sub24/f.txt\n")
	assert.NotContains(t, out.String(), "    + many/sub00/\n", "-s hides new directories")
	assert.NotContains(t, out.String(), "more (--full")
}

func TestWholeLocationIsSyncedAsItsContents(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a/b.txt", "b")
	w.write("w/c.txt", "c")
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{Jobs: 1}, "w")))
	assert.Equal(t, "b", w.read("b1/a/b.txt"))
	assert.Equal(t, "c", w.read("b2/c.txt"))
	assert.False(t, w.exists("b1/w"), "a root is synced as its contents")
}

func TestSeveralPathsInOneDirectory(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/d/x.txt", "x")
	w.write("w/d/y.txt", "y")
	w.write("w/d/z.txt", "z")
	require.NoError(t, os.Mkdir(w.path("b1/d"), 0o755))
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/d/x.txt", "w/d/y.txt")))
	assert.Equal(t, "x", w.read("b1/d/x.txt"))
	assert.Equal(t, "y", w.read("b1/d/y.txt"))
	assert.False(t, w.exists("b1/d/z.txt"))
}
