package tests

import (
	"os"
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
