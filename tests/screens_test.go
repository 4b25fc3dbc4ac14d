package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanListsReadAsAPersonReads(t *testing.T) {
	e := docs(t)
	for _, n := range []string{"scan 10.pdf", "scan 2.pdf", "scan 1.pdf"} {
		e.mkfile(t, "Documents/scans/"+n, "pdf")
	}

	// disk1 and disk2 lack the same files: one plan, shown once, for both.
	r := e.run(t, "--backup", "-n", e.path("Documents/scans"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "\nto BACKUP "+e.path("disk1/Documents")+" and "+e.path("disk2/Documents")+" (the same plan for both)\n"+
		"  new files                      3        9 B\n"+
		"  new directories                1           \n"+
		"  new files:\n"+
		"    + scans/scan 1.pdf\n"+
		"    + scans/scan 2.pdf\n"+
		"    + scans/scan 10.pdf\n"+
		"  new directories:\n"+
		"    + scans/\n", r.Stdout)

	// Deletions in reading order, not as rsync lists them (what a directory holds first).
	require.NoError(t, os.RemoveAll(e.path("disk2")))
	e.mkfile(t, "disk1/Documents/p/keep.sh", "#!/bin/sh\n")
	setMtime(t, e.path("disk1/Documents/p/keep.sh"), past)
	e.mkfile(t, "Documents/p/keep.sh", "#!/bin/sh\n")
	setMtime(t, e.path("Documents/p/keep.sh"), past)
	require.NoError(t, os.Chmod(e.path("Documents/p/keep.sh"), 0o755))
	for _, n := range []string{"page 9.txt", "page 10.txt", "page 1.txt"} {
		e.mkfile(t, "Documents/p/old/"+n, "x")
	}
	r = e.run(t, "--work", "-d", "--no", e.path("Documents/p"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  to delete:\n"+
		"    - p/old/\n"+
		"    - p/old/page 1.txt\n"+
		"    - p/old/page 9.txt\n"+
		"    - p/old/page 10.txt\n", r.Stdout)
	assert.Contains(t, r.Stdout, "    . p/keep.sh (permissions)\n", "what changes in words")
	assert.Contains(t, r.Stdout, "nothing deleted")
}

func TestTrashListGroupsRunsAndListsTheFilesOfARun(t *testing.T) {
	e := docs(t)
	// Two runs that each kept files in both BACKUPs: each location is named once.
	for _, content := range []string{"first", "second"} {
		for _, d := range []string{"disk1", "disk2"} {
			e.mkfile(t, d+"/Documents/scans/scan 10.pdf", "old "+content)
			setMtime(t, e.path(d+"/Documents/scans/scan 10.pdf"), past)
			e.mkfile(t, d+"/Documents/scans/scan 2.pdf", "old")
			setMtime(t, e.path(d+"/Documents/scans/scan 2.pdf"), past)
		}
		e.mkfile(t, "Documents/scans/scan 10.pdf", "new "+content)
		e.mkfile(t, "Documents/scans/scan 2.pdf", "new")
		r := e.run(t, "--backup", "-m", e.path("Documents/scans"))
		require.Equal(t, 0, r.Code, r)
	}
	runs, err := filepath.Glob(e.path("disk1/Documents/.micsync-trash/*"))
	require.NoError(t, err)
	require.Len(t, runs, 2)
	first, second := filepath.Base(runs[0]), filepath.Base(runs[1])

	r := e.run(t, "trash", "list")
	require.Equal(t, 0, r.Code, r)
	for _, d := range []string{"disk1", "disk2"} {
		assert.Equal(t, 1, strings.Count(r.Stdout, "BACKUP "+e.path(d+"/Documents")), r.Stdout)
		assert.Contains(t, r.Stdout, "BACKUP "+e.path(d+"/Documents")+` (configuration "documents"): 2 runs, 4 files, 25 B`+"\n"+
			"  "+first+"  2 files  12 B\n"+
			"  "+second+"  2 files  13 B\n")
	}

	r = e.run(t, "trash", "list", first)
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "trash run "+first+" of BACKUP "+e.path("disk1/Documents")+` (configuration "documents"): 2 files, 12 B`+"\n"+
		"         3 B  scans/scan 2.pdf\n"+
		"         9 B  scans/scan 10.pdf\n"+
		"\n"+
		"trash run "+first+" of BACKUP "+e.path("disk2/Documents")+` (configuration "documents"): 2 files, 12 B`+"\n"+
		"         3 B  scans/scan 2.pdf\n"+
		"         9 B  scans/scan 10.pdf\n", r.Stdout)

	r = e.run(t, "trash", "list", "19990101T000000Z")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: no trash run 19990101T000000Z in a reachable location\nmicsync: hint: micsync trash list shows the runs\n", r.Stderr)
}
