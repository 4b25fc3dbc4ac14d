package locations

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resolveFixture loads a config file with three configurations: "docs" (WORKING ~/Documents,
// BACKUP disk/Docs) and "usb" (the same WORKING ~/Documents, BACKUP usb/Docs) share files;
// "misc" (WORKING ~/misc, BACKUP bk/misc) shares nothing, and holds symlinks into ~/Documents.
func resolveFixture(t *testing.T) (*File, string) {
	t.Helper()
	tmp := tempDir(t)
	home := filepath.Join(tmp, "home")
	for _, p := range []string{
		"home/Documents/a.txt", "home/Documents/b c.txt", "home/Documents/sub/x", "home/Documents/sub/y",
		"home/misc/notes.txt", "disk/Docs/a.txt", "outside/f", "outside/g",
		"disk/Docs/odd/ lead", "disk/Docs/odd/new\nline", "disk/Docs/odd/-dash", "disk/Docs/odd/caf\xe9",
	} {
		writeFile(t, filepath.Join(tmp, p), "x")
	}
	for link, to := range map[string]string{
		"home/Documents/link.txt": "a.txt",
		"home/Documents/dangling": "missing",
		"home/misc/sublink":       "../Documents/sub",
		"home/misc/docs-link":     "../Documents",
	} {
		require.NoError(t, os.Symlink(to, filepath.Join(tmp, link)))
	}
	t.Setenv("HOME", home)
	cfg := filepath.Join(tmp, "micsync.json")
	writeFile(t, cfg, fmt.Sprintf(`{"configs": [
  {"name": "docs", "work": ["~/Documents"], "backup": ["%[1]s/disk/Docs"]},
  {"name": "usb", "work": ["~/Documents"], "backup": ["%[1]s/usb/Docs"]},
  {"name": "misc", "work": ["~/misc"], "backup": ["%[1]s/bk/misc"]}
]}`, tmp))
	f, err := Load(cfg)
	require.NoError(t, err)
	return f, tmp
}

// found is a Target in a form that is easy to compare.
type found struct {
	Config string
	Role   Role
	Path   string // the location's path, relative to the temporary directory
	Rel    string
	Names  []string
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name  string
		cwd   string // relative to the temporary directory
		paths []string
		want  []found
	}{
		{name: "file", paths: []string{"home/Documents/a.txt"}, want: []found{
			{"docs", Work, "home/Documents", "", []string{"a.txt"}},
			{"usb", Work, "home/Documents", "", []string{"a.txt"}},
		}},
		{name: "several files in the order given", paths: []string{"home/Documents/sub/y", "home/Documents/sub/x"}, want: []found{
			{"docs", Work, "home/Documents", "sub", []string{"y", "x"}},
			{"usb", Work, "home/Documents", "sub", []string{"y", "x"}},
		}},
		{name: "directory", paths: []string{"home/Documents/sub/"}, want: []found{
			{"docs", Work, "home/Documents", "", []string{"sub"}},
			{"usb", Work, "home/Documents", "", []string{"sub"}},
		}},
		{name: "location root", paths: []string{"home/Documents"}, want: []found{
			{"docs", Work, "home/Documents", "", nil},
			{"usb", Work, "home/Documents", "", nil},
		}},
		{name: "BACKUP root with a trailing slash", paths: []string{"disk/Docs/"}, want: []found{
			{"docs", Backup, "disk/Docs", "", nil},
		}},
		{name: "file in a BACKUP", paths: []string{"disk/Docs/a.txt"}, want: []found{
			{"docs", Backup, "disk/Docs", "", []string{"a.txt"}},
		}},
		{name: "WORKING of one configuration as root", paths: []string{"home/misc"}, want: []found{
			{"misc", Work, "home/misc", "", nil},
		}},
		{name: "symlinked parent", paths: []string{"home/misc/sublink/x"}, want: []found{
			{"docs", Work, "home/Documents", "sub", []string{"x"}},
			{"usb", Work, "home/Documents", "sub", []string{"x"}},
		}},
		{name: "path that is a symlink", paths: []string{"home/Documents/link.txt"}, want: []found{
			{"docs", Work, "home/Documents", "", []string{"link.txt"}},
			{"usb", Work, "home/Documents", "", []string{"link.txt"}},
		}},
		{name: "dangling symlink", paths: []string{"home/Documents/dangling"}, want: []found{
			{"docs", Work, "home/Documents", "", []string{"dangling"}},
			{"usb", Work, "home/Documents", "", []string{"dangling"}},
		}},
		{name: "symlink to a location root given alone", paths: []string{"home/misc/docs-link"}, want: []found{
			{"docs", Work, "home/Documents", "", nil},
			{"usb", Work, "home/Documents", "", nil},
			{"misc", Work, "home/misc", "", []string{"docs-link"}},
		}},
		{name: "symlink to a location root among other paths", paths: []string{"home/misc/notes.txt", "home/misc/docs-link"}, want: []found{
			{"misc", Work, "home/misc", "", []string{"notes.txt", "docs-link"}},
		}},
		{name: "relative to cwd", cwd: "home/Documents/sub", paths: []string{"x", "./y"}, want: []found{
			{"docs", Work, "home/Documents", "sub", []string{"x", "y"}},
			{"usb", Work, "home/Documents", "sub", []string{"x", "y"}},
		}},
		{name: "relative with ..", cwd: "home/Documents/sub", paths: []string{"../b c.txt"}, want: []found{
			{"docs", Work, "home/Documents", "", []string{"b c.txt"}},
			{"usb", Work, "home/Documents", "", []string{"b c.txt"}},
		}},
		{name: "root as .", cwd: "disk/Docs", paths: []string{"."}, want: []found{
			{"docs", Backup, "disk/Docs", "", nil},
		}},
		{name: "duplicates kept once", cwd: "home/misc", paths: []string{"notes.txt", "./notes.txt", "sublink", "../misc/notes.txt"}, want: []found{
			{"misc", Work, "home/misc", "", []string{"notes.txt", "sublink"}},
		}},
		{name: "odd names", paths: []string{"disk/Docs/odd/ lead", "disk/Docs/odd/new\nline", "disk/Docs/odd/-dash", "disk/Docs/odd/caf\xe9"}, want: []found{
			{"docs", Backup, "disk/Docs", "odd", []string{" lead", "new\nline", "-dash", "caf\xe9"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, tmp := resolveFixture(t)

			ts, err := f.Resolve(tt.paths, filepath.Join(tmp, tt.cwd))

			require.NoError(t, err)
			got := make([]found, len(ts))
			for i, tg := range ts {
				rel, err := filepath.Rel(tmp, tg.Location.Path)
				require.NoError(t, err)
				got[i] = found{tg.Config.Name, tg.Location.Role, rel, tg.Rel, tg.Names}
				assert.Same(t, f.Lookup(tg.Config.Name), tg.Config)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResolveAbsolute(t *testing.T) {
	f, tmp := resolveFixture(t)

	ts, err := f.Resolve([]string{filepath.Join(tmp, "disk", "Docs", "a.txt")}, "/")

	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, f.Lookup("docs").Backup[0], ts[0].Location)
	assert.Equal(t, []string{"a.txt"}, ts[0].Names)
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{name: "no paths", paths: nil, want: "no paths given"},
		{name: "nonexistent", paths: []string{"outside/nope.txt"}, want: "path outside/nope.txt does not exist"},
		{name: "nonexistent among others", paths: []string{"outside/f", "outside/nope"}, want: "path outside/nope does not exist"},
		{name: "nonexistent below a missing directory", paths: []string{"outside/no/such/file"}, want: "path outside/no/such/file does not exist"},
		{name: "different parents", paths: []string{"home/misc/notes.txt", "home/Documents/a.txt"},
			want: "home/misc/notes.txt and home/Documents/a.txt are not in the same directory"},
		{name: "root with another path", paths: []string{"home/Documents", "home/misc/notes.txt"},
			want: "home/Documents is the root of a location: give it alone, without other paths"},
		{name: "root with a path below it", paths: []string{"disk/Docs/a.txt", "disk/Docs/"},
			want: "disk/Docs/ is the root of a location: give it alone, without other paths"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, tmp := resolveFixture(t)

			ts, err := f.Resolve(tt.paths, tmp)

			assert.EqualError(t, err, tt.want)
			assert.Nil(t, ts)
		})
	}
}

func TestResolveAbsentPathsNameTheirPlace(t *testing.T) {
	f, tmp := resolveFixture(t)

	// Deleted in WORKING, with its directory: placed by the nearest parent that exists, through
	// the symlink that leads there.
	ts, err := f.Resolve([]string{"home/misc/docs-link/letters/letter9.txt"}, tmp)
	require.NoError(t, err)
	require.Len(t, ts, 2, "the WORKING of docs, which is also the WORKING of usb")
	assert.Equal(t, f.Lookup("docs").Work[0], ts[0].Location)
	assert.Equal(t, "letters", ts[0].Rel)
	assert.Equal(t, []string{"letter9.txt"}, ts[0].Names)
	assert.Equal(t, []string{"letter9.txt"}, ts[0].Absent)

	ts, err = f.Resolve([]string{"home/Documents/a.txt", "home/Documents/gone.txt"}, tmp)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.txt", "gone.txt"}, ts[0].Names)
	assert.Equal(t, []string{"gone.txt"}, ts[0].Absent, "only the one that is not there")

	ts, err = f.Resolve([]string{"home/Documents/a.txt"}, tmp)
	require.NoError(t, err)
	assert.Nil(t, ts[0].Absent)
}

func TestResolveNoLocation(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{name: "one path", paths: []string{"outside/f"}, want: "outside/f is not inside any location of config "},
		{name: "several paths", paths: []string{"outside/f", "outside/g"}, want: "outside/f, outside/g are not inside any location of config "},
		{name: "the parent of a location", paths: []string{"disk"}, want: "disk is not inside any location of config "},
		{name: "the parent of WORKINGs", paths: []string{"home"}, want: "home is not inside any location of config "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, tmp := resolveFixture(t)

			_, err := f.Resolve(tt.paths, tmp)

			var nl *NoLocationError
			require.ErrorAs(t, err, &nl)
			assert.Equal(t, tt.paths, nl.Paths)
			assert.Equal(t, f.Path, nl.File)
			assert.EqualError(t, err, tt.want+f.Path)
		})
	}
}
