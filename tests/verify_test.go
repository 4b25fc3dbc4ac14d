package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
)

// threeCopies gives Documents/photos/raw.cr2 and notes.txt the same content, size and time in
// WORKING and both BACKUPs.
func threeCopies(t *testing.T) *env {
	t.Helper()
	e := docs(t)
	for _, d := range []string{"Documents", "disk1/Documents", "disk2/Documents"} {
		e.mkfile(t, d+"/photos/raw.cr2", "good pixels, all of them")
		e.mkfile(t, d+"/notes.txt", "notes")
		setMtime(t, e.path(d+"/photos/raw.cr2"), past)
		setMtime(t, e.path(d+"/notes.txt"), past)
	}
	return e
}

// rot changes the content of a file and leaves its size and time as they were.
func rot(t *testing.T, e *env, rel string) {
	t.Helper()
	p := e.path(rel)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	b[0] ^= 0x20
	require.NoError(t, os.WriteFile(p, b, 0o644))
	setMtime(t, p, past)
}

// section returns the lines of out below the heading line that starts with heading, up to
// the next line that does not start with a space.
func section(out, heading string) string {
	var lines []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, heading):
			in = true
		case in && strings.HasPrefix(l, " "):
			lines = append(lines, l)
		case in:
			return strings.Join(lines, "\n")
		}
	}
	return strings.Join(lines, "\n")
}

func TestVerifyNamesTheBadCopyAndRepairsIt(t *testing.T) {
	e := threeCopies(t)
	rot(t, e, "disk2/Documents/photos/raw.cr2")

	r := e.run(t, "verify")
	assert.Equal(t, 1, r.Code, r)
	disk2 := section(r.Stdout, "BACKUP "+e.path("disk2/Documents")+":")
	assert.Contains(t, disk2, "  bad copies (the content differs from the 2 other copies, which agree; size and time are the same, so no run copies them): 1\n    photos/raw.cr2", r)
	assert.Contains(t, section(r.Stdout, "BACKUP "+e.path("disk1/Documents")+":"), "no differences", r)
	assert.Contains(t, section(r.Stdout, "WORKING "+e.path("Documents")+":"), "no differences", r)
	assert.Contains(t, r.Stderr, "micsync: error: the copies of configuration \"documents\" differ: 1 bad copy")
	assert.Contains(t, r.Stderr, "micsync: hint: micsync verify --repair")
	assert.Equal(t, "good pixels, all of them", readFile(t, e.path("Documents/photos/raw.cr2")), "verify changes nothing")
	assert.Equal(t, "Good pixels, all of them", readFile(t, e.path("disk2/Documents/photos/raw.cr2")), "verify changes nothing")
	assert.False(t, exists(e.path("disk2/Documents/.micsync-trash")))

	r = e.run(t, "verify", "--repair")
	assert.Equal(t, 2, r.Code, "no terminal to ask on: %s", r)
	assert.Contains(t, r.Stderr, "--yes")
	assert.Equal(t, "Good pixels, all of them", readFile(t, e.path("disk2/Documents/photos/raw.cr2")))

	r = e.run(t, "verify", "--repair", "--yes")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "repaired 1 file in BACKUP "+e.path("disk2/Documents"))
	assert.Equal(t, "good pixels, all of them", readFile(t, e.path("disk2/Documents/photos/raw.cr2")))
	kept, err := filepath.Glob(e.path("disk2/Documents/.micsync-trash/*/photos/raw.cr2"))
	require.NoError(t, err)
	require.Len(t, kept, 1, "the bad copy is kept in the trash")
	assert.Equal(t, "Good pixels, all of them", readFile(t, kept[0]))
	for _, d := range []string{"Documents", "disk1/Documents"} {
		assert.False(t, exists(e.path(d+"/.micsync-trash")), "only the bad copy is replaced")
	}

	r = e.run(t, "verify")
	assert.Equal(t, 0, r.Code, r)
}

func TestVerifyCannotTellBetweenTwoCopies(t *testing.T) {
	e := threeCopies(t)
	require.NoError(t, os.RemoveAll(e.path("disk2"))) // unplugged
	rot(t, e, "disk1/Documents/notes.txt")

	r := e.run(t, "verify", "--repair", "--yes")
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stdout, "cannot tell which copy of notes.txt is right")
	assert.Contains(t, r.Stdout, "WORKING "+e.path("Documents")+": modified "+past.Local().Format("2006-01-02 15:04:05"))
	assert.Contains(t, r.Stdout, "BACKUP "+e.path("disk1/Documents")+": modified "+past.Local().Format("2006-01-02 15:04:05"))
	assert.NotContains(t, r.Stdout, "repaired")
	assert.Equal(t, "Notes", readFile(t, e.path("disk1/Documents/notes.txt")), "never touched: the good copy is not known")
	assert.Equal(t, "notes", readFile(t, e.path("Documents/notes.txt")))
	assert.False(t, exists(e.path("disk1/Documents/.micsync-trash")))
	assert.False(t, exists(e.path("Documents/.micsync-trash")))
}

func TestVerifyLeavesMicsyncsOwnEntriesOut(t *testing.T) {
	e := threeCopies(t)
	e.mkfile(t, "disk1/Documents/.micsync-trash/20240101T000000Z/notes.txt", "old notes")
	e.mkfile(t, "disk1/Documents/.micsync-location", "marker")
	e.mkfile(t, "disk2/Documents/.micsync/tmp/left", "x")

	r := e.run(t, "verify")
	assert.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stdout, ".micsync")

	r = e.run(t, "verify", e.path("disk1/Documents/.micsync-trash"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync's trash")
}

func TestVerifyReportsOrdinaryDifferencesBelowAPath(t *testing.T) {
	e := threeCopies(t)
	e.mkfile(t, "Documents/photos/new.jpg", "new")
	e.mkfile(t, "disk1/Documents/photos/raw.cr2", "edited in the BACKUP, longer")
	rot(t, e, "disk2/Documents/notes.txt") // not below the path

	r := e.run(t, "verify", e.path("Documents/photos"))
	assert.Equal(t, 1, r.Code, r)
	disk1 := section(r.Stdout, "BACKUP "+e.path("disk1/Documents")+":")
	assert.Contains(t, disk1, "differ from WORKING "+e.path("Documents")+" in content and in size or time: 1\n    photos/raw.cr2", r)
	assert.Contains(t, disk1, "missing here (WORKING "+e.path("Documents")+" has them): 1\n    photos/new.jpg", r)
	assert.NotContains(t, r.Stdout, "notes.txt", "only below the path")
	assert.NotContains(t, r.Stdout, "bad copies", "an edit is no bad copy")
	assert.Contains(t, r.Stderr, "1 file that differs in size or time")

	r = e.run(t, "verify", "--repair", "--yes", e.path("disk2/Documents/photos"))
	assert.Equal(t, 1, r.Code, r)
	assert.NotContains(t, r.Stdout, "repaired")
	assert.Equal(t, "edited in the BACKUP, longer", readFile(t, e.path("disk1/Documents/photos/raw.cr2")))

	r = e.run(t, "verify", "--configuration", "nope")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `micsync: error: there is no configuration "nope" in `)
	assert.Contains(t, r.Stderr, "micsync: hint: the configurations are: documents")

	require.NoError(t, os.RemoveAll(e.path("disk1")))
	require.NoError(t, os.RemoveAll(e.path("disk2")))
	r = e.run(t, "verify", "--configuration", "documents")
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, `micsync: error: configuration "documents" has 1 location reachable; verify needs two to compare`)
}

func TestVerifyWithinABudgetGoesOnWhereTheLastStopped(t *testing.T) {
	e := docs(t)
	e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("state"))
	names := []string{"a.bin", "b.bin", "c.bin", "d.bin", "e.bin"}
	for _, d := range []string{"Documents", "disk1/Documents", "disk2/Documents"} {
		for _, n := range names {
			e.mkfile(t, d+"/"+n, strings.Repeat(n[:1], 1000))
			setMtime(t, e.path(d+"/"+n), past)
		}
	}
	rot(t, e, "disk1/Documents/e.bin") // found only when its turn comes

	r := e.run(t, "verify", "--budget", "2500B")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "verified 2 files (2.0 kB) of 5 within the budget; the next verify goes on with the 3 verified longest ago")

	r = e.run(t, "verify", "--status")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "BACKUP "+e.path("disk1/Documents")+": 5 files (5.0 kB) known\n    verified in the last 30 days: 2 files (2.0 kB), 40%")
	assert.True(t, exists(e.path("disk1/Documents/.micsync/verified.json")), "remembered on the disc")
	assert.False(t, exists(e.path("Documents/.micsync")), "nothing of micsync's added to WORKING")
	recs, err := filepath.Glob(e.path("state/micsync/verified/*.json"))
	require.NoError(t, err)
	assert.Len(t, recs, 3, "and on this machine, for every location")

	r = e.run(t, "verify", "--budget", "2500B")
	require.Equal(t, 0, r.Code, "c and d: %s", r)
	assert.Contains(t, r.Stdout, "verified 2 files (2.0 kB) of 5 within the budget")

	r = e.run(t, "verify", "--budget", "2500B")
	assert.Equal(t, 1, r.Code, "e's turn: %s", r)
	assert.Contains(t, section(r.Stdout, "BACKUP "+e.path("disk1/Documents")+":"), "e.bin")
	assert.Contains(t, r.Stdout, "verified 2 files (2.0 kB) of 5 within the budget", "e, then the one verified longest ago")

	r = e.run(t, "verify", "--status")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "verified in the last 365 days: 5 files (5.0 kB), 100%")

	r = e.run(t, "verify", "--budget", "soon")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: --budget takes a time")
	r = e.run(t, "verify", "--status", "--repair")
	assert.Equal(t, 2, r.Code, r)
}

func TestVerifyWithinATimeBudget(t *testing.T) {
	e := threeCopies(t)
	e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("state"))
	r := e.run(t, "verify", "--budget", "1m")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "verified 2 files (29 B) of 2 within the budget\n")

	for i := range 30 {
		for _, d := range []string{"Documents", "disk1/Documents", "disk2/Documents"} {
			e.mkfile(t, fmt.Sprintf("%s/many/%02d.txt", d, i), "x")
		}
	}
	slowChecksums(t, e, "1")
	start := time.Now()
	r = e.run(t, "verify", "--budget", "1s")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "verified 10 files (10 B) of 32 within the budget; the next verify goes on with the 22 verified longest ago", r)
	assert.Less(t, time.Since(start), 10*time.Second, "it stopped when the time was spent")
}

// slowChecksums makes every comparison by content wait secs before it starts.
func slowChecksums(t *testing.T, e *env, secs string) {
	t.Helper()
	real, err := exec.LookPath("rsync")
	require.NoError(t, err)
	bin := t.TempDir()
	script := "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --checksum ] && sleep " + secs + "; done\nexec " + real + " \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "rsync"), []byte(script), 0o755))
	e.Env = append(e.Env, "PATH="+bin+":"+os.Getenv("PATH"))
}

func TestTerminalVerifyShowsProgressAndAsksBeforeRepairing(t *testing.T) {
	e := threeCopies(t)
	rot(t, e, "disk1/Documents/notes.txt")
	s := e.startPTY(t, "verify", "--repair")
	raw := s.ExpectRaw("Replace 1 bad copy from good ones (what is replaced goes to the trash)?")
	assert.Regexp(t, `\r\x1b\[K *\d+% \d`, raw, "a progress line while comparing")
	s.SendLine("y")
	s.Expect("repaired 1 file in BACKUP " + e.path("disk1/Documents"))
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "notes", readFile(t, e.path("disk1/Documents/notes.txt")))
}

func TestTerminalCtrlCStopsAVerify(t *testing.T) {
	e := threeCopies(t)
	slowChecksums(t, e, "30") // Ctrl-C comes while a comparison goes on
	s := e.startPTY(t, "verify")
	s.Expect("comparing WORKING")
	start := time.Now()
	s.Send(keyCtrlC)
	s.Expect("micsync: error: interrupted")
	assert.Equal(t, 130, s.Wait())
	assert.Less(t, time.Since(start), 10*time.Second, "stopped, not waited for")
}

func TestVerifySaysWhatItCouldNotRead(t *testing.T) {
	e := threeCopies(t)
	asNobody(t, e) // as root, nothing is unreadable
	locked := e.path("disk1/Documents/notes.txt")
	require.NoError(t, os.Chmod(locked, 0o000))
	t.Cleanup(func() { os.Chmod(locked, 0o644) })
	lockedHere := e.path("Documents/photos/raw.cr2") // the copy the others are compared with
	require.NoError(t, os.Chmod(lockedHere, 0o000))
	t.Cleanup(func() { os.Chmod(lockedHere, 0o644) })

	r := e.run(t, "verify", "--repair", "--yes")
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, section(r.Stdout, "BACKUP "+e.path("disk1/Documents")+":"), "could not read: 1\n    notes.txt (Permission denied (13))", r)
	assert.NotContains(t, r.Stdout, "bad copies", "rsync takes what it cannot read for other content: no judge may")
	assert.NotContains(t, r.Stdout, "repaired")
	assert.Contains(t, section(r.Stdout, "WORKING "+e.path("Documents")+":"), "could not read: 1\n    photos/raw.cr2 (Permission denied (13))", r)
	assert.Contains(t, r.Stderr, "2 entries that could not be read")
	require.NoError(t, os.Chmod(locked, 0o644))
	require.NoError(t, os.Chmod(lockedHere, 0o644))
	assert.Equal(t, "notes", readFile(t, locked))
	assert.Equal(t, "good pixels, all of them", readFile(t, lockedHere))
	assert.False(t, exists(e.path("Documents/.micsync-trash")))
}

func TestVerifyARemoteBackup(t *testing.T) {
	srv := startSSHD(t)
	e, nas := remoteDocs(t, srv, srv.IdentityFile)
	remoteConfig(t, e, []string{"~/Documents"}, []string{"~/disk1/Documents", at(srv, nas)}, sshSettings(srv, srv.IdentityFile))
	for _, d := range []string{"Documents", "disk1/Documents", "nas/Documents"} {
		for _, n := range remoteOddNames {
			e.mkfile(t, d+"/odd/"+n, "content of "+n)
			setMtime(t, e.path(d+"/odd/"+n), past)
		}
	}
	rot(t, e, "nas/Documents/odd/"+remoteOddNames[1])

	r := e.run(t, "verify")
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, section(r.Stdout, "BACKUP "+at(srv, nas)+":"), "bad copies", r)
	assert.Contains(t, section(r.Stdout, "BACKUP "+at(srv, nas)+":"), ui.Show("odd/"+remoteOddNames[1]), r)

	r = e.run(t, "verify", "--repair", "--yes")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "content of "+remoteOddNames[1], readFile(t, filepath.Join(nas, "odd", remoteOddNames[1])))
	kept, err := filepath.Glob(filepath.Join(nas, ".micsync-trash", "*", "odd", "quote's*"))
	require.NoError(t, err)
	assert.Len(t, kept, 1, "the bad copy is in the remote BACKUP's trash")
}

func TestVerifyRepairsFilesWithOddNames(t *testing.T) {
	e := docs(t)
	e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("state"))
	names := []string{"new\nline.txt", "caf\xe9", "-leading-dash", "--delete", `back\slash`, "star*?["}
	for _, d := range []string{"Documents", "disk1/Documents", "disk2/Documents"} {
		for _, n := range names {
			e.mkfile(t, d+"/odd/"+n, "content of "+n)
			setMtime(t, e.path(d+"/odd/"+n), past)
		}
	}
	for _, n := range names {
		rot(t, e, "disk1/Documents/odd/"+n)
	}
	r := e.run(t, "verify", "--budget", "1GB", e.path("Documents/odd"))
	assert.Equal(t, 1, r.Code, r)
	bad := section(r.Stdout, "BACKUP "+e.path("disk1/Documents")+":") + "\n"
	for _, n := range names {
		assert.Contains(t, bad, "    "+ui.Show("odd/"+n)+"\n", n)
	}
	r = e.run(t, "verify", "--repair", "--yes", e.path("disk2/Documents/odd"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "repaired 6 files in BACKUP "+e.path("disk1/Documents"))
	for _, n := range names {
		assert.Equal(t, "content of "+n, readFile(t, e.path("disk1/Documents/odd/"+n)), n)
	}
	r = e.run(t, "verify", "--status")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "BACKUP "+e.path("disk1/Documents")+": 6 files")
	assert.Contains(t, r.Stdout, "verified in the last 30 days: 6 files", "every name found its record again")
}

func TestVerifyJudgesWhatOnlyTheBackupsHold(t *testing.T) {
	e := threeCopies(t)
	require.NoError(t, os.MkdirAll(e.path("disk3/Documents"), 0o755))
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"],
		"backup": ["~/disk1/Documents", "~/disk2/Documents", "~/disk3/Documents"]}]}`)
	for _, d := range []string{"disk1/Documents", "disk2/Documents", "disk3/Documents"} {
		e.mkfile(t, d+"/deleted in WORKING.txt", "kept by the backups")
		setMtime(t, e.path(d+"/deleted in WORKING.txt"), past)
	}
	for _, f := range []string{"notes.txt", "photos/raw.cr2"} {
		e.mkfile(t, "disk3/Documents/"+f, readFile(t, e.path("Documents/"+f)))
		setMtime(t, e.path("disk3/Documents/"+f), past)
	}
	rot(t, e, "disk3/Documents/deleted in WORKING.txt")

	r := e.run(t, "verify", "--repair", "--yes")
	assert.Equal(t, 0, r.Code, r)
	assert.Contains(t, section(r.Stdout, "BACKUP "+e.path("disk3/Documents")+":"), "bad copies (the content differs from the 2 other copies, which agree; size and time are the same, so no run copies them): 1\n    deleted in WORKING.txt", r)
	assert.Contains(t, r.Stdout, "repaired 1 file in BACKUP "+e.path("disk3/Documents"))
	assert.Equal(t, "kept by the backups", readFile(t, e.path("disk3/Documents/deleted in WORKING.txt")))
}
