package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unplug moves a disc's directory away, as if it were unplugged, and returns the function that
// plugs it in again.
func (e *env) unplug(t *testing.T, disk string) func() {
	t.Helper()
	require.NoError(t, os.Rename(e.path(disk), e.path(disk+".away")))
	return func() { require.NoError(t, os.Rename(e.path(disk+".away"), e.path(disk))) }
}

// filesBelow lists every file below dir with its content, to show that a command wrote nothing.
func filesBelow(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			out[p] = fi.ModTime().String() + " " + string(b)
		}
		return nil
	})
	return out
}

// statusFolder returns the lines of a status's output from the line of folder to the next empty line.
func statusFolder(out, folder string) string {
	i := strings.Index(out, "\n  "+folder+"\n")
	if i < 0 {
		return ""
	}
	rest := out[i+1:]
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

func TestStatusFromLocalRecordsOnly(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	e.mkfile(t, "Documents/photos/cat.jpg", "cat")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	require.Equal(t, 0, e.run(t, "--backup", "--to", e.path("disk1/Documents"), e.path("Documents/photos")).Code)
	e.unplug(t, "disk1")
	e.unplug(t, "disk2")
	before := filesBelow(t, e.Home)

	r := e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)
	d1, d2 := e.path("disk1/Documents"), e.path("disk2/Documents")
	assert.Contains(t, r.Stdout, "configuration \"documents\"\n")
	assert.Regexp(t, `(?m)^  WORKING  `+e.path("Documents")+` +reachable; last run just now$`, r.Stdout)
	assert.Regexp(t, `(?m)^  BACKUP   `+d1+` +not reachable: does not exist \(disc not mounted\?\); last seen just now \(\d{4}-\d\d-\d\d \d\d:\d\d\)$`, r.Stdout)
	assert.Regexp(t, `(?m)^    `+d1+`  copy of just now \(\d{4}-\d\d-\d\d \d\d:\d\d\)$`, statusFolder(r.Stdout, "taxes"))
	assert.Regexp(t, `(?m)^    `+d2+`  copy of just now \(.*\)$`, statusFolder(r.Stdout, "taxes"))
	assert.Regexp(t, `(?m)^    `+d1+`  copy of just now \(.*\)$`, statusFolder(r.Stdout, "photos"))
	assert.Regexp(t, `(?m)^    `+d2+`  no complete copy recorded$`, statusFolder(r.Stdout, "photos"))
	assert.Contains(t, r.Stdout, "\n  on one disc only: photos\n")
	assert.NotContains(t, r.Stdout, "on no disc")
	assert.Equal(t, before, filesBelow(t, e.Home), "status writes nothing")
}

func TestStatusFromADiscsRecordOnly(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	// A new machine: nothing remembered, one disc plugged in.
	require.NoError(t, os.RemoveAll(e.path(".local/state")))
	e.unplug(t, "disk2")
	e.mkfile(t, "Documents/taxes/2025.txt", "more")

	r := e.run(t, "status", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)
	d1, d2 := e.path("disk1/Documents"), e.path("disk2/Documents")
	assert.Regexp(t, `(?m)^  BACKUP   `+d1+` +reachable; last run just now$`, r.Stdout)
	assert.Regexp(t, `(?m)^  BACKUP   `+d2+` +not reachable: .*; no run recorded$`, r.Stdout)
	assert.Regexp(t, `(?m)^    `+d1+`  copy of just now \(.*\); 1 entry new or modified in WORKING since$`, statusFolder(r.Stdout, "taxes"))
	assert.Regexp(t, `(?m)^    `+d2+`  no complete copy recorded$`, statusFolder(r.Stdout, "taxes"))
	assert.Contains(t, r.Stdout, "\n  on one disc only: taxes\n")
	assert.NoDirExists(t, e.path(".local/state"), "status writes nothing")
}

func TestStatusMergesLocalAndDiscRecords(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	e.mkfile(t, "Documents/photos/cat.jpg", "cat")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	require.NoError(t, os.RemoveAll(e.path(".local/state"))) // only the discs tell of taxes
	plug := e.unplug(t, "disk2")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/photos")).Code) // here and on disk1
	plug()

	r := e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	d1, d2 := e.path("disk1/Documents"), e.path("disk2/Documents")
	assert.Regexp(t, `(?m)^    `+d1+`  copy of just now \(.*\); nothing changed in WORKING since$`, statusFolder(r.Stdout, "taxes"))
	assert.Regexp(t, `(?m)^    `+d2+`  copy of just now \(.*\); nothing changed in WORKING since$`, statusFolder(r.Stdout, "taxes"))
	assert.Regexp(t, `(?m)^    `+d1+`  copy of just now \(.*\); nothing changed in WORKING since$`, statusFolder(r.Stdout, "photos"))
	assert.Regexp(t, `(?m)^    `+d2+`  no complete copy recorded$`, statusFolder(r.Stdout, "photos"))
	assert.Equal(t, 1, strings.Count(r.Stdout, "\n  photos\n"), "photos once, though two files tell of it")

	r = e.run(t, "log")
	require.Equal(t, 0, r.Code, r)
	assert.Len(t, strings.Split(strings.TrimSpace(r.Stdout), "\n"), 3, "each record once:\n%s", r.Stdout)
}

func TestStatusShowsAFailedRun(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/notes.txt", "first")
	setMtime(t, e.path("Documents/notes.txt"), past)
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/notes.txt")).Code)
	e.mkfile(t, "Documents/notes.txt", "second")
	require.Equal(t, 2, e.run(t, "--backup", e.path("Documents/notes.txt")).Code) // no terminal to ask

	r := e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Regexp(t, `(?m)^    `+e.path("disk1/Documents")+`  copy of just now \(.*\); the last run, just now, failed: there are modified files to overwrite and there is no terminal to ask on; 1 entry new or modified in WORKING since$`,
		statusFolder(r.Stdout, "notes.txt"))
	assert.Contains(t, r.Stdout, "\n  on one disc only: notes.txt\n", "disk2 never got it")
}

func TestStatusWithoutConfigFile(t *testing.T) {
	e := newEnv(t)
	r := e.run(t, "status")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: ")
	r = e.run(t, "log")
	assert.Equal(t, 0, r.Code, r)
	assert.Equal(t, "no run recorded\n", r.Stdout)
}

// A disc plugged into a new machine is mounted elsewhere: its record still tells.
func TestStatusOfADiscMountedElsewhere(t *testing.T) {
	e := docsOneBackup(t)
	r := e.run(t, "mark", e.path("disk1/Documents"))
	require.Equal(t, 0, r.Code, r)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)

	require.NoError(t, os.RemoveAll(e.path(".local/state")))
	require.NoError(t, os.Rename(e.path("disk1"), e.path("media")))
	e.writeConfig(t, `{"configs": [{"name": "docs", "work": ["~/Documents"], "backup": ["~/media/Documents"]}]}`)
	r = e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Regexp(t, `(?m)^    `+e.path("media/Documents")+`  copy of just now \(.*\); nothing changed in WORKING since$`, statusFolder(r.Stdout, "taxes"))
	r = e.run(t, "log", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "ok       backup taxes to BACKUP "+e.path("media/Documents")+": 1 file copied")
}
