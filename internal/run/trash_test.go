package run

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/prompt"
)

const stamp = "20250101T000000Z"

// stampOf is the trash stamp of a run at t.
func stampOf(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func TestListTrashWhenEmpty(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/.micsync-trash/not-a-run/z.txt", "not micsync's")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, ListTrash(e, ""))
	assert.Equal(t, "the trash is empty\n", out.String())
}

func TestListTrashShowsEveryRunWithItsSize(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/.micsync-trash/20250101T000000Z/a.txt", "abc")
	w.write("w/.micsync-trash/20250101T000000Z/sub/b.txt", "de")
	w.write("b1/.micsync-trash/20250102T000000Z/x.txt", strings.Repeat("x", 1500))
	w.write("b1/.micsync-trash/20250103T000000Z/y.txt", "")
	w.write("b1/.micsync-trash/not-a-run/z.txt", "not micsync's")
	w.write("w/.micsync-trash/20250104T000000Z/c.txt", "fghij")
	require.NoError(t, os.Remove(w.path("b2")))
	before := w.snapshot()
	e, out, _ := w.env(scripted(t))
	require.NoError(t, ListTrash(e, ""))
	assert.Equal(t, "WORKING "+w.path("w")+` (configuration "docs"): 2 runs, 3 files, 10 B`+"\n"+
		"  20250101T000000Z  2 files  5 B\n"+
		"  20250104T000000Z  1 file  5 B\n"+
		"BACKUP "+w.path("b1")+` (configuration "docs"): 2 runs, 2 files, 1.5 kB`+"\n"+
		"  20250102T000000Z  1 file  1.5 kB\n"+
		"  20250103T000000Z  1 file  0 B\n", out.String(), "each location once, with the size of its trash")
	w.unchanged(before)

	e, out, _ = w.env(scripted(t))
	require.NoError(t, ListTrash(e, w.path("b1")))
	assert.NotContains(t, out.String(), "WORKING", "only the location asked for")
	assert.Contains(t, out.String(), "  20250102T000000Z  1 file  1.5 kB\n")
}

func TestListTrashRunShowsItsFiles(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/.micsync-trash/20250101T000000Z/taxes/scan 10.pdf", strings.Repeat("x", 1500))
	w.write("w/.micsync-trash/20250101T000000Z/taxes/scan 2.pdf", "ab")
	w.write("w/.micsync-trash/20250101T000000Z/a.txt", "abc")
	require.NoError(t, os.Symlink("a.txt", w.path("w/.micsync-trash/20250101T000000Z/link")))
	w.write("w/.micsync-trash/20250102T000000Z/other.txt", "not this run")
	w.write("b1/.micsync-trash/20250101T000000Z/taxes/new\nline", "one")
	before := w.snapshot()
	e, out, _ := w.env(scripted(t))
	require.NoError(t, ListTrash(e, "20250101T000000Z"))
	assert.Equal(t, "trash run 20250101T000000Z of WORKING "+w.path("w")+` (configuration "docs"): 4 files, 1.5 kB`+"\n"+
		"         3 B  a.txt\n"+
		"     symlink  link\n"+
		"         2 B  taxes/scan 2.pdf\n"+
		"      1.5 kB  taxes/scan 10.pdf\n"+
		"\n"+
		"trash run 20250101T000000Z of BACKUP "+w.path("b1")+` (configuration "docs"): 1 file, 3 B`+"\n"+
		"         3 B  \"taxes/new\\nline\"\n", out.String())
	w.unchanged(before)

	err := ListTrash(e, "19990101T000000Z")
	requireUsage(t, err, "no trash run 19990101T000000Z in a reachable location", "micsync trash list shows the runs")
}

func TestListTrashOfALocationThatIsNoRoot(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.path("b2")))
	e, _, _ := w.env(scripted(t))
	err := ListTrash(e, w.path("w/sub"))
	requireUsage(t, err, w.path("w/sub")+" is not the root of a location in "+w.cfg,
		"the locations are: "+w.path("w")+", "+w.path("b1")+", "+w.path("b2"))

	err = ListTrash(e, w.path("b2"))
	requireFailure(t, err, "BACKUP "+w.path("b2")+" is unreachable: not created yet", "create it: mkdir -p "+w.path("b2"))
}

// deletedByMistake is oneBackup after a work -D that deleted w/taxes/b.txt and w/taxes/c.txt:
// the trash run stamp of w holds them.
func deletedByMistake(t *testing.T) *world {
	t.Helper()
	w := oneBackup(t)
	w.write("w/taxes/a.txt", "a")
	w.write("w/keep.txt", "keep")
	w.write("w/.micsync-trash/"+stamp+"/taxes/b.txt", "b, deleted by mistake")
	w.write("w/.micsync-trash/"+stamp+"/taxes/c.txt", "c")
	return w
}

func TestRestoreANamedPath(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, path string }{
		{"below the root", "taxes/b.txt"},
		{"in the location", "w/taxes/b.txt"},
		{"in the trash run", "w/.micsync-trash/" + stamp + "/taxes/b.txt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := deletedByMistake(t)
			path := c.path
			if path != "taxes/b.txt" {
				path = w.path(path)
			}
			e, out, _ := w.env(scripted(t))
			require.NoError(t, Restore(e, RestoreRequest{Stamp: stamp, Paths: []string{path}}))
			assert.Equal(t, "b, deleted by mistake", w.read("w/taxes/b.txt"))
			assert.False(t, w.exists("w/taxes/c.txt"), "only the named path")
			assert.Equal(t, "a", w.read("w/taxes/a.txt"))
			assert.Equal(t, "keep", w.read("w/keep.txt"), "restore never deletes")
			assert.Equal(t, []string{"b, deleted by mistake"}, w.trashed("w", "taxes/b.txt"), "the trash run is kept")
			assert.True(t, hasLine(out.String(), "restore from trash run "+stamp+" of WORKING "+w.path("w")), out)
		})
	}
}

func TestRestoreAWholeRun(t *testing.T) {
	t.Parallel()
	w := deletedByMistake(t)
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Restore(e, RestoreRequest{Stamp: stamp}))
	assert.Equal(t, "b, deleted by mistake", w.read("w/taxes/b.txt"))
	assert.Equal(t, "c", w.read("w/taxes/c.txt"))
	assert.Equal(t, "keep", w.read("w/keep.txt"))
}

func TestRestoreOverAChangedFileAsksAndKeepsIt(t *testing.T) {
	t.Parallel()
	w := deletedByMistake(t)
	w.write("w/taxes/b.txt", "b, edited again")
	before := w.snapshot()

	e, _, _ := w.env(prompt.NoTerminal{})
	err := Restore(e, RestoreRequest{Stamp: stamp, Paths: []string{"taxes/b.txt"}})
	var nt *ui.NoTerminalError
	require.ErrorAs(t, err, &nt)
	w.unchanged(before)

	ask := scripted(t, "y")
	e, _, _ = w.env(ask)
	require.NoError(t, Restore(e, RestoreRequest{Stamp: stamp, Paths: []string{"taxes/b.txt"}}))
	assert.Equal(t, []string{"Overwrite 1 modified entry in " + w.path("w") + "?"}, ask.asked)
	assert.Equal(t, "b, deleted by mistake", w.read("w/taxes/b.txt"))
	assert.ElementsMatch(t, []string{"b, deleted by mistake", "b, edited again"}, w.trashed("w", "taxes/b.txt"),
		"what the restore overwrote went to a trash run of its own")
}

func TestRestoreDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	w := deletedByMistake(t)
	before := w.snapshot()
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Restore(e, RestoreRequest{Stamp: stamp, Options: Options{DryRun: true}}))
	assert.Contains(t, out.String(), "    + taxes/b.txt\n")
	assert.True(t, hasLine(out.String(), "dry run: nothing was changed"), out)
	w.unchanged(before)
}

func TestRestoreOfAPathNotInTheRun(t *testing.T) {
	t.Parallel()
	w := deletedByMistake(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Restore(e, RestoreRequest{Stamp: stamp, Paths: []string{"taxes/a.txt"}})
	requireUsage(t, err, "taxes/a.txt is not in trash run "+stamp, "micsync trash list shows the runs")

	err = Restore(e, RestoreRequest{Stamp: stamp, Paths: []string{w.path("elsewhere.txt")}})
	requireUsage(t, err, w.path("elsewhere.txt")+" is not inside "+w.path("w"))
	w.unchanged(before)
}

func TestRestoreOfAStampThatDoesNotExist(t *testing.T) {
	t.Parallel()
	w := deletedByMistake(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Restore(e, RestoreRequest{Stamp: "19990101T000000Z"})
	requireUsage(t, err, "no trash run 19990101T000000Z in a reachable location", "micsync trash list shows the runs")
	w.unchanged(before)
}

// sameStampTwice is deletedByMistake with a trash run of the same stamp in b1.
func sameStampTwice(t *testing.T) *world {
	t.Helper()
	w := deletedByMistake(t)
	w.write("b1/.micsync-trash/"+stamp+"/taxes/b.txt", "b1's b")
	require.NoError(t, os.MkdirAll(w.path("b1/taxes"), 0o755))
	return w
}

func TestRestoreAsksWhichLocationHasTheRun(t *testing.T) {
	t.Parallel()
	w := sameStampTwice(t)
	ask := scripted(t, "1")
	e, _, _ := w.env(ask)
	require.NoError(t, Restore(e, RestoreRequest{Stamp: stamp, Paths: []string{"taxes/b.txt"}}))
	assert.Equal(t, []string{"Restore into which location? " + w.path("w") + "|" + w.path("b1")}, ask.asked)
	assert.Equal(t, "b1's b", w.read("b1/taxes/b.txt"))
	assert.False(t, w.exists("w/taxes/b.txt"), "the other location is not touched")
}

func TestRestoreWithoutTerminalNamesTheLocationFlag(t *testing.T) {
	t.Parallel()
	w := sameStampTwice(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Restore(e, RestoreRequest{Stamp: stamp})
	requireNoTerminal(t, err, "several locations have this trash run", "--location ROOT (one of: "+w.path("w")+", "+w.path("b1")+")")
	w.unchanged(before)
}

func TestRestoreLocationFlagChoosesTheRun(t *testing.T) {
	t.Parallel()
	w := sameStampTwice(t)
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Restore(e, RestoreRequest{Stamp: stamp, Location: w.path("b1")}))
	assert.Equal(t, "b1's b", w.read("b1/taxes/b.txt"))
	assert.False(t, w.exists("w/taxes/b.txt"))
}

// oldAndRecentRuns is docsWorld with a trash run 40 days old in b1 and w, a recent one in b1,
// and a directory in b1's trash that is not a run of micsync's.
func oldAndRecentRuns(t *testing.T) (w *world, old, recent string) {
	t.Helper()
	w = docsWorld(t)
	old = stampOf(time.Now().Add(-40 * 24 * time.Hour))
	recent = stampOf(time.Now().Add(-time.Hour))
	w.write("b1/.micsync-trash/"+old+"/x.txt", "old")
	w.write("w/.micsync-trash/"+old+"/sub/w.txt", "old w")
	w.write("b1/.micsync-trash/"+recent+"/y.txt", "recent")
	w.write("b1/.micsync-trash/not-a-run/z.txt", "not micsync's")
	return w, old, recent
}

func TestEmptyTrashAsksAndDeletesEveryRun(t *testing.T) {
	t.Parallel()
	w, old, recent := oldAndRecentRuns(t)
	ask := scripted(t, "y")
	e, out, _ := w.env(ask)
	require.NoError(t, EmptyTrash(e, EmptyRequest{}))
	assert.Equal(t, []string{"Delete 3 trash runs (3 files, 14 B) for good?"}, ask.asked)
	assert.Contains(t, out.String(), "  "+old+"  BACKUP "+w.path("b1")+"\n")
	assert.Contains(t, out.String(), "  "+old+"  WORKING "+w.path("w")+"\n")
	assert.Contains(t, out.String(), "  "+recent+"  BACKUP "+w.path("b1")+"\n")
	assert.True(t, hasLine(out.String(), "deleted 3 trash runs"), out)
	assert.False(t, w.exists("b1/.micsync-trash/"+old))
	assert.False(t, w.exists("b1/.micsync-trash/"+recent))
	assert.False(t, w.exists("w/.micsync-trash/"+old))
	assert.Equal(t, "not micsync's", w.read("b1/.micsync-trash/not-a-run/z.txt"))
}

func TestEmptyTrashDeclinedKeepsEverything(t *testing.T) {
	t.Parallel()
	w, _, _ := oldAndRecentRuns(t)
	before := w.snapshot()
	e, out, _ := w.env(scripted(t, "n"))
	require.NoError(t, EmptyTrash(e, EmptyRequest{}))
	w.unchanged(before)
	assert.NotContains(t, out.String(), "deleted")
}

func TestEmptyTrashOlderThanKeepsTheRecentRuns(t *testing.T) {
	t.Parallel()
	w, old, recent := oldAndRecentRuns(t)
	ask := scripted(t, "y")
	e, _, _ := w.env(ask)
	require.NoError(t, EmptyTrash(e, EmptyRequest{OlderThan: "30d"}))
	assert.Equal(t, []string{"Delete 2 trash runs (2 files, 8 B) for good?"}, ask.asked)
	assert.False(t, w.exists("b1/.micsync-trash/"+old))
	assert.False(t, w.exists("w/.micsync-trash/"+old))
	assert.Equal(t, "recent", w.read("b1/.micsync-trash/"+recent+"/y.txt"))

	e, out, _ := w.env(scripted(t))
	require.NoError(t, EmptyTrash(e, EmptyRequest{OlderThan: "30d"}))
	assert.Equal(t, "nothing to empty\n", out.String())
	assert.Equal(t, "recent", w.read("b1/.micsync-trash/"+recent+"/y.txt"))
}

func TestEmptyTrashOfOneLocationWithYes(t *testing.T) {
	t.Parallel()
	w, old, recent := oldAndRecentRuns(t)
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, EmptyTrash(e, EmptyRequest{Location: w.path("b1"), Yes: true}))
	assert.True(t, hasLine(out.String(), "deleted 2 trash runs"), out)
	assert.False(t, w.exists("b1/.micsync-trash/"+old))
	assert.False(t, w.exists("b1/.micsync-trash/"+recent))
	assert.Equal(t, "old w", w.read("w/.micsync-trash/"+old+"/sub/w.txt"), "another location's trash is kept")
}

func TestEmptyTrashWithoutTerminalNamesYes(t *testing.T) {
	t.Parallel()
	w, _, _ := oldAndRecentRuns(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := EmptyTrash(e, EmptyRequest{OlderThan: "30d"})
	requireNoTerminal(t, err, "emptying the trash needs a yes", "--yes")
	w.unchanged(before)
}

func TestEmptyTrashWithABadAgeIsAUsageError(t *testing.T) {
	t.Parallel()
	w, _, _ := oldAndRecentRuns(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := EmptyTrash(e, EmptyRequest{OlderThan: "soon", Yes: true})
	requireUsage(t, err, "--older-than takes a duration such as 30d, 12h or 90m, not soon")
	w.unchanged(before)
}

func TestEmptyTrashOfANonRootIsAUsageError(t *testing.T) {
	t.Parallel()
	w, _, _ := oldAndRecentRuns(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := EmptyTrash(e, EmptyRequest{Location: w.path("nope"), Yes: true})
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Contains(t, err.Error(), "is not the root of a location")
	w.unchanged(before)
}

// A run that writes to a location may be keeping files in its trash right now: emptying waits
// for no run and deletes nothing while one holds the location.
func TestEmptyTrashWhileARunWritesThereDeletesNothing(t *testing.T) {
	t.Parallel()
	w, _, _ := oldAndRecentRuns(t)
	release := w.otherRun("b1")
	defer release()
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := EmptyTrash(e, EmptyRequest{Yes: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BACKUP "+w.path("b1")+" is in use by another micsync run (pid ")
	w.unchanged(before)
}
