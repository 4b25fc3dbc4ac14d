package locations

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tempDir returns a new temporary directory with its symlinks resolved, so that tests can compare
// it with resolved paths.
func tempDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	return d
}

// writeFile writes content to path, making its directories.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func TestRoleString(t *testing.T) {
	assert.Equal(t, "WORKING", Work.String())
	assert.Equal(t, "BACKUP", Backup.String())
	assert.Equal(t, "Role(7)", Role(7).String())
}

func TestReachable(t *testing.T) {
	tmp := tempDir(t)
	writeFile(t, filepath.Join(tmp, "file"), "x")
	require.NoError(t, os.Symlink(tmp, filepath.Join(tmp, "link")))

	assert.True(t, Location{Path: tmp}.Reachable(), "a directory")
	assert.True(t, Location{Path: filepath.Join(tmp, "link")}.Reachable(), "a symlink to a directory")
	assert.False(t, Location{Path: filepath.Join(tmp, "file")}.Reachable(), "a file")
	assert.False(t, Location{Path: filepath.Join(tmp, "missing")}.Reachable(), "a missing directory")
}

func TestConfigLocations(t *testing.T) {
	w := []Location{{Path: "/w", Role: Work}}
	b := []Location{{Path: "/b1", Role: Backup}, {Path: "/b2", Role: Backup}}
	c := &Config{Name: "c", Work: w, Backup: b}

	assert.Equal(t, w, c.Locations(Work))
	assert.Equal(t, b, c.Locations(Backup))
	assert.Nil(t, c.Locations(Role(7)))
}

func TestLookup(t *testing.T) {
	a, b := &Config{Name: "a"}, &Config{Name: "b"}
	f := &File{Configs: []*Config{a, b}}

	assert.Same(t, b, f.Lookup("b"))
	assert.Same(t, a, f.Lookup("a"))
	assert.Nil(t, f.Lookup("c"))
}

func TestErrorMessages(t *testing.T) {
	assert.Equal(t, "config file /h/.micsync.json not found", (&NotFoundError{Path: "/h/.micsync.json"}).Error())
	assert.Equal(t, "config /h/c.json: no configurations", (&ConfigError{File: "/h/c.json", Problem: "no configurations"}).Error())
	assert.Equal(t, `config /h/c.json: configuration "a": "work" is missing`,
		(&ConfigError{File: "/h/c.json", Config: `configuration "a"`, Problem: `"work" is missing`}).Error())
	assert.Equal(t, "x is not inside any location of config /h/c.json",
		(&NoLocationError{File: "/h/c.json", Paths: []string{"x"}}).Error())
	assert.Equal(t, "x, y are not inside any location of config /h/c.json",
		(&NoLocationError{File: "/h/c.json", Paths: []string{"x", "y"}}).Error())
}
