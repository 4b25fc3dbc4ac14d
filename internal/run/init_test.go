package run

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
)

// typedLines plays a user at init's questions: each answer is typed in turn, and one that the
// question refuses is noted and followed by the next one.
type typedLines struct {
	prompt.NoTerminal // init asks nothing but lines
	t                 *testing.T
	answers           []string // "^C" presses Ctrl-C
	asked             []string
	refused           []string
}

func (s *typedLines) Input(message, _ string, valid func(string) error) (string, error) {
	s.asked = append(s.asked, message)
	for len(s.answers) > 0 {
		a := s.answers[0]
		s.answers = s.answers[1:]
		if a == "^C" {
			return "", prompt.ErrInterrupted
		}
		if err := valid(a); err != nil {
			s.refused = append(s.refused, err.Error())
			continue
		}
		return a, nil
	}
	s.t.Fatalf("no answer left for %q", message)
	return "", nil
}

// setupHome makes a HOME with a Documents directory and returns it and an Env that runs there.
func setupHome(t *testing.T) (string, *Env, *syncBuffer) {
	t.Helper()
	home, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	t.Setenv("HOME", home)
	t.Setenv("MICSYNC_CONFIG", "")
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, ".state"))
	require.NoError(t, os.Mkdir(filepath.Join(home, "Documents"), 0o755))
	e, out, _ := testEnv(t, home, prompt.NoTerminal{})
	return home, e, out
}

func TestInitInterview(t *testing.T) {
	home, a, out := setupHome(t)
	docs := filepath.Join(home, "Documents")
	user := &typedLines{t: t, answers: []string{
		"  ", "docs", // a name is needed
		"", "Nope", "Documents", "", // a WORKING is needed and must exist; relative to the current directory
		"", docs + "/backup", "/mnt/disk/Documents", "disk2/Documents", "",
	}}
	a.Ask = user
	require.NoError(t, Init(a, InitRequest{}))

	assert.Equal(t, []string{
		"Name of the configuration:",
		"WORKING location (a directory you work in):",
		"Another WORKING location (Enter when done):",
		"BACKUP location (where the copies go):",
		"Another BACKUP location (Enter when done):",
		"Another BACKUP location (Enter when done):",
	}, user.asked)
	assert.Equal(t, []string{
		"a configuration needs a name",
		"a configuration needs at least one WORKING location",
		home + "/Nope is not a directory; give one that exists (use --work for one that is not mounted now)",
		"a configuration needs at least one BACKUP location",
		"BACKUP " + docs + "/backup is inside WORKING " + docs,
	}, user.refused)
	f, err := locations.Load(filepath.Join(home, ".micsync.json"))
	require.NoError(t, err)
	require.Len(t, f.Configs, 1)
	c := f.Configs[0]
	assert.Equal(t, "docs", c.Name)
	assert.Equal(t, []string{docs}, rawPaths(c.Work))
	assert.Equal(t, []string{"/mnt/disk/Documents", home + "/disk2/Documents"}, rawPaths(c.Backup))
	assert.Contains(t, out.String(), "created "+home+"/.micsync.json")
}

func TestInitInterviewRefusesATakenName(t *testing.T) {
	home, a, _ := setupHome(t)
	cfg := filepath.Join(home, ".micsync.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [{"name": "docs", "work": ["/w"], "backup": ["/b"]}]}`), 0o600))
	user := &typedLines{t: t, answers: []string{"docs", "photos", "~/Documents", "", "/mnt/p", ""}}
	a.Ask = user
	require.NoError(t, Init(a, InitRequest{Add: true}))
	assert.Equal(t, []string{cfg + ` already has a configuration "docs"`}, user.refused)
	f, err := locations.Load(cfg)
	require.NoError(t, err)
	require.Len(t, f.Configs, 2)
	assert.Equal(t, []string{"~/Documents"}, rawPaths(f.Configs[1].Work), "~ is kept as typed")
}

func TestInitInterviewRefusesAnotherConfigurationsDirectories(t *testing.T) {
	home, a, _ := setupHome(t)
	cfg := filepath.Join(home, ".micsync.json")
	existing := `{"configs": [{"name": "photos", "work": ["~/Pictures"], "backup": ["/mnt/disk/photos"]}]}`
	require.NoError(t, os.WriteFile(cfg, []byte(existing), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(home, "Pictures"), 0o755))
	user := &typedLines{t: t, answers: []string{"docs", "/mnt/disk/photos/docs", "~/Documents", "",
		"/mnt/disk/photos", "~/Pictures/docs", "/mnt/disk/docs", ""}}
	a.Ask = user
	require.NoError(t, Init(a, InitRequest{Add: true}))
	assert.Equal(t, []string{
		`WORKING /mnt/disk/photos/docs is inside BACKUP /mnt/disk/photos of configuration "photos"`,
		`BACKUP /mnt/disk/photos and BACKUP /mnt/disk/photos of configuration "photos" are both /mnt/disk/photos`,
		`BACKUP ` + home + `/Pictures/docs is inside WORKING ` + home + `/Pictures of configuration "photos"`,
	}, user.refused)
	f, err := locations.Load(cfg)
	require.NoError(t, err)
	require.Len(t, f.Configs, 2)
	assert.Equal(t, []string{"/mnt/disk/docs"}, rawPaths(f.Configs[1].Backup))
}

func TestInitInterviewInterrupted(t *testing.T) {
	home, a, _ := setupHome(t)
	user := &typedLines{t: t, answers: []string{"docs", "~/Documents", "", "^C"}}
	a.Ask = user
	err := Init(a, InitRequest{})
	assert.ErrorIs(t, err, prompt.ErrInterrupted)
	assert.True(t, ui.Interrupted(err))
	assert.NoFileExists(t, filepath.Join(home, ".micsync.json"))
}

func TestInitWithoutTerminal(t *testing.T) {
	home, a, _ := setupHome(t)
	err := Init(a, InitRequest{})
	require.Error(t, err)
	assert.True(t, isUsage(err), "exit status 2")
	assert.EqualError(t, err, "micsync init asks its questions on a terminal, and there is none")
	assert.Equal(t, []string{"give the configuration with --name NAME --work PATH --backup PATH"}, ui.Hints(err))
	assert.NoFileExists(t, filepath.Join(home, ".micsync.json"))
}

func TestInitFlagsNeedEachOther(t *testing.T) {
	home, a, _ := setupHome(t)
	for _, c := range []InitRequest{{Name: "docs"}, {Work: []string{"/w"}, Backup: []string{"/b"}}, {Name: "docs", Work: []string{"/w"}}} {
		err := Init(a, c)
		assert.EqualError(t, err, "--name, --work and --backup are all needed")
	}
	assert.NoFileExists(t, filepath.Join(home, ".micsync.json"))
}

func TestAbsPath(t *testing.T) {
	for in, want := range map[string]string{
		"Documents":               "/cwd/Documents",
		"./a/../b":                "/cwd/b",
		"/abs":                    "/abs",
		"~":                       "~",
		"~/Pictures":              "~/Pictures",
		"~other":                  "/cwd/~other",
		"nas:/srv/b":              "nas:/srv/b",
		"ssh://me@nas:2222/srv/b": "ssh://me@nas:2222/srv/b",
	} {
		assert.Equal(t, want, absPath(in, "/cwd"), in)
	}
}

func rawPaths(ls []locations.Location) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Raw)
	}
	return out
}
