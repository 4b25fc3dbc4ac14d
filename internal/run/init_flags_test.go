package run

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/locations"
	"micsync/prompt"
)

// initWorld is a world with a directory w and no config file yet: init writes micsync.json.
func initWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, "", "w")
	require.NoError(t, os.Remove(w.cfg))
	return w
}

func TestInitFromFlagsMakesRelativePathsAbsolute(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	e, out, _ := w.env(prompt.NoTerminal{})
	e.Cwd = w.path("w")
	require.NoError(t, Init(e, InitRequest{Name: "docs", Work: []string{"."}, Backup: []string{"../disk", "/nonexistent/disk/x"}, Create: true}))
	f, err := locations.Load(w.cfg)
	require.NoError(t, err)
	require.Len(t, f.Configs, 1)
	assert.Equal(t, []string{w.path("w")}, rawPaths(f.Configs[0].Work), "relative to where micsync ran, as the shell means it")
	assert.Equal(t, []string{w.path("disk"), "/nonexistent/disk/x"}, rawPaths(f.Configs[0].Backup))
	assert.True(t, hasLine(out.String(), "created directory "+w.path("disk")), out)
	assert.True(t, hasLine(out.String(), "created "+w.cfg), out)
	assert.True(t, hasLine(out.String(), "  WORKING  "+w.path("w")+"  reachable"), out)
	assert.True(t, hasLine(out.String(), "  BACKUP   "+w.path("disk")+"  reachable"), out)
	assert.True(t, hasLine(out.String(), "  BACKUP   /nonexistent/disk/x  unreachable: does not exist (disc not mounted?)"), out)
	fi, err := os.Stat(w.cfg)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the config file is private")
}

func TestInitRefusesAnExistingFile(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	require.NoError(t, os.WriteFile(w.cfg, []byte(`{"configs": []}`), 0o600))
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{w.path("b")}})
	requireUsage(t, err, "config file "+w.cfg+" already exists",
		"add a configuration to it with micsync init --add", "replace it with micsync init --force",
		"see what it holds with micsync check")
	assert.Equal(t, `{"configs": []}`, w.read("micsync.json"))
}

func TestInitForceReplacesAndAddAdds(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	require.NoError(t, os.WriteFile(w.cfg, []byte(`{"configs": [{"name": "old", "work": ["/nonexistent/o"], "backup": ["/nonexistent/ob"]}]}`), 0o600))
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{"/nonexistent/b"}, Force: true}))
	assert.True(t, hasLine(out.String(), "replaced "+w.cfg), out)

	e, out, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Init(e, InitRequest{Name: "more", Work: []string{"/nonexistent/m"}, Backup: []string{"/nonexistent/mb"}, Add: true}))
	assert.True(t, hasLine(out.String(), `added configuration "more" to `+w.cfg), out)
	f, err := locations.Load(w.cfg)
	require.NoError(t, err)
	require.Len(t, f.Configs, 2)
	assert.Equal(t, "docs", f.Configs[0].Name, "--force dropped the old configuration")
	assert.Equal(t, "more", f.Configs[1].Name)
}

func TestInitRefusesAnInvalidConfigurationAndWritesNothing(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{w.path("w/copy")}})
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Contains(t, err.Error(), `configuration "docs": BACKUP `+w.path("w/copy")+" is inside WORKING "+w.path("w"))
	assert.NoFileExists(t, w.cfg)

	require.NoError(t, os.WriteFile(w.cfg, []byte(`{"configs": [`), 0o600))
	err = Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{"/nonexistent/b"}, Add: true})
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Equal(t, []string{"fix it before adding to it, or replace it with micsync init --force"}, hintsOrNil(err))
	assert.Equal(t, `{"configs": [`, w.read("micsync.json"))
}

// A BACKUP of the configuration added may not share directories with another configuration's
// BACKUP or WORKING: a run of one would delete the other's files or pour them into its own.
func TestInitAddRefusesDirectoriesOfAnotherConfiguration(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	existing := `{"configs": [{"name": "photos", "work": ["` + w.path("Pictures") + `"], "backup": ["` + w.path("disk/photos") + `"]}]}`
	require.NoError(t, os.WriteFile(w.cfg, []byte(existing), 0o600))
	for _, backup := range []string{w.path("disk/photos"), w.path("disk/photos/docs"), w.path("Pictures/docs")} {
		e, _, _ := w.env(prompt.NoTerminal{})
		err := Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{backup}, Add: true})
		require.Error(t, err, backup)
		assert.True(t, isUsage(err), "exit status 2")
		assert.Contains(t, err.Error(), `configuration "docs": BACKUP `+backup)
		assert.Contains(t, err.Error(), `of configuration "photos"`)
		assert.Equal(t, []string{"nothing was written"}, hintsOrNil(err))
		assert.Equal(t, existing, w.read("micsync.json"), "the file is unchanged")
	}

	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, os.Mkdir(w.path("Pictures"), 0o755))
	require.NoError(t, Init(e, InitRequest{Name: "nas", Work: []string{w.path("Pictures")}, Backup: []string{"/nonexistent/nas/photos"}, Add: true}),
		"the same WORKING backed up to another disc")
}

// A WORKING of the configuration added may be another configuration's WORKING, but not inside
// it or around it.
func TestInitAddRefusesAWorkingNestedWithAnotherConfigurationsWorking(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	require.NoError(t, os.MkdirAll(w.path("home/Pictures/raw"), 0o755))
	existing := `{"configs": [{"name": "photos", "work": ["` + w.path("home/Pictures") + `"], "backup": ["/nonexistent/disk/photos"]}]}`
	require.NoError(t, os.WriteFile(w.cfg, []byte(existing), 0o600))
	for work, problem := range map[string]string{
		w.path("home/Pictures/raw"): `WORKING ` + w.path("home/Pictures/raw") + ` is inside WORKING ` + w.path("home/Pictures") + ` of configuration "photos"`,
		w.path("home"):              `WORKING ` + w.path("home/Pictures") + ` of configuration "photos" is inside WORKING ` + w.path("home"),
	} {
		e, _, _ := w.env(prompt.NoTerminal{})
		err := Init(e, InitRequest{Name: "raw", Work: []string{work}, Backup: []string{"/nonexistent/disk/raw"}, Add: true})
		require.Error(t, err, work)
		assert.True(t, isUsage(err), "exit status 2")
		assert.Contains(t, err.Error(), `configuration "raw": `+problem)
		assert.Equal(t, []string{"nothing was written"}, hintsOrNil(err))
		assert.Equal(t, existing, w.read("micsync.json"), "the file is unchanged")
	}
}

// A location whose parent exists but which does not is not created yet: init refuses it, for
// every run would skip it, unless --create makes it; nothing is written or left behind.
func TestInitCreate(t *testing.T) {
	t.Parallel()
	w := initWorld(t)
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{w.path("disk")}})
	requireUsage(t, err, w.path("disk")+" is not created yet: it does not exist, but its parent directory does",
		"create it with micsync init --create (and the same options), or mkdir -p "+w.path("disk")+" first")
	assert.NoFileExists(t, w.cfg)
	assert.NoDirExists(t, w.path("disk"))

	// A disc that is not mounted (no parent) is no reason to refuse: it is plugged in later.
	require.NoError(t, Init(e, InitRequest{Name: "docs", Work: []string{w.path("w")}, Backup: []string{w.path("gone/disk")}}))
	require.NoError(t, os.Remove(w.cfg))

	// With --create, nothing is made when the configuration is refused.
	err = Init(e, InitRequest{Name: "docs", Work: []string{w.path("new")}, Backup: []string{w.path("new/b")}, Create: true})
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.NoDirExists(t, w.path("new"))
	assert.NoFileExists(t, w.cfg)

	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Init(e, InitRequest{Name: "docs", Work: []string{w.path("new")}, Backup: []string{w.path("disk")}, Create: true}))
	assert.DirExists(t, w.path("new"))
	assert.DirExists(t, w.path("disk"))
	assert.True(t, hasLine(out.String(), "created directory "+w.path("new")), out)
	assert.True(t, hasLine(out.String(), "  BACKUP   "+w.path("disk")+"  reachable"), out)
}
