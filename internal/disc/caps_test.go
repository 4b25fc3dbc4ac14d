package disc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test machine's temporary directory is on ext4, which keeps all of it, hard links, user
// xattrs and ACLs too; what exFAT and the others lack is tried on real discs in tests/.
func TestLearnOnAFilesystemThatKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	caps, ok := Learn(dir)
	require.True(t, ok)
	assert.Equal(t, Everything, caps)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "only the two files that keep the edge times stay")
}

func TestLearnWhereNothingCanBeWritten(t *testing.T) {
	caps, ok := Learn("/nonexistent/.micsync")
	assert.False(t, ok)
	assert.Equal(t, Everything, caps, "what cannot be tried is assumed kept")
}

func TestKeepsTimeAndCanName(t *testing.T) {
	fat := Caps{MinTime: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), MaxTime: time.Date(2107, 12, 30, 0, 0, 0, 0, time.UTC), BadChars: NameChars}
	assert.True(t, fat.KeepsTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.False(t, fat.KeepsTime(time.Unix(0, 0)))
	assert.False(t, fat.KeepsTime(time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.True(t, Everything.KeepsTime(time.Unix(0, 0)))
	assert.False(t, fat.CanName("a:b"))
	assert.True(t, fat.CanName("a b"))
	assert.True(t, Everything.CanName(`a:b?"`))
}

func TestLearnOnceRemembersADisc(t *testing.T) {
	dir, cache := t.TempDir(), filepath.Join(t.TempDir(), "discs", "0123.json")
	caps, ok := LearnOnce(dir, cache)
	require.True(t, ok)
	assert.Equal(t, Everything, caps)
	require.FileExists(t, cache)

	// The next run takes what was learned from the cache: a cache that says otherwise wins.
	var c cached
	data, err := os.ReadFile(cache)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &c))
	c.Caps.Symlinks = false
	data, _ = json.Marshal(c)
	require.NoError(t, os.WriteFile(cache, data, 0o600))
	caps, ok = LearnOnce(dir, cache)
	require.True(t, ok)
	assert.False(t, caps.Symlinks, "taken from the cache")

	// A time the disc did not keep shows at the next run, and is remembered.
	require.NoError(t, os.Chtimes(filepath.Join(dir, "time-1970"), time.Unix(100, 0), time.Unix(100, 0)))
	caps, _ = LearnOnce(dir, cache)
	assert.Equal(t, time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), caps.MinTime)
	data, err = os.ReadFile(cache)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &c))
	assert.Equal(t, caps.MinTime, c.Caps.MinTime.UTC())

	// Another filesystem under the same marker (a disc image copied to a new disc) is learned
	// anew.
	c.FSType++
	data, _ = json.Marshal(c)
	require.NoError(t, os.WriteFile(cache, data, 0o600))
	require.NoError(t, os.Chtimes(filepath.Join(dir, "time-1970"), time.Unix(0, 0), time.Unix(0, 0)))
	caps, _ = LearnOnce(dir, cache)
	assert.True(t, caps.Symlinks)
}

func TestNoHardLinksWhereLinkFails(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/f"
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	assert.False(t, hardLinks(file, dir+"/missing/link"), "link fails: none")
	assert.False(t, keepsXattr(dir+"/missing"))
	assert.False(t, keepsACL(dir+"/missing"))
}

func TestRememberedReadsWhatLearnOnceKept(t *testing.T) {
	dir, cache := t.TempDir(), filepath.Join(t.TempDir(), "id.json")
	_, ok := Remembered(dir, cache)
	assert.False(t, ok, "nothing learned yet")
	assert.NoFileExists(t, cache, "and nothing written")
	learned, ok := LearnOnce(dir, cache)
	require.True(t, ok)
	got, ok := Remembered(dir, cache)
	assert.True(t, ok)
	assert.Equal(t, learned, got)
}
