package run

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
	"micsync/internal/jsonout"
	"micsync/internal/record"
	"micsync/locations"
)

func readRecords(t *testing.T, file string) []record.Record {
	t.Helper()
	recs, damaged, err := record.Read(file)
	require.NoError(t, err)
	require.Zero(t, damaged)
	return recs
}

func TestEveryDestinationIsRecordedHereAndOnItsDisc(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	w := docsWorld(t)
	w.write("w/taxes/2024.txt", "income")
	w.writeOld("b1/taxes/2024.txt", "old")
	e, _, errb := w.env(scripted(t, "n"))
	e.Version = "1.2.3"
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/taxes")))
	assert.Empty(t, errb.String())

	local := readRecords(t, record.LocalPath(filepath.Join(state, "micsync")))
	require.Len(t, local, 2)
	byRoot := map[string]record.Record{}
	for _, r := range local {
		byRoot[string(r.Destination.Root)] = r
		assert.Equal(t, local[0].ID, r.ID, "one run, one id")
		assert.Equal(t, "1.2.3", r.Version)
		assert.Equal(t, "docs", r.Configuration)
		assert.Equal(t, "backup", r.Action)
		assert.Equal(t, []jsonout.Name{"taxes"}, r.Paths)
		assert.Equal(t, jsonout.Name(w.path("w")), r.Source.Root)
		assert.Equal(t, record.OK, r.Result)
	}
	b1, b2 := byRoot[w.path("b1")], byRoot[w.path("b2")]
	assert.Equal(t, 1, b1.Planned.Modified.Count)
	assert.Equal(t, 1, b1.Declined.Overwrite, "the no is recorded")
	assert.False(t, b1.Complete())
	assert.Equal(t, 2, b2.Planned.New.Count, "taxes/ and taxes/2024.txt")
	assert.Equal(t, 1, b2.Done.Files)
	assert.Equal(t, int64(6), b2.Done.Bytes)
	assert.True(t, b2.Complete())

	for _, b := range []string{"b1", "b2"} {
		on := readRecords(t, record.DiscPath(w.path(b, disc.Name)))
		require.Len(t, on, 1, b)
		assert.Equal(t, byRoot[w.path(b)], on[0], "the disc holds its own record only")
	}
	assert.False(t, w.exists("w/"+disc.Name+"/"+record.FileName), "the source gets none")
}

func TestDryRunRecordsNothing(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true}, "w/a.txt")))
	assert.NoFileExists(t, record.LocalPath(filepath.Join(state, "micsync")))
	assert.False(t, w.exists("b1/"+disc.Name+"/"+record.FileName))
}

func TestRunStoppedAtAQuestionIsRecorded(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	w := oneBackup(t)
	w.write("w/a.txt", "a")
	w.writeOld("b1/a.txt", "other")
	e, _, _ := w.env(scripted(t, "^C"))
	require.Error(t, Run(e, w.req(Backup, Options{}, "w/a.txt")))
	local := readRecords(t, record.LocalPath(filepath.Join(state, "micsync")))
	require.Len(t, local, 1)
	assert.Equal(t, record.Stopped, local[0].Result)
	assert.Equal(t, "interrupted", local[0].Error)
	assert.Equal(t, 1, local[0].Planned.Modified.Count)
	assert.Zero(t, local[0].Done.Files)
	assert.Len(t, readRecords(t, record.DiscPath(w.path("b1", disc.Name))), 1)
}

func TestUnwritableRecordIsAWarning(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	// A directory in the way of the file makes every write of it fail, even as root.
	require.NoError(t, os.MkdirAll(filepath.Join(record.LocalPath(filepath.Join(state, "micsync")), "x"), 0o755))
	w := oneBackup(t)
	w.write("w/a.txt", "a")
	e, _, errb := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/a.txt")))
	assert.Contains(t, errb.String(), "micsync: warning: this run is not recorded on this machine: ")
	assert.Equal(t, "a", w.read("b1/a.txt"))
	assert.Len(t, readRecords(t, record.DiscPath(w.path("b1", disc.Name))), 1, "the disc's record is written all the same")
}

func TestRecordHoldsAtMostMaxPaths(t *testing.T) {
	names := make([]string, record.MaxPaths+5)
	for i := range names {
		names[i] = fmt.Sprintf("f%d", i)
	}
	e := &Env{}
	r := e.recordOf(Backup, about{paths: names}, locations.Location{Path: "/w"}, &dest{loc: locations.Location{Path: "/b", Role: locations.Backup}}, nil)
	assert.Len(t, r.Paths, record.MaxPaths)
	assert.Equal(t, 5, r.PathsLeftOut)
}

func TestSaveRecordsOfAFlowOfItsOwn(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	w := oneBackup(t)
	src, dst := locations.Location{Path: w.path("w")}, locations.Location{Path: w.path("b1"), Role: locations.Backup}
	e, _, errb := w.env(scripted(t))
	e.Version = "9"
	start := time.Now()
	r := e.NewRecord(record.NewID(start), start, "prune", "docs", []string{"old"}, src, dst)
	r.Result = record.OK
	e.SaveRecords([]record.Record{r}, func(int) string { return RecordDir(dst) })
	assert.Empty(t, errb.String())
	on := readRecords(t, record.DiscPath(w.path("b1", disc.Name)))
	require.Len(t, on, 1)
	assert.Equal(t, "prune", on[0].Action)
	assert.Equal(t, "9", on[0].Version)
	assert.Len(t, readRecords(t, record.LocalPath(filepath.Join(state, "micsync"))), 1)
}
