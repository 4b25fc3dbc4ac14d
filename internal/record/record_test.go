package record

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
)

func rec(id string, at time.Time, root string) Record {
	return Record{ID: id, Time: jsonout.Time(at), Action: "backup", Paths: []jsonout.Name{"taxes"},
		Destination: Place{Role: "BACKUP", Root: jsonout.Name(root)}, Result: OK}
}

func TestAppendAndRead(t *testing.T) {
	file := filepath.Join(t.TempDir(), FileName)
	at := time.Date(2026, 12, 3, 6, 5, 9, 0, time.UTC)
	odd := rec("a", at, "/media/d\xe9")
	require.NoError(t, Append(file, DiscLimit, odd))
	require.NoError(t, Append(file, DiscLimit, rec("b", at.Add(time.Hour), "/x")))
	got, damaged, err := Read(file)
	require.NoError(t, err)
	assert.Zero(t, damaged)
	require.Len(t, got, 2)
	assert.Equal(t, jsonout.Name("/media/d\xe9"), got[0].Destination.Root, "a name that is not UTF-8 survives")
	assert.True(t, time.Time(got[1].Time).Equal(at.Add(time.Hour)))
}

func TestAppendDropsTheOldest(t *testing.T) {
	file := filepath.Join(t.TempDir(), FileName)
	at := time.Now()
	for i := range 50 {
		require.NoError(t, Append(file, 2000, rec(string(rune('a'+i%26))+strings.Repeat("x", i), at, "/d")))
	}
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.LessOrEqual(t, fi.Size(), int64(2000))
	got, _, err := Read(file)
	require.NoError(t, err)
	require.NotEmpty(t, got)
	assert.Equal(t, "x"+strings.Repeat("x", 48), got[len(got)-1].ID[1:], "the newest is kept")
}

func TestReadSkipsDamagedLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), FileName)
	require.NoError(t, Append(file, DiscLimit, rec("a", time.Now(), "/d")))
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	f.WriteString(`{"id":"b","ti`) // cut short
	f.Close()
	require.NoError(t, Append(file, DiscLimit, rec("c", time.Now(), "/d")))
	got, damaged, err := Read(file)
	require.NoError(t, err)
	assert.Equal(t, 1, damaged)
	require.Len(t, got, 2)
	assert.Equal(t, "c", got[1].ID)
}

func TestReadMissingFile(t *testing.T) {
	got, damaged, err := Read(filepath.Join(t.TempDir(), FileName))
	assert.NoError(t, err)
	assert.Zero(t, damaged)
	assert.Empty(t, got)
}

func TestMergeNewestFirstOnce(t *testing.T) {
	at := time.Now()
	local := []Record{rec("1", at, "/d"), rec("2", at.Add(time.Minute), "/d")}
	disc := []Record{rec("2", at.Add(time.Minute), "/d"), rec("3", at.Add(2*time.Minute), "/d")}
	got := Merge(local, disc)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"3", "2", "1"}, ids)
}

func TestCovers(t *testing.T) {
	r := Record{Paths: []jsonout.Name{"a/b"}}
	assert.True(t, r.Covers("a/b"))
	assert.True(t, r.Covers("a/b/c"))
	assert.False(t, r.Covers("a"))
	assert.False(t, r.Covers("a/bc"))
	assert.True(t, Record{Paths: []jsonout.Name{"."}}.Covers("x/y"))
}

func TestComplete(t *testing.T) {
	assert.True(t, Record{Result: OK}.Complete())
	assert.False(t, Record{Result: OK, Declined: Declined{Overwrite: 1}}.Complete())
	assert.False(t, Record{Result: Failed}.Complete())
}

func TestNewID(t *testing.T) {
	a := NewID(time.Date(2026, 12, 3, 6, 5, 9, 0, time.UTC))
	assert.True(t, strings.HasPrefix(a, "20261203T060509Z-"), a)
	assert.Len(t, a, len("20261203T060509Z-3f9a"))
}

func TestAppendLocalMakesNoDirectoryInAnotherUsers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	home := t.TempDir()
	require.NoError(t, os.Chown(home, 65534, 65534))
	state := filepath.Join(home, ".local", "state", "micsync")
	err := AppendLocal(state, rec("a", time.Now(), "/d"))
	assert.ErrorContains(t, err, "belongs to another user (uid 65534)")
	assert.NoDirExists(t, filepath.Join(home, ".local"))

	require.NoError(t, os.Chown(home, 0, 0))
	require.NoError(t, AppendLocal(state, rec("a", time.Now(), "/d")))
	got, _, err := Read(LocalPath(state))
	require.NoError(t, err)
	assert.Len(t, got, 1)
}

func TestAppendSharedLosesNoRecordOfRunsAtOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), FileName)
	at := time.Date(2026, 12, 3, 6, 5, 9, 0, time.UTC)
	const runs = 16
	errs := make(chan error, runs)
	for i := range runs {
		go func() { errs <- AppendShared(file, DiscLimit, rec(strings.Repeat("x", i+1), at, "/d")) }()
	}
	for range runs {
		require.NoError(t, <-errs)
	}
	got, damaged, err := Read(file)
	require.NoError(t, err)
	assert.Zero(t, damaged)
	assert.Len(t, got, runs, "every run's record is there")
}
