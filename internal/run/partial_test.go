package run

import (
	"micsync/internal/asnobody"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/prompt"
	"micsync/rsyncplan"
)

// lock makes the entries at rels readable by no one but root, until the test ends.
func (w *world) lock(rels ...string) {
	w.t.Helper()
	for _, rel := range rels {
		require.NoError(w.t, os.Chmod(w.path(rel), 0))
		w.t.Cleanup(func() { os.Chmod(w.path(rel), 0o755) })
	}
}

const unreadableHint = "rsync could not read or write the entries named above: check their permissions; everything else was copied"

func TestUnreadableEntriesFailTheBackupAndTheRestIsCopied(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	w := oneBackup(t)
	w.write("w/p/open.txt", "open")
	w.write("w/p/locked/in.txt", "in")
	w.write("w/p/secret.txt", "secret")
	w.lock("w/p/locked", "w/p/secret.txt")
	e, out, errb := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "w/p"))
	requireFailure(t, err, "2 entries could not be read", unreadableHint)
	assert.Contains(t, out.String(), "    ? p/locked: Permission denied (13)\n", "the plan lists it")
	assert.True(t, hasLine(out.String(), "FAILED  "+w.path("b1")+": 2 entries could not be read; 1 file copied (4 B), 1 directory created"), out)
	assert.True(t, hasLine(out.String(), "        could not read p/locked: Permission denied (13)"), out)
	assert.True(t, hasLine(out.String(), "        could not read p/secret.txt: Permission denied (13)"), out)
	assert.Contains(t, errb.String(), `opendir "`+w.path("w/p/locked")+`" failed: Permission denied (13)`, "rsync's own words are shown")
	assert.Equal(t, "open", w.read("b1/p/open.txt"))
	assert.False(t, w.exists("b1/p/secret.txt"))
	assert.False(t, w.exists("b1/p/locked"), "not copied as an empty directory")
}

func TestUnreadableEntriesDeleteNothingInWork(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	w := oneBackup(t)
	w.write("b1/p/new.txt", "new")
	w.write("b1/p/locked/in.txt", "in")
	w.write("w/p/locked/in.txt", "in")
	w.write("w/p/locked/mine.txt", "only in the WORKING")
	w.write("w/p/extra.txt", "only in the WORKING")
	w.lock("b1/p/locked")
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{DeleteNoAsk: true}, "w/p"))
	requireFailure(t, err, "1 entry could not be read", unreadableHint)
	assert.Contains(t, out.String(), "  no deletions planned: rsync deletes nothing when it cannot read all of the source\n")
	assert.Equal(t, "new", w.read("w/p/new.txt"))
	assert.Equal(t, "only in the WORKING", w.read("w/p/extra.txt"), "nothing is deleted")
	assert.Equal(t, "only in the WORKING", w.read("w/p/locked/mine.txt"), "not what the unreadable directory lacks either")
}

func TestUnreadableEntriesInTransfer(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	w := threeBackups(t)
	w.write("b1/p/locked/in.txt", "in")
	w.write("b1/p/open.txt", "open")
	w.lock("b1/p/locked")
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Transfer, Options{To: []string{w.path("b2"), w.path("b3")}}, "b1/p"))
	requireFailure(t, err, "2 destinations of 2 failed")
	for _, b := range []string{"b2", "b3"} {
		assert.True(t, hasLine(out.String(), "FAILED  "+w.path(b)+": 1 entry could not be read; 1 file copied (4 B), 1 directory created"), out)
		assert.Equal(t, "open", w.read(b+"/p/open.txt"))
	}
}

func TestAFileChangedDuringTheCopyFailsAndTheNextRunCopiesIt(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	n := w.path("w/n.txt")
	mark := filepath.Join(t.TempDir(), "done")
	// After its copy, n.txt is written again, as if while rsync copied it.
	rsync := w.script("rsync", `rsync "$@"; rc=$?
case " $* " in *" -n "*) ;; *--files-from=*) mkdir `+mark+` 2>/dev/null && printf ' and more' >>`+rsyncplan.Quote([]string{n})+`;; esac
exit $rc
`)
	e, out, _ := w.envWithRsync(prompt.NoTerminal{}, rsync)
	err := Run(e, w.req(Backup, Options{Overwrite: true}, "w/n.txt", "w/added.txt"))
	requireFailure(t, err, "1 file changed during the copy",
		"files written while micsync copied them may be half old, half new in "+w.path("b1")+": run micsync again once they are saved, to copy them as they are then")
	assert.True(t, hasLine(out.String(), "FAILED  "+w.path("b1")+": 1 file changed during the copy; 2 files copied (8 B)"), out)
	assert.True(t, hasLine(out.String(), "        changed during the copy: n.txt"), out)

	e, out, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w/n.txt", "w/added.txt")))
	assert.Contains(t, out.String(), "    ~ n.txt\n", "planned again")
	assert.Equal(t, "new and more", w.read("b1/n.txt"))
}
