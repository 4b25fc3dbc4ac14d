package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renamedInWork backs up Documents/letters to both discs, then renames a file and a directory
// in WORKING: the BACKUPs still hold the old names, and only them. backUpAgain backs up the
// new names too, as the next backup does.
func renamedInWork(t *testing.T, backUpAgain bool) *env {
	t.Helper()
	e := docs(t)
	e.mkfile(t, "Documents/letters/old name.txt", "dear")
	e.mkfile(t, "Documents/letters/-2019/a.txt", "a")
	e.mkfile(t, "Documents/letters/-2019/b\xff.txt", "b")
	e.mkfile(t, "Documents/top.txt", "not below the named path")
	r := e.run(t, "--backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	mv(t, e.path("Documents/letters/old name.txt"), e.path("Documents/letters/new name.txt"))
	mv(t, e.path("Documents/letters/-2019"), e.path("Documents/letters/2019"))
	if backUpAgain {
		r = e.run(t, "--backup", e.path("Documents"))
		require.Equal(t, 0, r.Code, r)
	}
	return e
}

func TestBackupTellsWhatOnlyTheBackupHoldsAndNeverDeletesIt(t *testing.T) {
	e := renamedInWork(t, false)
	e.mkfile(t, "disk1/Documents/outside.txt", "only here, but not below the named path")
	r := e.run(t, "--backup", "-n", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	info := "  4 entries are only in each BACKUP (not deleted; micsync prune " + e.path("Documents/letters") + " moves them to its trash; --full lists them)\n"
	assert.Contains(t, r.Stdout, info)
	assert.NotContains(t, r.Stdout, "old name", "listed with --full only")

	before := tree(t, e.Home)
	r = e.run(t, "--backup", "--full", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  4 entries are only in each BACKUP (not deleted; micsync prune "+e.path("Documents/letters")+" moves them to its trash):\n"+
		"    letters/-2019/\n    letters/-2019/a.txt\n    \"letters/-2019/b\\xff.txt\"\n    letters/old name.txt\n")
	after := tree(t, e.Home)
	for _, disk := range []string{"disk1", "disk2"} {
		for _, n := range []string{"letters/old name.txt", "letters/-2019/a.txt", "letters/-2019/b\xff.txt"} {
			p := disk + "/Documents/" + n
			assert.Equal(t, before[p], after[p], "%s is still there", p)
			assert.NotEmpty(t, after[p], p)
		}
		assert.Equal(t, "dear", readFile(t, e.path(disk, "Documents/letters/new name.txt")), "the new names are copied")
	}
	assert.NotContains(t, r.Stdout, "outside.txt")

	// Once the BACKUP holds only what WORKING holds, nothing is told.
	r = e.run(t, "--backup", "-n", e.path("Documents/top.txt"))
	require.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stdout, "only in")
}

func mv(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.Rename(from, to))
}

// oldNames are the entries that only the BACKUPs hold once renamedInWork has renamed them.
var oldNames = []string{"letters/old name.txt", "letters/-2019/a.txt", "letters/-2019/b\xff.txt"}

func TestTerminalPruneAsksMovesToTrashAndRestoreBringsBack(t *testing.T) {
	e := renamedInWork(t, true)
	work := tree(t, e.path("Documents"))
	s := e.startPTY(t, "prune", e.path("Documents/letters"))
	s.Expect("prune from WORKING " + e.path("Documents"))
	s.Expect("to delete                      4")
	s.Expect("- letters/old name.txt")
	s.Expect("Delete 4 entries from " + e.path("disk1/Documents") + "?")
	s.SendLine("y")
	s.Expect("Delete 4 entries from " + e.path("disk2/Documents") + "?")
	s.SendLine("n")
	s.Expect("4 entries deleted")
	s.Expect("nothing deleted")
	require.Equal(t, 0, s.Wait())

	for _, n := range oldNames {
		assert.False(t, exists(e.path("disk1/Documents", n)), "%q went from disk1", n)
		assert.True(t, exists(e.path("disk2/Documents", n)), "%q stays on disk2, as answered", n)
	}
	assert.False(t, exists(e.path("disk1/Documents/letters/-2019")))
	assert.Equal(t, "dear", trashed(t, e, "disk1/Documents", "letters/old name.txt"))
	assert.Equal(t, "b", trashed(t, e, "disk1/Documents", "letters/-2019/b\xff.txt"))
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/letters/new name.txt")), "the new names stay")
	assert.Equal(t, work, tree(t, e.path("Documents")), "WORKING is not touched")

	runs, err := filepath.Glob(e.path("disk1/Documents/.micsync-trash/*"))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	r := e.run(t, "trash", "restore", "--location", e.path("disk1/Documents"), filepath.Base(runs[0]))
	require.Equal(t, 0, r.Code, r)
	for _, n := range oldNames {
		assert.Equal(t, readFile(t, e.path("disk2/Documents", n)), readFile(t, e.path("disk1/Documents", n)), "%q is back", n)
	}
}

func TestPruneWithoutATerminal(t *testing.T) {
	e := renamedInWork(t, true)
	before := tree(t, e.Home)
	r := e.run(t, "prune", e.path("Documents/letters"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: there are files to delete and there is no terminal to ask on\n")
	assert.Contains(t, r.Stderr, "micsync: hint: answer with --yes to delete them, or --no\n")
	assert.Equal(t, before, tree(t, e.Home), "nothing changed")

	// -n shows the plan and changes nothing.
	r = e.run(t, "prune", "-n", "--full", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "    - \"letters/-2019/b\\xff.txt\"\n")
	assert.Contains(t, r.Stdout, "dry run: nothing was changed")
	assert.Equal(t, before, tree(t, e.Home))

	r = e.run(t, "prune", "--no", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, before, tree(t, e.Home))

	// --to picks the BACKUP; -q prints nothing but errors.
	r = e.run(t, "prune", "--yes", "-q", "--to", e.path("disk2/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stdout)
	for _, n := range oldNames {
		assert.True(t, exists(e.path("disk1/Documents", n)), n)
		assert.False(t, exists(e.path("disk2/Documents", n)), n)
	}
	assert.Equal(t, "a", trashed(t, e, "disk2/Documents", "letters/-2019/a.txt"))
}

func TestPruneOnlyDeletes(t *testing.T) {
	e := renamedInWork(t, true)
	e.mkfile(t, "Documents/letters/added.txt", "never backed up")
	e.mkfile(t, "Documents/letters/new name.txt", "changed since the backup")
	r := e.run(t, "prune", "--yes", "--to", e.path("disk1/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "4 entries deleted")
	assert.NotContains(t, r.Stdout, "new files")
	assert.NotContains(t, r.Stdout, "modified")
	assert.False(t, exists(e.path("disk1/Documents/letters/added.txt")), "prune copies nothing")
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/letters/new name.txt")), "and overwrites nothing")
	assert.False(t, exists(e.path("disk1/Documents/letters/old name.txt")))

	r = e.run(t, "prune", e.path("Documents/letters/old name.txt"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: path "+e.path("Documents/letters/old name.txt")+" does not exist\n"+
		"micsync: hint: name the directory that held it: micsync prune "+e.path("Documents/letters")+" moves what only the BACKUPs hold there into their trash\n")
}

func TestPruneRefusesAnEmptySource(t *testing.T) {
	e := renamedInWork(t, true)
	require.NoError(t, os.RemoveAll(e.path("Documents/letters")))
	require.NoError(t, os.MkdirAll(e.path("Documents/letters"), 0o755))
	before := tree(t, e.Home)
	r := e.run(t, "prune", "--yes", "--max-delete", "all", "--to", e.path("disk1/Documents"), e.path("Documents/letters"))
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: refusing to delete 8 entries from "+e.path("disk1/Documents/letters")+": the source "+e.path("Documents/letters")+" is empty, which looks like a disc that is not mounted\n")
	assert.Equal(t, before, tree(t, e.Home))

	r = e.run(t, "prune", "--yes", "--max-delete", "all", "--allow-empty-source", "--to", e.path("disk1/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.False(t, exists(e.path("disk1/Documents/letters/new name.txt")))
	assert.Equal(t, "dear", trashed(t, e, "disk1/Documents", "letters/new name.txt"))
}

func TestPruneLargeDeletionNeedsASecondYes(t *testing.T) {
	e := renamedInWork(t, false)
	before := tree(t, e.Home)
	// 4 of the 5 entries below letters on each disc would go.
	r := e.run(t, "prune", "--yes", e.path("Documents/letters"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: deleting 4 entries of the 5 there (80%) needs a second yes and there is no terminal to ask on\n")
	assert.Contains(t, r.Stderr, "micsync: hint: answer with --max-delete 4 (or --max-delete all) to allow them\n")
	assert.Equal(t, before, tree(t, e.Home))

	r = e.run(t, "prune", "--yes", "--max-delete", "3", e.path("Documents/letters"))
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "refusing to delete 4 entries from "+e.path("disk1/Documents/letters")+": --max-delete allows 3")
	assert.Equal(t, before, tree(t, e.Home))

	r = e.run(t, "prune", "--yes", "--max-delete", "4", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	for _, disk := range []string{"disk1", "disk2"} {
		for _, n := range oldNames {
			assert.False(t, exists(e.path(disk, "Documents", n)), n)
		}
	}
	r = e.run(t, "--backup", "-n", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stdout, "only in", "nothing is only in the BACKUPs any more")
}

func TestPruneOfAWholeWorkingLeavesMicsyncsOwnFiles(t *testing.T) {
	e := renamedInWork(t, true)
	r := e.run(t, "mark", e.path("disk1/Documents"))
	require.Equal(t, 0, r.Code, r)
	r = e.run(t, "prune", "--yes", "--to", e.path("disk1/Documents"), e.path("Documents/letters/-2019"))
	assert.Equal(t, 2, r.Code, "a path that is gone from WORKING: %s", r)
	e.mkfile(t, "disk1/Documents/stray.txt", "only on disk1, at the top")

	r = e.run(t, "--backup", "-n", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  5 entries are only in BACKUP "+e.path("disk1/Documents")+" (not deleted; micsync prune "+e.path("Documents")+" moves them to its trash; --full lists them)\n")
	assert.Contains(t, r.Stdout, "  4 entries are only in BACKUP "+e.path("disk2/Documents")+" (")

	r = e.run(t, "prune", "--yes", "--to", e.path("disk1/Documents"), e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "5 entries deleted")
	assert.False(t, exists(e.path("disk1/Documents/stray.txt")))
	assert.FileExists(t, e.path("disk1/Documents/.micsync-location"), "the marker stays")
	assert.Equal(t, "only on disk1, at the top", trashed(t, e, "disk1/Documents", "stray.txt"))
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/letters/new name.txt")))

	// Another prune deletes nothing more: the trash and the marker are never what only the
	// BACKUP holds.
	r = e.run(t, "prune", "--yes", "--to", e.path("disk1/Documents"), e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "up to date")
	assert.Equal(t, "only on disk1, at the top", trashed(t, e, "disk1/Documents", "stray.txt"))
}

func TestListFileListsWhatOnlyTheBackupHolds(t *testing.T) {
	e := renamedInWork(t, false)
	list := e.path("plan.txt")
	r := e.run(t, "--backup", "-n", "--list-file", list, "--to", e.path("disk1/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "every change of the plans is listed in "+list)
	assert.Contains(t, r.Stdout, "--full lists them)", "the terminal still gets the count only")
	written := readFile(t, list)
	assert.Contains(t, written, "+ letters/new name.txt\n", "the plan's entries")
	assert.Contains(t, written, "# 4 entries are only in BACKUP "+e.path("disk1/Documents")+" (not deleted; micsync prune "+e.path("Documents/letters")+" moves them to its trash):\n"+
		"  letters/-2019/\n  letters/-2019/a.txt\n  \"letters/-2019/b\\xff.txt\"\n  letters/old name.txt\n")
	assert.NotContains(t, written, "- letters/old name.txt", "not a deletion")
	for _, n := range oldNames {
		assert.True(t, exists(e.path("disk1/Documents", n)), n)
	}
}
