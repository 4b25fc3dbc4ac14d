package trash

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"micsync/internal/fakessh"
	"micsync/internal/reach"
	"micsync/locations"
	"micsync/rsyncplan"
)

// fixture is a temporary HOME with a configuration "docs" whose WORKING location is here and
// whose BACKUP location is "on" the host nas, reached by the fake ssh first on PATH.
type fixture struct {
	home     string
	dir      string // the fake ssh's directory
	cfg      *locations.Config
	local    Place // WORKING, here
	remote   Place // BACKUP, on nas
	down     Place // BACKUP, on a host that cannot be reached
	checker  *reach.Checker
	localDir string // the directories of local and remote on this machine
	nasDir   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir(), dir: fakessh.Install(t)}
	t.Setenv("HOME", f.home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(f.home, "state"))

	f.localDir = mkdir(t, f.home, "work")
	f.nasDir = mkdir(t, f.home, "nas")
	data, err := json.Marshal(map[string]any{"configs": []any{map[string]any{
		"name": "docs", "work": []string{f.localDir}, "backup": []string{"nas:" + f.nasDir, "down:/srv/docs"}}}})
	require.NoError(t, err)
	path := filepath.Join(f.home, ".micsync.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	file, err := locations.Load(path)
	require.NoError(t, err)
	f.cfg = file.Configs[0]
	f.local = Place{Config: f.cfg, Location: f.cfg.Work[0]}
	f.remote = Place{Config: f.cfg, Location: f.cfg.Backup[0]}
	f.down = Place{Config: f.cfg, Location: f.cfg.Backup[1]}
	f.checker = reach.New(t.Context(), rsyncplan.Runner{}, true)
	return f
}

// run returns the trash run stamp of p, as Runs makes it.
func run(p Place, stamp string) Run {
	return Run{Place: p, Stamp: stamp, Dir: filepath.Join(p.Location.Path, Name, stamp)}
}

func mkdir(t *testing.T, elem ...string) string {
	t.Helper()
	p := filepath.Join(elem...)
	require.NoError(t, os.MkdirAll(p, 0o755))
	return p
}

// write makes the file at path with content, and its parents.
func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// tree returns the files below dir with their contents, and the directories with "/", by
// slash-separated path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			out[rel+"/"] = ""
		case d.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			require.NoError(t, err)
			out[rel] = "-> " + target
		default:
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			out[rel] = string(data)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}
