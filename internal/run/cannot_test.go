package run

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
	"micsync/prompt"
)

// exfatCaps is what exfat-fuse keeps, as disc.Learn finds it.
var exfatCaps = disc.Caps{FileMode: 0o777, DirMode: 0o777, TimeStep: 1e9, RenameKeepsTimes: true, BadChars: disc.NameChars}

// onExFAT makes every run plan as if the BACKUPs were on exFAT: a destination BACKUP cannot
// hold what exFAT cannot, and a source BACKUP (a destination WORKING's) could not either. The
// world's own filesystem holds it all, which shows what micsync leaves alone by itself.
func onExFAT(t *testing.T) {
	old := capsOf
	t.Cleanup(func() { capsOf = old })
	capsOf = func(d *dest) (dst, src disc.Caps) {
		if d.loc.Role.String() == "BACKUP" {
			return exfatCaps, disc.Everything
		}
		return disc.Everything, exfatCaps
	}
}

const leftOutHint = "rename them, or keep this BACKUP on a disc formatted ext4 (or NTFS), which holds them all"

// unholdable writes into w what exFAT cannot hold, and plain.txt.
func unholdable(w *world) {
	w.write("w/p/Report.txt", "upper")
	w.write("w/p/report.txt", "lower")
	w.write("w/p/Dir/same", "upper dir")
	w.write("w/p/dir/same", "lower dir")
	w.write("w/p/a:b", "colon")
	w.write("w/p/q?", "question")
	w.write("w/p/plain.txt", "plain")
	require.NoError(w.t, os.Symlink("plain.txt", w.path("w/p/link")))
}

func TestWhatTheDiscCannotHoldIsListedAndLeftOut(t *testing.T) {
	onExFAT(t)
	w := oneBackup(t)
	unholdable(w)
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "w/p"))
	requireFailure(t, err, "7 entries left out: the disc cannot hold them",
		"the disc of "+w.path("b1")+" cannot hold the entries listed with the plan: they were not copied, none overwrote another, and everything else was copied",
		leftOutHint)
	o := out.String()
	assert.Contains(t, o, "  cannot hold 7 entries, left out:\n"+
		"    ! p/Dir and p/dir: the same name when case is ignored\n"+
		"    ! p/Report.txt and p/report.txt: the same name when case is ignored\n"+
		`    ! p/a:b: ":" cannot be in a name there`+"\n"+
		"    ! p/link: no symlinks there\n"+
		`    ! p/q?: "?" cannot be in a name there`+"\n", o)
	assert.True(t, hasLine(o, "FAILED  "+w.path("b1")+": 7 entries left out: the disc cannot hold them; 1 file copied (5 B), 1 directory created"), o)
	assert.Equal(t, "plain", w.read("b1/p/plain.txt"))
	for _, n := range []string{"Report.txt", "report.txt", "Dir", "dir", "a:b", "q?", "link"} {
		assert.False(t, w.exists("b1/p/"+n), n)
	}
}

func TestANameThatDiffersOnlyInCaseNeverOverwritesTheOther(t *testing.T) {
	onExFAT(t)
	w := oneBackup(t)
	w.write("w/Report.txt", "upper")
	w.write("b1/Report.txt", "upper")
	require.NoError(t, copyTime(w.path("w/Report.txt"), w.path("b1/Report.txt")))
	w.write("w/report.txt", "lower") // new: on exFAT rsync would take Report.txt for it
	before := w.snapshot()
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{Overwrite: true}, "w"))
	requireFailure(t, err, "2 entries left out: the disc cannot hold them",
		"the disc of "+w.path("b1")+" cannot hold the entries listed with the plan: they were not copied, none overwrote another, and everything else was copied",
		leftOutHint)
	assert.Contains(t, out.String(), "    ! Report.txt and report.txt: the same name when case is ignored\n")
	assert.True(t, hasLine(out.String(), "FAILED  "+w.path("b1")+": 2 entries left out: the disc cannot hold them"), out)
	w.unchanged(before, "nothing copied, nothing trashed")
}

func TestARenameThatOnlyChangesCaseIsAnOrdinaryCopy(t *testing.T) {
	onExFAT(t)
	w := oneBackup(t)
	w.write("w/Report.txt", "renamed")
	w.write("b1/report.txt", "old")
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true, DeleteNoAsk: true}, "w")))
	assert.NotContains(t, out.String(), "cannot hold")
	assert.Equal(t, "renamed", w.read("b1/Report.txt"))
}

func TestWhatTheSourceDiscCannotHoldIsNeverDeletedFromWorking(t *testing.T) {
	onExFAT(t)
	w := oneBackup(t)
	unholdable(w)
	w.write("w/p/gone.txt", "deleted in the BACKUP")
	// The BACKUP holds what exFAT could: plain.txt, and one of the pair under one name.
	w.write("b1/p/plain.txt", "plain")
	w.write("b1/p/Report.txt", "lower")
	w.write("b1/p/Dir/same", "lower dir")
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Work, Options{Overwrite: true, DeleteNoAsk: true}, "w/p")))
	o := out.String()
	assert.Contains(t, o, "  not deleted or overwritten, 7 entries the source cannot hold:\n"+
		"    ! p/Dir and p/dir: the same name when case is ignored\n"+
		"    ! p/Report.txt and p/report.txt: the same name when case is ignored\n"+
		`    ! p/a:b: ":" cannot be in a name in the source`+"\n"+
		"    ! p/link: no symlinks in the source\n"+
		`    ! p/q?: "?" cannot be in a name in the source`+"\n", o)
	assert.Contains(t, o, "ok      "+w.path("w")+": 1 file copied (5 B), 1 entry deleted, 7 entries the source cannot hold left as they were, flushed")
	assert.False(t, w.exists("w/p/gone.txt"), "the rest is deleted")
	for n, content := range map[string]string{"Report.txt": "upper", "report.txt": "lower", "Dir/same": "upper dir", "dir/same": "lower dir",
		"a:b": "colon", "q?": "question", "plain.txt": "plain"} {
		assert.Equal(t, content, w.read("w/p/"+n), n)
	}
	target, err := os.Readlink(w.path("w/p/link"))
	require.NoError(t, err)
	assert.Equal(t, "plain.txt", target)
}
