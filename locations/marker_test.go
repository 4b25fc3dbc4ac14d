package locations

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
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
	assert.EqualError(t, err, "BACKUP /nonexistent/disk is unreachable: does not exist (disc not mounted?)")
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

// A location that does not exist is "not created yet" when its parent is a directory that a
// mounted disc explains, and otherwise reads as a disc that is not mounted.
func TestMissingLocationNotCreatedYetOrNotMounted(t *testing.T) {
	tmp := tempDir(t)
	for _, d := range []string{"mnt/disk", "full", "empty", "media/me/disk2", "media/me/other"} {
		require.NoError(t, os.MkdirAll(filepath.Join(tmp, d), 0o755))
	}
	writeFile(t, filepath.Join(tmp, "full", "notes.txt"), "x")
	mounted := map[string]bool{filepath.Join(tmp, "mnt/disk"): true, filepath.Join(tmp, "media/me/disk2"): true}
	old := mountPoints
	mountPoints = func() map[string]bool { return mounted }
	t.Cleanup(func() { mountPoints = old })

	notMounted := "does not exist (disc not mounted?)"
	for rel, want := range map[string]string{
		"mnt/disk/Documents": NotCreatedYet, // the disc is mounted: an empty mount point is enough
		"full/Documents":     NotCreatedYet, // a directory with files and no mount point in it
		"empty/Documents":    notMounted,    // an empty directory that is no mount point: an unmounted mount point
		"media/me/disk1":     notMounted,    // beside a mounted disc: where this one would be mounted
		"gone/Documents":     notMounted,    // no parent
		"full/notes.txt/x":   "does not exist: a part of its path is a file",
	} {
		assert.Equal(t, want, Location{Path: filepath.Join(tmp, rel), Role: Backup}.Unreachable(), rel)
	}
}

// The mount points come from /proc/self/mountinfo: /proc is one.
func TestMountPointsOfThisMachine(t *testing.T) {
	require.True(t, mountPoints()["/proc"], "/proc is mounted")
	assert.Equal(t, NotCreatedYet, Location{Path: "/proc/micsync-none", Role: Backup}.Unreachable())
}

func TestParseMountinfo(t *testing.T) {
	in := "22 27 0:21 / /proc rw,relatime - proc proc rw\n" +
		`90 27 8:33 / /run/media/me/my\040disk rw - ext4 /dev/sdc1 rw` + "\n" +
		`91 27 8:34 / /mnt/back\134slash rw - ext4 /dev/sdc2 rw` + "\n" +
		"short line\n"
	assert.Equal(t, map[string]bool{"/proc": true, "/run/media/me/my disk": true, `/mnt/back\slash`: true},
		parseMountinfo(bufio.NewScanner(strings.NewReader(in))))
}
