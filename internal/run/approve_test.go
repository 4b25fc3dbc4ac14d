package run

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/prompt"
)

// oneBackup is configuration "docs" with WORKING w and one BACKUP b1: no question about the source.
func oneBackup(t *testing.T) *world {
	t.Helper()
	return newWorld(t, `{"configs": [{"name": "docs", "work": ["w"], "backup": ["b1"]}]}`, "w", "b1")
}

// modifiedInBothBackups makes two files of w newer than their copies in b1, and one newer than
// its copy in b2; added.txt is new to both.
func modifiedInBothBackups(t *testing.T) *world {
	t.Helper()
	w := docsWorld(t)
	for _, n := range []string{"m1.txt", "m2.txt"} {
		w.write("w/"+n, "new "+n)
		w.writeOld("b1/"+n, "old "+n)
	}
	w.writeOld("b2/m1.txt", "old m1.txt")
	w.write("b2/m2.txt", "new m2.txt")
	require.NoError(t, copyTime(w.path("w/m2.txt"), w.path("b2/m2.txt")))
	w.write("w/added.txt", "added")
	return w
}

func TestOverwriteIsAskedOncePerDestinationWithItsCount(t *testing.T) {
	t.Parallel()
	w := modifiedInBothBackups(t)
	ask := scripted(t, "y", "n")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")))
	assert.Equal(t, []string{
		"Overwrite 2 modified entries in " + w.path("b1") + "?",
		"Overwrite 1 modified entry in " + w.path("b2") + "?",
	}, ask.asked)
	assert.Equal(t, "new m1.txt", w.read("b1/m1.txt"))
	assert.Equal(t, "new m2.txt", w.read("b1/m2.txt"))
	assert.Equal(t, "old m1.txt", w.read("b2/m1.txt"), "declined: left as it was")
	assert.Equal(t, "added", w.read("b2/added.txt"), "a new file needs no yes")
	assert.True(t, hasLine(out.String(), "ok      "+w.path("b1")+": 3 files copied (25 B), flushed to the disc"), out)
	assert.True(t, hasLine(out.String(), "ok      "+w.path("b2")+": 1 file copied (5 B), modified entries left as they were, flushed to the disc"), out)
	assert.Equal(t, []string{"old m1.txt"}, w.trashed("b1", "m1.txt"), "the trash keeps what was overwritten")
	assert.False(t, w.exists("b2/.micsync-trash"), "nothing overwritten, nothing kept")
}

func TestOverwriteFlagYesAndNoAnswerTheQuestion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		o    Options
		b1   string // m1.txt in b1 afterwards
	}{
		{"-m", Options{Overwrite: true}, "new m1.txt"},
		{"--yes", Options{Yes: true}, "new m1.txt"},
		{"--no", Options{No: true}, "old m1.txt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := modifiedInBothBackups(t)
			e, _, _ := w.env(prompt.NoTerminal{})
			require.NoError(t, Run(e, w.req(Backup, c.o, "w")))
			assert.Equal(t, c.b1, w.read("b1/m1.txt"))
			assert.Equal(t, c.b1, w.read("b2/m1.txt"))
			assert.Equal(t, "added", w.read("b1/added.txt"))
		})
	}
}

func TestAQuestionWithoutTerminalFailsBeforeAnythingChanges(t *testing.T) {
	t.Parallel()
	w := modifiedInBothBackups(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "w"))
	requireNoTerminal(t, err, "there are modified files to overwrite", "-m to overwrite them, or --yes / --no")
	w.unchanged(before, "not even the new file is copied before every question is answered")
}

func TestCtrlCAtAQuestionChangesNothing(t *testing.T) {
	t.Parallel()
	w := modifiedInBothBackups(t)
	before := w.snapshot()
	ask := scripted(t, "y", "^C")
	e, out, _ := w.env(ask)
	err := Run(e, w.req(Backup, Options{}, "w"))
	assert.ErrorIs(t, err, prompt.ErrInterrupted)
	assert.True(t, ui.Interrupted(err))
	assert.Len(t, ask.asked, 2)
	w.unchanged(before, "the first destination's yes is not acted on")
	assert.NotContains(t, out.String(), "ok  ")
}

// extraInWorking is oneBackup with p/keep.txt on both sides and p/extra.txt only in w.
func extraInWorking(t *testing.T) *world {
	t.Helper()
	w := oneBackup(t)
	w.write("b1/p/keep.txt", "k")
	w.write("w/p/keep.txt", "k")
	require.NoError(t, copyTime(w.path("b1/p/keep.txt"), w.path("w/p/keep.txt")))
	w.write("w/p/extra.txt", "x")
	// The directories' times too: the destination keeps times to the nanosecond, and micsync
	// compares them so.
	require.NoError(t, copyTime(w.path("b1/p"), w.path("w/p")))
	require.NoError(t, copyTime(w.path("b1"), w.path("w")))
	return w
}

func TestDeleteIsAskedAndDone(t *testing.T) {
	t.Parallel()
	w := extraInWorking(t)
	ask := scripted(t, "y")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	assert.Equal(t, []string{"Delete 1 entry from " + w.path("w") + "?"}, ask.asked, "a small deletion is asked once")
	assert.Contains(t, out.String(), "    - p/extra.txt\n")
	assert.False(t, w.exists("w/p/extra.txt"))
	assert.Equal(t, "k", w.read("w/p/keep.txt"))
	assert.Equal(t, []string{"x"}, w.trashed("w", "p/extra.txt"))
	assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": 1 entry deleted, flushed to the disc"), out)
}

func TestDeclinedDeleteKeepsEverything(t *testing.T) {
	t.Parallel()
	w := extraInWorking(t)
	before := w.snapshot()
	e, out, _ := w.env(scripted(t, "n"))
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	w.unchanged(before)
	assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": nothing deleted, flushed to the disc"), out)
}

func TestWithoutDeleteFlagsNothingIsDeletedNorAsked(t *testing.T) {
	t.Parallel()
	w := extraInWorking(t)
	before := w.snapshot()
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Work, Options{}, "w/p")))
	w.unchanged(before)
	assert.NotContains(t, out.String(), "extra.txt")
	assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": up to date"), out)
}

func TestDeleteWithoutTerminalNamesTheFlags(t *testing.T) {
	t.Parallel()
	w := extraInWorking(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{Delete: true}, "w/p"))
	requireNoTerminal(t, err, "there are files to delete", "-D to delete them, or --yes / --no")
	w.unchanged(before)
}

func TestAnswerFlagsCombine(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		o           Options
		m           string
		extraStays  bool
		wantSummary string
	}{
		{"-d -m --no overwrites and keeps", Options{Delete: true, Overwrite: true, No: true}, "backup version", true, "1 file copied (14 B), nothing deleted"},
		{"-D --no deletes and does not overwrite", Options{DeleteNoAsk: true, No: true}, "working version", false, "1 entry deleted, modified entries left as they were"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := oneBackup(t)
			w.write("b1/m.txt", "backup version")
			w.writeOld("w/m.txt", "working version")
			w.write("w/extra.txt", "only in working")
			e, out, _ := w.env(prompt.NoTerminal{})
			require.NoError(t, Run(e, w.req(Work, c.o, "w")))
			assert.Equal(t, c.m, w.read("w/m.txt"))
			assert.Equal(t, c.extraStays, w.exists("w/extra.txt"))
			assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": "+c.wantSummary+", flushed to the disc"), out)
		})
	}
}

// largeDeletion is oneBackup with w/p holding f0..f9 and b1/p only f0..f3: work -D deletes 6 of
// the 11 entries below p (p itself counts).
func largeDeletion(t *testing.T) *world {
	t.Helper()
	w := oneBackup(t)
	for i := range 10 {
		w.write(fmt.Sprintf("w/p/f%d.txt", i), "x")
		if i < 4 {
			w.write(fmt.Sprintf("b1/p/f%d.txt", i), "x")
			require.NoError(t, copyTime(w.path(fmt.Sprintf("w/p/f%d.txt", i)), w.path(fmt.Sprintf("b1/p/f%d.txt", i))))
		}
	}
	return w
}

func TestLargeDeletionAsksASecondQuestion(t *testing.T) {
	t.Parallel()
	w := largeDeletion(t)
	w.write("b1/p/new.txt", "new in the BACKUP")
	before := w.snapshot()

	// "No, and stop": nothing at all is done at this destination, and the summary says so.
	ask := scripted(t, "y", "0")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	assert.Equal(t, []string{
		"Delete 6 entries from " + w.path("w") + "?",
		"This deletes 6 entries of the 11 there (54%) in " + w.path("w/p") + ". Really delete them? " +
			"No, and stop: change nothing in " + w.path("w") + "|No: do the rest of the plan, delete nothing|Yes: delete the 6 entries",
	}, ask.asked)
	w.unchanged(before, "stopped: the new file is not copied either")
	assert.True(t, hasLine(out.String(), "SKIPPED "+w.path("w")+": stopped at the question about deleting; nothing was changed there"), out)

	// "No": the rest of the plan is done, nothing deleted.
	e, out, _ = w.env(scripted(t, "y", "1"))
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	assert.Equal(t, "new in the BACKUP", w.read("w/p/new.txt"))
	for i := range 10 {
		assert.True(t, w.exists(fmt.Sprintf("w/p/f%d.txt", i)), "f%d", i)
	}
	assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": 1 file copied (17 B), nothing deleted, flushed to the disc"), out)

	e, _, _ = w.env(scripted(t, "y", "2"))
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	for i := range 10 {
		assert.Equal(t, i < 4, w.exists(fmt.Sprintf("w/p/f%d.txt", i)), "f%d", i)
	}
}

func TestLargeDeletionIsNotAnsweredByYes(t *testing.T) {
	t.Parallel()
	w := largeDeletion(t)
	before := w.snapshot()
	for _, o := range []Options{{Delete: true, Yes: true}, {DeleteNoAsk: true}} {
		e, _, _ := w.env(prompt.NoTerminal{})
		err := Run(e, w.req(Work, o, "w/p"))
		requireNoTerminal(t, err, "deleting 6 entries of the 11 there (54%) needs a second yes", "--max-delete 6 (or --max-delete all) to allow them")
	}
	w.unchanged(before)
}

func TestCtrlCAtTheSecondQuestionChangesNothing(t *testing.T) {
	t.Parallel()
	w := largeDeletion(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t, "y", "^C"))
	err := Run(e, w.req(Work, Options{Delete: true}, "w/p"))
	assert.ErrorIs(t, err, prompt.ErrInterrupted)
	w.unchanged(before)
}

func TestMaxDeleteAllowsALargeDeletion(t *testing.T) {
	t.Parallel()
	for _, max := range []string{"6", "all"} {
		t.Run(max, func(t *testing.T) {
			t.Parallel()
			w := largeDeletion(t)
			e, out, _ := w.env(prompt.NoTerminal{})
			require.NoError(t, Run(e, w.req(Work, Options{DeleteNoAsk: true, MaxDelete: max}, "w/p")))
			assert.False(t, w.exists("w/p/f9.txt"))
			assert.True(t, w.exists("w/p/f0.txt"))
			assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": 6 entries deleted, flushed to the disc"), out)
			assert.Len(t, w.trashed("w", "p/f*.txt"), 6)
		})
	}
}

func TestMaxDeleteBelowTheCountRefuses(t *testing.T) {
	t.Parallel()
	w := largeDeletion(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{DeleteNoAsk: true, MaxDelete: "5"}, "w/p"))
	requireFailure(t, err, "refusing to delete 6 entries from "+w.path("w/p")+": --max-delete allows 5")
	w.unchanged(before)
}

func TestBadMaxDeleteIsAUsageError(t *testing.T) {
	t.Parallel()
	w := largeDeletion(t)
	before := w.snapshot()
	for _, v := range []string{"six", "-1", "1.5"} {
		e, _, _ := w.env(prompt.NoTerminal{})
		err := Run(e, w.req(Work, Options{DeleteNoAsk: true, MaxDelete: v}, "w/p"))
		requireUsage(t, err, "--max-delete takes a number or all, not "+v)
	}
	w.unchanged(before)
}

func TestManyDeletionsAskAgainWhateverTheirShare(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	// 1001 of the 2102 entries below p go: less than half, but more than a thousand. Empty
	// directories are entries too, and much quicker to make than files.
	for i := range 2101 {
		name := fmt.Sprintf("p/d%04d", i)
		require.NoError(t, os.MkdirAll(w.path("w", name), 0o755))
		if i >= 1001 {
			require.NoError(t, os.MkdirAll(w.path("b1", name), 0o755))
		}
	}
	before := w.snapshot()
	ask := scripted(t, "y", "1")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	assert.Equal(t, []string{
		"Delete 1001 entries from " + w.path("w") + "?",
		"This deletes 1001 entries of the 2102 there (47%) in " + w.path("w/p") + ". Really delete them? " +
			"No, and stop: change nothing in " + w.path("w") + "|No: do the rest of the plan, delete nothing|Yes: delete the 1001 entries",
	}, ask.asked)
	w.unchanged(before)
	assert.Contains(t, out.String(), "nothing deleted")
}

func TestDeletingHalfOfTheEntriesIsNoLargeDeletion(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	// 2 of the 4 entries below p (p, f0, f1, f2) go: half, not more than half.
	for i := range 3 {
		w.write(fmt.Sprintf("w/p/f%d.txt", i), "x")
	}
	w.write("b1/p/f0.txt", "x")
	require.NoError(t, copyTime(w.path("w/p/f0.txt"), w.path("b1/p/f0.txt")))
	ask := scripted(t, "y")
	e, _, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w/p")))
	assert.Equal(t, []string{"Delete 2 entries from " + w.path("w") + "?"}, ask.asked, "one question")
	assert.False(t, w.exists("w/p/f1.txt"))
	assert.False(t, w.exists("w/p/f2.txt"))
	assert.True(t, w.exists("w/p/f0.txt"))
}

func TestNewerCopiesAtTheDestinationAreNamed(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/older.txt", "edited in WORKING")
	w.writeOld("b1/older.txt", "old")
	w.writeOld("w/edited-there.txt", "old")
	w.write("b1/edited-there.txt", "edited on the BACKUP since")
	srcTime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.Local)
	dstTime := time.Date(2024, 6, 7, 8, 9, 10, 0, time.Local)
	require.NoError(t, os.Chtimes(w.path("w/edited-there.txt"), srcTime, srcTime))
	require.NoError(t, os.Chtimes(w.path("b1/edited-there.txt"), dstTime, dstTime))

	ask := scripted(t, "n")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")))
	assert.Equal(t, []string{"Overwrite 2 modified entries in " + w.path("b1") + " (1 is newer there)?"}, ask.asked)
	assert.Contains(t, out.String(), "  newer in BACKUP (its copy is newer than the one in WORKING):\n"+
		"    ~ edited-there.txt  WORKING 2020-01-02 03:04:05, 3 B; BACKUP 2024-06-07 08:09:10, 26 B\n")
	assert.NotContains(t, out.String(), "~ older.txt  ", "only the newer one has its own line")
	assert.Equal(t, "edited on the BACKUP since", w.read("b1/edited-there.txt"), "declined")

	// -m keeps its meaning: every modified entry is overwritten without a question, and the
	// trash keeps the newer copy it replaced.
	e, _, _ = w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w")))
	assert.Equal(t, "old", w.read("b1/edited-there.txt"))
	assert.Equal(t, []string{"edited on the BACKUP since"}, w.trashed("b1", "edited-there.txt"))
}

func TestPickingTheEntriesDoesExactlyThePickedOnes(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	for _, n := range []string{"m1.txt", "m2.txt", "m10.txt"} {
		w.writeOld("w/"+n, "old "+n)
		w.write("b1/"+n, "new "+n)
	}
	w.write("b1/new.txt", "new")
	w.writeOld("w/gone.txt", "gone")
	w.writeOld("w/olddir/a.txt", "a")
	w.writeOld("w/olddir/b.txt", "b")
	ask := scripted(t, "p", "0 2", "p", "1")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{Delete: true}, "w")))
	assert.Equal(t, []string{
		"Overwrite 3 modified entries in " + w.path("w") + "?",
		"Which to overwrite? (space: keep or leave out, enter: done) ~ m1.txt|~ m2.txt|~ m10.txt",
		"Delete 4 entries from " + w.path("w") + "?",
		"Which to delete? (space: keep or leave out, enter: done) - gone.txt|- olddir/ (and the 2 entries in it)",
	}, ask.asked)
	assert.Equal(t, "new m1.txt", w.read("w/m1.txt"), "picked")
	assert.Equal(t, "old m2.txt", w.read("w/m2.txt"), "left out")
	assert.Equal(t, "new m10.txt", w.read("w/m10.txt"), "picked")
	assert.True(t, w.exists("w/gone.txt"), "left out")
	assert.False(t, w.exists("w/olddir"), "picked, with what it holds")
	assert.Equal(t, "new", w.read("w/new.txt"), "new entries need no pick")
	assert.Equal(t, []string{"old m1.txt"}, w.trashed("w", "m1.txt"))
	assert.Equal(t, []string{"a"}, w.trashed("w", "olddir/a.txt"))
	assert.True(t, hasLine(out.String(), "ok      "+w.path("w")+": 3 files copied (24 B), 3 entries deleted, "+
		"1 modified entry not overwritten, as picked, 1 entry not deleted, as picked, flushed to the disc"), out)

	// Picking none is a no.
	w.writeOld("w/m2.txt", "old m2.txt")
	e, _, _ = w.env(scripted(t, "p", ""))
	require.NoError(t, Run(e, w.req(Work, Options{}, "w/m2.txt")))
	assert.Equal(t, "old m2.txt", w.read("w/m2.txt"))
}
