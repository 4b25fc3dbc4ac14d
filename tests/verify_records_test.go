package tests

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
	"micsync/internal/record"
)

// byRoot returns the records of one run, by their destination's root.
func byRoot(t *testing.T, recs []record.Record, id string) map[string]record.Record {
	t.Helper()
	m := map[string]record.Record{}
	for _, r := range recs {
		if r.ID == id {
			m[string(r.Destination.Root)] = r
		}
	}
	return m
}

func TestVerifyAndRepairAreRecordedHereAndOnEachDisc(t *testing.T) {
	e := threeCopies(t)
	rot(t, e, "disk2/Documents/photos/raw.cr2")
	work, disk1, disk2 := e.path("Documents"), e.path("disk1/Documents"), e.path("disk2/Documents")
	size := int64(len("good pixels, all of them") + len("notes"))

	r := e.run(t, "verify")
	require.Equal(t, 1, r.Code, r)
	local := e.localRecords(t)
	require.Len(t, local, 3, "one record for each location compared")
	first := byRoot(t, local, local[0].ID)
	require.Len(t, first, 3, "of one run")
	for root, rec := range first {
		assert.Equal(t, "verify", rec.Action, root)
		assert.Equal(t, "documents", rec.Configuration)
		assert.Equal(t, []jsonout.Name{"."}, rec.Paths)
		assert.Equal(t, jsonout.Name(work), rec.Source.Root, "compared with WORKING")
		require.NotNil(t, rec.Verified, root)
		assert.Equal(t, 2, rec.Verified.Files, root)
		assert.Equal(t, size, rec.Verified.Bytes, root)
		assert.Zero(t, rec.Verified.Repaired)
	}
	assert.Equal(t, record.Failed, first[disk2].Result)
	assert.Equal(t, "1 bad copy", first[disk2].Error)
	assert.Equal(t, 1, first[disk2].Verified.Bad)
	for _, root := range []string{work, disk1} {
		assert.Equal(t, record.OK, first[root].Result, "the copies in %s are good", root)
		assert.Zero(t, first[root].Verified.Bad)
	}
	for _, root := range []string{disk1, disk2} {
		on := discRecords(t, root)
		require.Len(t, on, 1, "the disc holds its own record")
		assert.Equal(t, first[root], on[0])
	}
	assert.NoFileExists(t, e.path("Documents/.micsync/runs.jsonl"), "verify adds nothing of its own to WORKING")

	r = e.run(t, "verify", "--repair", "--yes")
	require.Equal(t, 0, r.Code, r)
	local = e.localRecords(t)
	require.Len(t, local, 6)
	second := byRoot(t, local, local[5].ID)
	require.Len(t, second, 3)
	for root, rec := range second {
		assert.Equal(t, record.OK, rec.Result, "all agree after the repair: %s", root)
		assert.Zero(t, rec.Verified.Bad, root)
	}
	assert.Equal(t, 1, second[disk2].Verified.Repaired)
	assert.Zero(t, second[disk1].Verified.Repaired)
	on := discRecords(t, disk2)
	require.Len(t, on, 2)
	assert.Equal(t, second[disk2], on[1])

	// log lists them, newest first; one run's record shows what verify counts.
	r = e.run(t, "log")
	require.Equal(t, 0, r.Code, r)
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	require.Len(t, lines, 6, r.Stdout)
	repaired := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d  ` + second[disk2].ID + `  ok       verify \. in BACKUP ` +
		regexp.QuoteMeta(disk2) + `: 2 files compared \(29 B\), 1 bad copy repaired$`)
	bad := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d  ` + first[disk2].ID + `  FAILED   verify \. in BACKUP ` +
		regexp.QuoteMeta(disk2) + `: 2 files compared \(29 B\); 1 bad copy$`)
	assert.True(t, anyMatch(lines[:3], repaired), r.Stdout)
	assert.True(t, anyMatch(lines[3:], bad), r.Stdout)

	r = e.run(t, "log", first[disk2].ID)
	require.Equal(t, 0, r.Code, r)
	for _, want := range []string{"  action         verify\n", "  location       BACKUP " + disk2 + "\n",
		"  compared with  WORKING " + work + "\n", "  compared       2 files (29 B)\n",
		"  found          1 bad, 0 unknown which copy is right, 0 differing in size or time, 0 unreadable\n",
		"  repaired       0 bad copies\n", "  result         failed\n", "  error          1 bad copy\n"} {
		assert.Contains(t, r.Stdout, want)
	}
	assert.NotContains(t, r.Stdout, "planned")

	// A verify is no copy: status knows no backup yet, only that the discs were seen.
	r = e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "no backup recorded yet", r.Stdout)
	assert.Regexp(t, `BACKUP +`+regexp.QuoteMeta(disk2)+` +reachable; last run just now`, r.Stdout)
}

// slices reports whether one of lines matches re.
func anyMatch(lines []string, re *regexp.Regexp) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

func TestVerifyAfterABackupLeavesTheCopysTimeAlone(t *testing.T) {
	e := threeCopies(t)
	r := e.run(t, "--backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	backup := e.localRecords(t)[0]
	rot(t, e, "disk1/Documents/notes.txt")
	r = e.run(t, "verify", e.path("Documents/notes.txt"))
	require.Equal(t, 1, r.Code, r)

	recs := e.localRecords(t)
	require.Len(t, recs, 5, "two backups, three verifies")
	v := byRoot(t, recs, recs[4].ID)
	assert.Equal(t, []jsonout.Name{"notes.txt"}, v[e.path("disk1/Documents")].Paths)
	assert.Equal(t, record.Failed, v[e.path("disk1/Documents")].Result)
	assert.Equal(t, 1, v[e.path("disk1/Documents")].Verified.Files)

	r = e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, ". (the whole location)")
	assert.NotContains(t, r.Stdout, "notes.txt", "a verified path is no folder that was backed up")
	assert.Equal(t, 2, strings.Count(r.Stdout, "copy of just now ("+time.Time(backup.Time).Local().Format("2006-01-02 15:04")+")"), r.Stdout)
	assert.NotContains(t, r.Stdout, "the last run", "a failed verify is no failed copy")
}

func TestCtrlCStopsAVerifyAndRecordsIt(t *testing.T) {
	e := threeCopies(t)
	slowChecksums(t, e, "30")
	s := e.startPTY(t, "verify")
	s.Expect("comparing WORKING")
	s.Send(keyCtrlC)
	s.Expect("micsync: error: interrupted")
	require.Equal(t, 130, s.Wait())
	recs := e.localRecords(t)
	require.Len(t, recs, 3)
	for _, rec := range recs {
		assert.Equal(t, record.Stopped, rec.Result)
		assert.Equal(t, "interrupted", rec.Error)
	}
	assert.Len(t, discRecords(t, e.path("disk1/Documents")), 1)
}

func TestVerifyOfARemoteBackupIsRecordedThere(t *testing.T) {
	srv := startSSHD(t)
	e, nas := remoteDocs(t, srv, srv.IdentityFile)
	remoteConfig(t, e, []string{"~/Documents"}, []string{"~/disk1/Documents", at(srv, nas)}, sshSettings(srv, srv.IdentityFile))
	for _, d := range []string{"Documents", "disk1/Documents", "nas/Documents"} {
		e.mkfile(t, d+"/notes.txt", "notes")
		setMtime(t, e.path(d+"/notes.txt"), past)
	}
	rot(t, e, "nas/Documents/notes.txt")

	r := e.run(t, "verify")
	require.Equal(t, 1, r.Code, r)
	assert.NotContains(t, r.Stderr, "warning", r)
	on := discRecords(t, nas) // the server is this machine
	require.Len(t, on, 1, "the host keeps its own record")
	assert.Equal(t, "verify", on[0].Action)
	assert.Equal(t, jsonout.Name(at(srv, nas)), on[0].Destination.Root)
	assert.Equal(t, record.Failed, on[0].Result)
	assert.Equal(t, 1, on[0].Verified.Bad)
	local := byRoot(t, e.localRecords(t), on[0].ID)
	assert.Equal(t, on[0], local[at(srv, nas)])
	assert.Equal(t, record.OK, local[e.path("disk1/Documents")].Result)
}
