package trash

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/locations"
)

func TestFreeStamp(t *testing.T) {
	at := time.Date(2024, 3, 9, 23, 59, 58, 700_000_000, time.FixedZone("CET", 3600))
	assert.Equal(t, "20240309T225958Z", freeStamp(at, nil), "UTC, to the second")
	taken := map[string]bool{"20240309T225958Z": true, "20240309T225959Z": true, "20240309T230001Z": true}
	assert.Equal(t, "20240309T230000Z", freeStamp(at, taken), "the first later second not taken")
	assert.Equal(t, "20240309T230002Z", freeStamp(at.Add(3*time.Second), taken))
	assert.Equal(t, "20240309T225957Z", freeStamp(at.Add(-time.Second), taken), "a free second is its own stamp")
}

func TestNewStampSkipsTheSecondsTakenInEveryTrash(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC()
	stamp := func(s int) string { return now.Add(time.Duration(s) * time.Second).Format(stampLayout) }
	// Seconds 0 to 5 from now are taken: 0 to 2 here, 3 to 5 on nas. A second that passes
	// while the test runs is taken too, so the answer is the same.
	for s := range 3 {
		mkdir(t, f.local.Location.Path, Name, stamp(s))
	}
	for s := 3; s < 6; s++ {
		mkdir(t, f.nasDir, Name, stamp(s))
	}

	assert.Equal(t, stamp(6), NewStamp(t.Context(), f.checker, f.local.Location, f.remote.Location))
	assert.Equal(t, stamp(6), NewStamp(t.Context(), f.checker, f.remote.Location, f.local.Location))
	assert.Equal(t, stamp(3), NewStamp(t.Context(), f.checker, f.local.Location), "only the trashes of the locations given")
}

func TestNewStampWithoutTrash(t *testing.T) {
	f := newFixture(t)
	before := time.Now().UTC().Truncate(time.Second)
	// No trash yet, and a host that cannot be reached: both count as empty.
	got := NewStamp(t.Context(), f.checker, f.local.Location, f.remote.Location, f.down.Location)
	after := time.Now().UTC()
	when, err := time.Parse(stampLayout, got)
	require.NoError(t, err)
	assert.False(t, when.Before(before) || when.After(after), "%s is now", got)
}

func TestDir(t *testing.T) {
	const s = "20240309T225958Z"
	assert.Equal(t, "/data/docs/.micsync-trash/"+s, Dir("/data/docs", s, ""))
	assert.Equal(t, filepath.Join("/data/docs/.micsync-trash", s, "sub/deeper"), Dir("/data/docs", s, "sub/deeper"))
	assert.Equal(t, "/srv/docs/.micsync-trash/"+s+"/sub", Dir("me@nas:/srv/docs", s, "sub"), "on the host, as --backup-dir takes it")
	assert.Equal(t, ".micsync-trash", Name)
	assert.NotEqual(t, locations.MarkerName, Name)
}
