package verify

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBudget(t *testing.T) {
	for in, want := range map[string]Budget{
		"20m": {Time: 20 * time.Minute}, "1h30m": {Time: 90 * time.Minute}, "2d": {Time: 48 * time.Hour},
		"50GB": {Bytes: 50e9}, "500MB": {Bytes: 500e6}, "1.5GiB": {Bytes: 3 << 29}, "4096B": {Bytes: 4096}, "2T": {Bytes: 2e12},
	} {
		got, err := ParseBudget(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "0m", "-5GB", "GB", "10x", "fast", "0d"} {
		_, err := ParseBudget(in)
		assert.Error(t, err, in)
	}
}

func TestOldestFirstAndTake(t *testing.T) {
	cs := []Candidate{{"b", 10, 200}, {"a", 10, 200}, {"new", 10, 0}, {"old", 10, 100}}
	Oldest(cs)
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"new", "old", "a", "b"}, names)
	assert.Equal(t, 2, Take(cs, 25))
	assert.Equal(t, 1, Take(cs, 5), "at least one, however large")
	assert.Equal(t, 4, Take(cs, 1000))
}

func TestRecordMergesForgetsAndCounts(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &Record{Files: map[string]Seen{"x": {Size: 1, Verified: now.Add(-100 * 24 * time.Hour).Unix()}, "gone/y": {Size: 2, Verified: now.Unix()}}}
	b := &Record{Files: map[string]Seen{"x": {Size: 1, Verified: now.Add(-10 * 24 * time.Hour).Unix()}}}
	require.NoError(t, a.Save(filepath.Join(dir, "state", "a.json")))
	require.NoError(t, b.Save(filepath.Join(dir, "disc", "b.json")))

	r := Load(filepath.Join(dir, "state", "a.json"), filepath.Join(dir, "disc", "b.json"), filepath.Join(dir, "none.json"))
	assert.Equal(t, now.Add(-10*24*time.Hour).Unix(), r.Files["x"].Verified, "the latest wins")
	r.Known("gone", map[string]int64{})
	assert.NotContains(t, r.Files, "gone/y", "not there any more")
	r.Known("", map[string]int64{"x": 1, "new": 5})
	assert.Equal(t, int64(0), r.Files["new"].Verified)

	files, bytes := r.Within(now, 30*24*time.Hour)
	assert.Equal(t, 1, files)
	assert.Equal(t, int64(1), bytes)
	files, _ = r.Within(now, 5*24*time.Hour)
	assert.Equal(t, 0, files)
	files, bytes = r.Total()
	assert.Equal(t, 2, files)
	assert.Equal(t, int64(6), bytes)
}

func TestRecordKeepsNamesThatAreNotUTF8(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	r := &Record{Files: map[string]Seen{"caf\xe9.txt": {Size: 3, Verified: 1700000000}, "new\nline": {Size: 1}}}
	require.NoError(t, r.Save(p))
	assert.Equal(t, r.Files, Load(p).Files)
}

// Two verifies of one location that loaded the same record and verified other files save in
// turn: neither's verifications are forgotten, and what the later one no longer holds stays gone.
func TestSavesAtOnceForgetNoVerification(t *testing.T) {
	p := filepath.Join(t.TempDir(), "verified.json")
	const runs = 8
	errs := make(chan error, runs)
	for i := range runs {
		go func() {
			r := &Record{Files: map[string]Seen{}}
			for k := range runs {
				r.Files[fmt.Sprint("f", k)] = Seen{Size: 1}
			}
			r.Verified(fmt.Sprint("f", i), time.Unix(int64(1700000000+i), 0))
			errs <- r.Save(p)
		}()
	}
	for range runs {
		require.NoError(t, <-errs)
	}
	got := Load(p)
	for k := range runs {
		assert.Equal(t, int64(1700000000+k), got.Files[fmt.Sprint("f", k)].Verified, "f%d", k)
	}

	r := &Record{Files: map[string]Seen{"f0": {Size: 1}}}
	require.NoError(t, r.Save(p))
	assert.Equal(t, map[string]Seen{"f0": {Size: 1, Verified: 1700000000}}, Load(p).Files, "the later time kept, the forgotten files gone")
	left, err := filepath.Glob(p + ".*")
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file left")
}
