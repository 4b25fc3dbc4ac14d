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
	confirms          []bool // the answers to Confirm, in turn
	confirmed         []string
}

func (s *typedLines) Confirm(message string, _ bool) (bool, error) {
	s.confirmed = append(s.confirmed, message)
	if len(s.confirms) == 0 {
		s.t.Fatalf("no answer left for %q", message)
	}
	yes := s.confirms[0]
	s.confirms = s.confirms[1:]
	return yes, nil
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
		"", "Nope", "Documents", "", // a WORKING is needed and must exist (Nope is not created); relative to the current directory
		"", docs + "/backup", "/nonexistent/disk/Documents", "disk2/Documents", "",
	}}
	user.confirms = []bool{false}
	a.Ask = user
	require.NoError(t, Init(a, InitRequest{}))

	assert.Equal(t, []string{home + "/Nope does not exist yet. Create it?"}, user.confirmed)
	assert.NoDirExists(t, filepath.Join(home, "Nope"))
	assert.Equal(t, []string{
		"Name of the configuration:",
		"WORKING location (a directory you work in):",
		"WORKING location (a directory you work in):",
		"Another WORKING location (Enter when done):",
		"BACKUP location (where the copies go):",
		"Another BACKUP location (Enter when done):",
		"Another BACKUP location (Enter when done):",
	}, user.asked)
	assert.Equal(t, []string{
		"a configuration needs a name",
		"a configuration needs at least one WORKING location",
		"a configuration needs at least one BACKUP location",
		"BACKUP " + docs + "/backup is inside WORKING " + docs,
	}, user.refused)
	f, err := locations.Load(filepath.Join(home, ".micsync.json"))
	require.NoError(t, err)
	require.Len(t, f.Configs, 1)
	c := f.Configs[0]
	assert.Equal(t, "docs", c.Name)
	assert.Equal(t, []string{docs}, rawPaths(c.Work))
	assert.Equal(t, []string{"/nonexistent/disk/Documents", home + "/disk2/Documents"}, rawPaths(c.Backup))
	assert.Contains(t, out.String(), "created "+home+"/.micsync.json")
}

func TestInitInterviewRefusesATakenName(t *testing.T) {
	home, a, _ := setupHome(t)
	cfg := filepath.Join(home, ".micsync.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [{"name": "docs", "work": ["/nonexistent/w"], "backup": ["/nonexistent/b"]}]}`), 0o600))
	user := &typedLines{t: t, answers: []string{"docs", "photos", "~/Documents", "", "/nonexistent/p", ""}}
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
	existing := `{"configs": [{"name": "photos", "work": ["~/Pictures"], "backup": ["/nonexistent/disk/photos"]}]}`
	require.NoError(t, os.WriteFile(cfg, []byte(existing), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(home, "Pictures", "raw"), 0o755))
	user := &typedLines{t: t, answers: []string{"docs", "/nonexistent/disk/photos/docs", "~/Pictures/raw", "~", "~/Documents", "",
		"/nonexistent/disk/photos", "~/Pictures/docs", "/nonexistent/disk/docs", ""}}
	a.Ask = user
	require.NoError(t, Init(a, InitRequest{Add: true}))
	assert.Equal(t, []string{
		`WORKING /nonexistent/disk/photos/docs is inside BACKUP /nonexistent/disk/photos of configuration "photos"`,
		`WORKING ` + home + `/Pictures/raw is inside WORKING ` + home + `/Pictures of configuration "photos"`,
		`WORKING ` + home + `/Pictures of configuration "photos" is inside WORKING ` + home,
		`BACKUP /nonexistent/disk/photos and BACKUP /nonexistent/disk/photos of configuration "photos" are both /nonexistent/disk/photos`,
		`BACKUP ` + home + `/Pictures/docs is inside WORKING ` + home + `/Pictures of configuration "photos"`,
	}, user.refused)
	f, err := locations.Load(cfg)
	require.NoError(t, err)
	require.Len(t, f.Configs, 2)
	assert.Equal(t, []string{"/nonexistent/disk/docs"}, rawPaths(f.Configs[1].Backup))
}

// An answer that is not created yet (its parent exists) is created if the user says so; a
// BACKUP that the user does not want created is kept, a WORKING is asked again.
func TestInitInterviewOffersToCreate(t *testing.T) {
	home, a, out := setupHome(t)
	user := &typedLines{t: t, answers: []string{"docs", "~/Work", "~/Work", "", "~/disk", "~/later", ""}}
	user.confirms = []bool{false, true, true, false}
	a.Ask = user
	require.NoError(t, Init(a, InitRequest{}))
	assert.Equal(t, []string{
		home + "/Work does not exist yet. Create it?", home + "/Work does not exist yet. Create it?",
		home + "/disk does not exist yet. Create it?", home + "/later does not exist yet. Create it?",
	}, user.confirmed)
	assert.DirExists(t, filepath.Join(home, "Work"))
	assert.DirExists(t, filepath.Join(home, "disk"))
	assert.NoDirExists(t, filepath.Join(home, "later"))
	f, err := locations.Load(filepath.Join(home, ".micsync.json"))
	require.NoError(t, err)
	assert.Equal(t, []string{"~/Work"}, rawPaths(f.Configs[0].Work))
	assert.Equal(t, []string{"~/disk", "~/later"}, rawPaths(f.Configs[0].Backup))
	assert.True(t, hasLine(out.String(), "created directory "+home+"/Work"), out)
	assert.True(t, hasLine(out.String(), "  BACKUP   "+home+"/later  unreachable: not created yet: create it with mkdir -p "+home+"/later"), out)
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
	for _, c := range []InitRequest{{Name: "docs"}, {Work: []string{"/nonexistent/w"}, Backup: []string{"/nonexistent/b"}}, {Name: "docs", Work: []string{"/nonexistent/w"}}} {
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
