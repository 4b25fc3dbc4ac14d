package tests

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renamedInWork backs up Documents/letters to both discs, then renames a file and a directory
// in WORKING: the BACKUPs still hold the old names, and only them.
func renamedInWork(t *testing.T) *env {
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
	return e
}

func TestBackupTellsWhatOnlyTheBackupHoldsAndNeverDeletesIt(t *testing.T) {
	e := renamedInWork(t)
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
