package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
	"micsync/internal/record"
)

// localRecords reads this machine's records in the env's HOME.
func (e *env) localRecords(t *testing.T) []record.Record {
	t.Helper()
	return readRecords(t, e.path(".local/state/micsync/runs.jsonl"))
}

// discRecords reads the records in the own directory of the location at root.
func discRecords(t *testing.T, root string) []record.Record {
	t.Helper()
	return readRecords(t, filepath.Join(root, ".micsync", "runs.jsonl"))
}

func readRecords(t *testing.T, file string) []record.Record {
	t.Helper()
	recs, damaged, err := record.Read(file)
	require.NoError(t, err)
	require.Zero(t, damaged, file)
	return recs
}

func TestRunsAreRecordedHereAndOnEachDisc(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	r := e.run(t, "--backup", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)

	local := e.localRecords(t)
	require.Len(t, local, 2, "one record for each destination")
	assert.Equal(t, local[0].ID, local[1].ID, "of one run")
	assert.Regexp(t, `^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$`, local[0].ID)
	for i, disk := range []string{"disk1", "disk2"} {
		l := local[i]
		assert.Equal(t, jsonout.Name(e.path(disk, "Documents")), l.Destination.Root)
		assert.Equal(t, "BACKUP", l.Destination.Role)
		assert.Equal(t, jsonout.Name(e.path("Documents")), l.Source.Root)
		assert.Equal(t, "e2e-test", l.Version)
		assert.Equal(t, "documents", l.Configuration)
		assert.Equal(t, "backup", l.Action)
		assert.Equal(t, []jsonout.Name{"taxes"}, l.Paths)
		assert.Equal(t, record.OK, l.Result)
		assert.Equal(t, 1, l.Done.Files)
		assert.Equal(t, int64(6), l.Done.Bytes)
		assert.Equal(t, 2, l.Planned.New.Count)
		assert.False(t, time.Time(l.Time).IsZero())

		on := discRecords(t, e.path(disk, "Documents"))
		require.Len(t, on, 1, "a disc holds its own record")
		assert.Equal(t, l, on[0])
	}
	assert.NoFileExists(t, e.path("Documents/.micsync/runs.jsonl"), "the source gets none")

	r = e.run(t, "--backup", "-n", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	assert.Len(t, e.localRecords(t), 2, "a dry run records nothing")
}

func TestFailedRunIsRecorded(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/notes.txt", "old")
	setMtime(t, e.path("disk1/Documents/notes.txt"), past)
	e.mkfile(t, "Documents/notes.txt", "new")
	r := e.run(t, "--backup", e.path("Documents/notes.txt")) // no terminal for the question
	require.Equal(t, 2, r.Code, r)

	for _, recs := range [][]record.Record{e.localRecords(t), discRecords(t, e.path("disk1/Documents"))} {
		require.Len(t, recs, 1)
		assert.Equal(t, record.Failed, recs[0].Result)
		assert.Equal(t, "there are modified files to overwrite and there is no terminal to ask on", recs[0].Error)
		assert.Equal(t, 1, recs[0].Planned.Modified.Count)
		assert.Zero(t, recs[0].Done.Files)
	}
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/notes.txt")))

	r = e.run(t, "--backup", "--no", e.path("Documents/notes.txt"))
	require.Equal(t, 0, r.Code, r)
	recs := discRecords(t, e.path("disk1/Documents"))
	require.Len(t, recs, 2)
	assert.Equal(t, record.OK, recs[1].Result)
	assert.Equal(t, 1, recs[1].Declined.Overwrite, "what was declined is recorded")
}

func TestRecordThatCannotBeWrittenOnTheDiscIsAWarning(t *testing.T) {
	chattr, err := exec.LookPath("chattr")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs chattr and root to make micsync's directory on the disc take no new file")
	}
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/a.txt", "a")
	r := e.run(t, "--backup", e.path("Documents/a.txt"))
	require.Equal(t, 0, r.Code, r)
	own := e.path("disk1/Documents/.micsync")
	if out, err := exec.Command(chattr, "+i", own).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command(chattr, "-i", own).Run() })

	e.mkfile(t, "Documents/b.txt", "b")
	r = e.run(t, "--backup", e.path("Documents/b.txt"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "b", readFile(t, e.path("disk1/Documents/b.txt")), "the run is done")
	assert.Regexp(t, regexp.MustCompile(`(?m)^micsync: warning: this run is not recorded in BACKUP `+regexp.QuoteMeta(e.path("disk1/Documents"))+`: .*operation not permitted$`), r.Stderr)
	assert.Contains(t, r.Stderr, "micsync: hint: the run itself is done; only this machine's record tells of it (micsync log)\n")
	assert.Len(t, discRecords(t, e.path("disk1/Documents")), 1, "the disc keeps what it had")
	assert.Len(t, e.localRecords(t), 2, "this machine has both")
	assert.Contains(t, r.Stdout, "ok      "+e.path("disk1/Documents")+": 1 file copied")
}

func TestLogListsAndShowsRuns(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	e.mkfile(t, "Documents/photos/cat.jpg", "cat")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/photos")).Code)

	r := e.run(t, "log")
	require.Equal(t, 0, r.Code, r)
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	require.Len(t, lines, 2, r.Stdout)
	recs := e.localRecords(t)
	line := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d  (\S+)  ok       backup (\S+) to BACKUP (\S+): 1 file copied \(\d+ B\), 1 directory created$`)
	for i, want := range []record.Record{recs[1], recs[0]} { // newest first
		m := line.FindStringSubmatch(lines[i])
		require.NotNil(t, m, lines[i])
		assert.Equal(t, want.ID, m[1])
		assert.Equal(t, string(want.Paths[0]), m[2])
		assert.Equal(t, e.path("disk1/Documents"), m[3])
	}

	r = e.run(t, "log", e.path("Documents/photos/cat.jpg"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, lines[0]+"\n", r.Stdout, "only the runs that synced the path")

	r = e.run(t, "log", recs[0].ID)
	require.Equal(t, 0, r.Code, r)
	for _, want := range []string{"run " + recs[0].ID + "\n", "  version        e2e-test\n", "  configuration  documents\n",
		"  action         backup\n", "  paths          taxes\n", "  from           WORKING " + e.path("Documents") + "\n",
		"  to             BACKUP " + e.path("disk1/Documents") + "\n", "  planned        2 new (6 B), 0 modified (0 B), 0 to delete (0 B)\n",
		"  result         ok\n"} {
		assert.Contains(t, r.Stdout, want)
	}
	assert.NotContains(t, r.Stdout, "photos")

	r = e.run(t, "log", "--since", "1h")
	require.Equal(t, 0, r.Code, r)
	assert.Len(t, strings.Split(strings.TrimSpace(r.Stdout), "\n"), 2)

	r = e.run(t, "log", "20010101T000000Z-abcd")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: no run 20010101T000000Z-abcd is recorded\nmicsync: hint: micsync log lists the recorded runs\n", r.Stderr)

	r = e.run(t, "log", "--since", "soon")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: --since takes a duration such as 30d, 12h or 90m, not soon\n", r.Stderr)
}

func TestLogReadsTheDiscOfAPath(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	require.NoError(t, os.RemoveAll(e.path(".local/state")))

	r := e.run(t, "log", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "ok       backup taxes to BACKUP "+e.path("disk1/Documents")+": 1 file copied", "from the disc's record")
	assert.NoDirExists(t, e.path(".local/state"), "log writes nothing")
}

func TestRunStoppedByTheUserIsRecorded(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 1 modified entry")
	s.Send(keyCtrlC)
	s.Expect("micsync: error: interrupted")
	require.Equal(t, 130, s.Wait())
	for _, recs := range [][]record.Record{e.localRecords(t), discRecords(t, e.path("disk1/Documents"))} {
		require.Len(t, recs, 1)
		assert.Equal(t, record.Stopped, recs[0].Result)
		assert.Equal(t, "interrupted", recs[0].Error)
		assert.Equal(t, []jsonout.Name{"."}, recs[0].Paths, "the whole location")
	}
	r := e.run(t, "log")
	require.Equal(t, 0, r.Code, r)
	assert.Regexp(t, `  STOPPED  backup \. to BACKUP `+regexp.QuoteMeta(e.path("disk1/Documents"))+`: interrupted\n$`, r.Stdout)
}

func TestRunToAnotherHostIsRecordedThere(t *testing.T) {
	srv := startSSHD(t)
	e, nas := remoteDocs(t, srv, srv.IdentityFile)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	r := e.run(t, "--backup", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)
	on := discRecords(t, nas) // the server is this machine
	require.Len(t, on, 1)
	assert.Equal(t, jsonout.Name(at(srv, nas)), on[0].Destination.Root)
	assert.Equal(t, record.OK, on[0].Result)
	assert.Equal(t, e.localRecords(t), on)

	// A new machine: only the host knows.
	require.NoError(t, os.RemoveAll(e.path(".local/state")))
	r = e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)
	assert.Regexp(t, `(?m)^    `+regexp.QuoteMeta(at(srv, nas))+`  copy of just now \(.*\); nothing changed in WORKING since$`, statusFolder(r.Stdout, "taxes"))
	r = e.run(t, "log")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  ok       backup taxes to BACKUP "+at(srv, nas)+": 1 file copied (6 B), 1 directory created\n")
	assert.NoDirExists(t, e.path(".local/state"), "they write nothing")
}

// TestReadOnlyDiscThatIsUpToDate backs up to a disc mounted read-only: a run that has nothing
// to write there is ok, and says that the disc took no record; one with something to copy is
// refused before any question.
func TestReadOnlyDiscThatIsUpToDate(t *testing.T) {
	d := newDisc(t, ext4, 64)
	e := newEnv(t)
	w := e.path("w")
	b := d.path("b")
	require.NoError(t, os.MkdirAll(b, 0o755))
	discConfig(t, e, w, b)
	e.mkfile(t, "w/a.txt", "a")
	r := e.run(t, "--backup", e.path("w/a.txt"))
	require.Equal(t, 0, r.Code, r)
	if out, err := exec.Command(sbin("mount"), "-o", "remount,ro", d.Dir).CombinedOutput(); err != nil {
		t.Fatalf("mount -o remount,ro: %v\n%s", err, out)
	}
	before := contents(t, d.Dir)

	r = e.run(t, "--backup", e.path("w/a.txt"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "ok      "+b+": up to date")
	assert.Regexp(t, `(?m)^micsync: warning: this run is not recorded in BACKUP `+regexp.QuoteMeta(b)+`: .*read-only file system$`, r.Stderr)
	assert.Len(t, e.localRecords(t), 2, "this machine has it")
	assert.Equal(t, before, contents(t, d.Dir))

	e.mkfile(t, "w/new.txt", "n")
	r = e.run(t, "--backup", e.path("w/new.txt"))
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: BACKUP "+b+" is read-only: nothing can be copied there")
	assert.Equal(t, before, contents(t, d.Dir))
	recs := e.localRecords(t)
	assert.Equal(t, record.Failed, recs[len(recs)-1].Result)
}
