package tests

// Issue 14 on real discs: what a disc formatted exFAT or FAT32 cannot hold, and that NTFS
// holds it all.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What exFAT cannot hold is listed before any question and left out; the rest is copied, the
// destination fails with the count, nothing on the disc is overwritten with the wrong file,
// and --work -D back from the disc deletes none of it from WORKING.
func TestDisc14WhatExFATCannotHold(t *testing.T) {
	for _, fsys := range []string{exfat, fat32} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			whatTheDiscCannotHold(t, fsys)
		})
	}
}

// oddTree writes what exFAT and FAT32 cannot hold into w, with two plain files.
func oddTree(t *testing.T, e *env, w string) {
	t.Helper()
	for name, content := range map[string]string{
		"Report.txt": "upper", "report.txt": "lower", "Dir/same": "upper dir", "dir/same": "lower dir",
		"a:b": "colon", "q?": "question", "st*r": "star", "l<t": "less", "p|p/in.txt": "pipe dir",
		"plain.txt": "plain", "sub/ok.txt": "ok",
	} {
		e.mkfile(t, filepath.Join(w, name), content)
	}
	require.NoError(t, os.Symlink("plain.txt", filepath.Join(w, "link")))
}

// TestDisc14NTFSHoldsItAll backs the same tree up to NTFS, which holds every one of those
// names and the symlink: all is copied, and the second run is up to date.
func TestDisc14NTFSHoldsItAll(t *testing.T) {
	e, h, w, b := backupOnDisc(t, ntfs)
	oddTree(t, e, w)
	r := e.run(t, "--backup", w)
	require.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stdout, "cannot hold")
	assert.Equal(t, h.asOn(locationFiles(t, w)), locationFiles(t, b))
	r = e.run(t, "--backup", "-m", w)
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "nothing to do: up to date")
}

func whatTheDiscCannotHold(t *testing.T, fsys string) {
	e, h, w, b := backupOnDisc(t, fsys)
	oddTree(t, e, w)
	work := locationFiles(t, w)

	r := e.run(t, "--backup", w)
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stdout, "  cannot hold 10 entries, left out:\n"+
		"    ! Dir and dir: the same name when case is ignored\n"+
		"    ! Report.txt and report.txt: the same name when case is ignored\n"+
		`    ! a:b: ":" cannot be in a name there`+"\n"+
		`    ! l<t: "<" cannot be in a name there`+"\n"+
		"    ! link: no symlinks there\n"+
		`    ! p|p: "|" cannot be in a name there`+"\n"+
		`    ! q?: "?" cannot be in a name there`+"\n"+
		`    ! st*r: "*" cannot be in a name there`+"\n", r)
	assert.Contains(t, r.Stdout, "FAILED  "+b+": 10 entries left out: the disc cannot hold them; 2 files copied (7 B), 1 directory created", r)
	assert.Contains(t, r.Stderr, "micsync: hint: rename them, or keep this BACKUP on a disc formatted ext4 (or NTFS), which holds them all", r)
	assert.NotContains(t, r.Stderr, "rsync:", "no raw rsync error")
	want := map[string]string{"plain.txt": work["plain.txt"], "sub": work["sub"], "sub/ok.txt": work["sub/ok.txt"]}
	assert.Equal(t, h.asOn(want), locationFiles(t, b))

	// A second run does the same: nothing swaps, nothing goes to the trash.
	r = e.run(t, "--backup", "-m", w)
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stdout, "  cannot hold 10 entries, left out:\n", r)
	assert.Equal(t, h.asOn(want), locationFiles(t, b))
	_, err := os.Stat(filepath.Join(b, ".micsync-trash"))
	assert.True(t, os.IsNotExist(err), "nothing was trashed: %v", err)

	// Back from the disc with -D: what the disc could not hold stays in WORKING.
	r = e.run(t, "--work", "-D", "-m", w)
	assert.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  not deleted or overwritten, 10 entries the source cannot hold:\n", r)
	assert.Contains(t, r.Stdout, `    ! a:b: ":" cannot be in a name in the source`+"\n", r)
	assert.Equal(t, work, locationFiles(t, w), "WORKING is as it was")
}

// A pair of names that differ only in case, one of them on the disc already: the other is not
// copied over it, and neither goes to the trash.
func TestDisc14CasePairNeverOverwrites(t *testing.T) {
	e, _, w, b := backupOnDisc(t, exfat)
	e.mkfile(t, "w/Report.txt", "upper")
	r := e.run(t, "--backup", w)
	require.Equal(t, 0, r.Code, r)
	e.mkfile(t, "w/report.txt", "lower, and longer")
	before := locationFiles(t, b)

	r = e.run(t, "--backup", "-m", w)
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stdout, "    ! Report.txt and report.txt: the same name when case is ignored\n", r)
	assert.Contains(t, r.Stdout, "FAILED  "+b+": 2 entries left out: the disc cannot hold them", r)
	assert.Equal(t, before, locationFiles(t, b))
	assert.Equal(t, "upper", readFile(t, filepath.Join(b, "Report.txt")))
}
