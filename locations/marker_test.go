package locations

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarkedLocationWithoutItsMarkerIsUnreachable(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "")
	disk := filepath.Join(home, "disk")
	require.NoError(t, os.MkdirAll(filepath.Join(home, "w"), 0o755))
	require.NoError(t, os.MkdirAll(disk, 0o755))
	cfg := filepath.Join(home, ".micsync.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [{"name": "c", "work": ["~/w"], "backup": ["~/disk"]}]}`), 0o600))

	f, err := Load(cfg)
	require.NoError(t, err)
	b := f.Configs[0].Backup[0]
	assert.True(t, b.Reachable())

	m, adopted, err := Mark(f.Configs[0], b)
	require.NoError(t, err)
	assert.False(t, adopted)
	assert.Equal(t, "c", m.Config)
	assert.Equal(t, "BACKUP", m.Role)
	assert.Len(t, m.ID, 32)
	assert.FileExists(t, filepath.Join(home, ".local/state/micsync/markers.json"))

	f, err = Load(cfg)
	require.NoError(t, err)
	b = f.Configs[0].Backup[0]
	assert.Equal(t, m.ID, b.MarkerID)
	assert.True(t, b.Reachable())

	// The disc is unmounted: the mount point is an empty directory.
	require.NoError(t, os.Remove(filepath.Join(disk, MarkerName)))
	assert.False(t, b.Reachable())
	assert.Contains(t, b.Unreachable(), "marker .micsync-location is missing")

	// Another marked disc is mounted there.
	other := Marker{Config: "x", Role: "BACKUP", ID: "0123"}
	writeMarker(t, disk, other)
	assert.Contains(t, b.Unreachable(), "belongs to another location (x BACKUP)")

	// Marking a disc that already has a marker adopts it.
	m2, adopted, err := Mark(f.Configs[0], b)
	require.NoError(t, err)
	assert.True(t, adopted)
	assert.Equal(t, "0123", m2.ID)
	f, err = Load(cfg)
	require.NoError(t, err)
	assert.True(t, f.Configs[0].Backup[0].Reachable())
	assert.True(t, f.Configs[0].Work[0].Reachable(), "unmarked locations are unaffected")
}

func TestMarkUnreachableLocationFails(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	_, _, err := Mark(&Config{Name: "c"}, Location{Path: "/nonexistent/disk", Role: Backup})
	assert.ErrorContains(t, err, "BACKUP /nonexistent/disk is not reachable")
}

func TestDamagedMarkerList(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	require.NoError(t, os.MkdirAll(filepath.Join(home, "state", "micsync"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, "state", "micsync", "markers.json"), []byte("{"), 0o600))
	cfg := filepath.Join(home, "c.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [{"name": "c", "work": ["/w"], "backup": ["/b"]}]}`), 0o600))
	_, err := Load(cfg)
	assert.ErrorContains(t, err, "marker list "+filepath.Join(home, "state", "micsync", "markers.json")+" is damaged")
}

func writeMarker(t *testing.T, dir string, m Marker) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, MarkerName),
		[]byte(`{"configuration": "`+m.Config+`", "role": "`+m.Role+`", "id": "`+m.ID+`"}`), 0o644))
}
