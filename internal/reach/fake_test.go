package reach

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"micsync/internal/fakessh"
	"micsync/locations"
	"micsync/rsyncplan"
)

// fixture is a temporary HOME with micsync's marker registry in it, and the fake ssh first
// on PATH.
type fixture struct {
	home string
	dir  string // the fake ssh's directory: its script and what it notes
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir(), dir: fakessh.Install(t)}
	t.Setenv("HOME", f.home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(f.home, "state"))
	return f
}

func (f *fixture) path(name string) string { return filepath.Join(f.dir, name) }

// load writes a configuration "docs" with the given locations and "ssh" settings (none when
// nil) and loads it, with the markers the registry remembers.
func (f *fixture) load(t *testing.T, work, backup []string, ssh map[string]any) *locations.File {
	t.Helper()
	c := map[string]any{"name": "docs", "work": work, "backup": backup}
	if ssh != nil {
		c["ssh"] = ssh
	}
	data, err := json.Marshal(map[string]any{"configs": []any{c}})
	require.NoError(t, err)
	path := filepath.Join(f.home, ".micsync.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	file, err := locations.Load(path)
	require.NoError(t, err)
	return file
}

// calls returns the argument lists the fake ssh was called with for host, one a connection.
func (f *fixture) calls(t *testing.T, host string) []string { return fakessh.Calls(t, f.dir, host) }

// newChecker returns a Checker for a run without a terminal.
func newChecker(t *testing.T) *Checker {
	return New(t.Context(), rsyncplan.Runner{}, true)
}

// mkdir makes a directory below the test's temporary directory and returns its path.
func mkdir(t *testing.T, elem ...string) string {
	t.Helper()
	p := filepath.Join(elem...)
	require.NoError(t, os.MkdirAll(p, 0o755))
	return p
}

// writeMarker writes a marker file into dir.
func writeMarker(t *testing.T, dir string, m locations.Marker) {
	t.Helper()
	data, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, locations.MarkerName), data, 0o644))
}
