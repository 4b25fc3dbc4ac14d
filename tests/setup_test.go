package tests

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ptytest"
)

// configJSON is the config file as init writes it.
type configJSON struct {
	Configs []struct {
		Name   string   `json:"name"`
		Work   []string `json:"work"`
		Backup []string `json:"backup"`
	} `json:"configs"`
}

// readConfig reads the config file at path and checks that only its owner can read it.
func readConfig(t *testing.T, path string) configJSON {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the config file is private")
	var c configJSON
	require.NoError(t, json.Unmarshal([]byte(readFile(t, path)), &c))
	return c
}

// names returns the names of the configurations of c.
func (c configJSON) names() []string {
	var out []string
	for _, x := range c.Configs {
		out = append(out, x.Name)
	}
	return out
}

// homeFiles lists the names in HOME: a refused init leaves no temporary file behind.
func homeFiles(t *testing.T, e *env) []string {
	t.Helper()
	entries, err := os.ReadDir(e.Home)
	require.NoError(t, err)
	var out []string
	for _, d := range entries {
		out = append(out, d.Name())
	}
	return out
}

func TestInitFromFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkfile(t, "Documents/a.txt", "a")
	r := e.run(t, "init", "--name", "docs", "--work", e.path("Documents"),
		"--backup", "/run/media/me/disk/Documents", "--backup", e.path("disk2/Documents"))
	require.Equal(t, 0, r.Code, r)
	c := readConfig(t, e.path(".micsync.json"))
	require.Len(t, c.Configs, 1)
	assert.Equal(t, "docs", c.Configs[0].Name)
	assert.Equal(t, []string{e.path("Documents")}, c.Configs[0].Work)
	assert.Equal(t, []string{"/run/media/me/disk/Documents", e.path("disk2/Documents")}, c.Configs[0].Backup)
	assert.Contains(t, r.Stdout, "created "+e.path(".micsync.json"))
	assert.Contains(t, r.Stdout, "WORKING  "+e.path("Documents")+"  reachable")
	assert.Contains(t, r.Stdout, "BACKUP   /run/media/me/disk/Documents  unreachable: does not exist (disc not mounted?)")
	assert.Empty(t, r.Stderr)
}

// A BACKUP on a disc that is there but whose directory was never made is "not created yet", never
// "disc not mounted": init refuses it without --create, a run says how to create it.
func TestNotCreatedYet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkfile(t, "Documents/a.txt", "a")
	e.mkfile(t, "disk/other.txt", "the disc holds something: it is there")
	r := e.run(t, "init", "--name", "docs", "--work", e.path("Documents"), "--backup", e.path("disk/Documents"))
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: "+e.path("disk/Documents")+" is not created yet: it does not exist, but its parent directory does\n"+
		"micsync: hint: create it with micsync init --create (and the same options), or mkdir -p "+e.path("disk/Documents")+" first\n", r.Stderr)
	assert.NoFileExists(t, e.path(".micsync.json"))

	// Written by hand: every run says how to make it.
	e.writeConfig(t, `{"configs": [{"name": "docs", "work": ["~/Documents"], "backup": ["~/disk/Documents"]}]}`)
	r = e.run(t, "--backup", e.path("Documents/a.txt"))
	assert.Equal(t, 1, r.Code, r)
	assert.Equal(t, "skipped BACKUP "+e.path("disk/Documents")+": not created yet\n", lastLine(r.Stdout))
	assert.Equal(t, "micsync: error: no BACKUP of configuration \"docs\" is reachable\n"+
		"micsync: hint: BACKUP "+e.path("disk/Documents")+" is not created yet: mkdir -p "+e.path("disk/Documents")+"\n"+
		"micsync: hint: mount the disc that holds one, or check the paths in the configuration\n", r.Stderr)
	r = e.run(t, "check")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  BACKUP   "+e.path("disk/Documents")+"  unreachable: not created yet: create it with mkdir -p "+e.path("disk/Documents")+"\n")
	assert.NotContains(t, r.Stdout, "not mounted")

	// init --create makes it.
	require.NoError(t, os.Remove(e.path(".micsync.json")))
	r = e.run(t, "init", "--name", "docs", "--work", e.path("Documents"), "--backup", e.path("disk/Documents"), "--create")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "created directory "+e.path("disk/Documents")+"\n")
	assert.Contains(t, r.Stdout, "  BACKUP   "+e.path("disk/Documents")+"  reachable\n")
	r = e.run(t, "--backup", e.path("Documents/a.txt"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "a", readFile(t, e.path("disk/Documents/a.txt")))
}

func TestInitRefusesAnExistingFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, `{"configs": []}`)
	r := e.run(t, "init", "--name", "docs", "--work", e.path("Documents"), "--backup", e.path("disk"))
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: config file "+e.path(".micsync.json")+" already exists\n"+
		"micsync: hint: add a configuration to it with micsync init --add\n"+
		"micsync: hint: replace it with micsync init --force\n"+
		"micsync: hint: see what it holds with micsync check\n", r.Stderr)
	assert.Equal(t, `{"configs": []}`, readFile(t, e.path(".micsync.json")), "left as it was")
}

func TestInitForceReplaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "old", "work": ["/w"], "backup": ["/b"]}]}`) // mode 0644
	r := e.run(t, "init", "--force", "--name", "docs", "--work", e.path("Documents"), "--backup", e.path("disk"), "--create")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, []string{"docs"}, readConfig(t, e.path(".micsync.json")).names())
	assert.Contains(t, r.Stdout, "replaced "+e.path(".micsync.json"))
}

func TestInitAddKeepsTheOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "old", "work": ["~/w"], "backup": ["/b"]}]}`)
	r := e.run(t, "init", "--add", "--name", "docs", "--work", e.path("Documents"), "--backup", e.path("disk"), "--create")
	require.Equal(t, 0, r.Code, r)
	c := readConfig(t, e.path(".micsync.json"))
	assert.Equal(t, []string{"old", "docs"}, c.names())
	assert.Equal(t, []string{"~/w"}, c.Configs[0].Work, "the other configurations are kept as written")
	assert.Contains(t, r.Stdout, `added configuration "docs" to `+e.path(".micsync.json"))
}

func TestInitRefusesInvalidInput(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args   []string
		stderr string
	}{
		"backup inside work": {[]string{"--name", "docs", "--work", "~/Documents", "--backup", "~/Documents/copy"},
			`: configuration "docs": BACKUP HOME/Documents/copy is inside WORKING HOME/Documents`},
		"a filesystem root": {[]string{"--name", "docs", "--work", "~/Documents", "--backup", "/"},
			`: configuration "docs": BACKUP / is a filesystem root: a whole filesystem cannot be a location`},
		"an empty path": {[]string{"--name", "docs", "--work", "", "--backup", "/b"},
			`: configuration "docs": "work" holds an empty path`},
		"no backup": {[]string{"--name", "docs", "--work", "~/Documents"},
			"--name, --work and --backup are all needed"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			r := e.run(t, append([]string{"init"}, tt.args...)...)
			assert.Equal(t, 2, r.Code, r)
			assert.Contains(t, r.Stderr, strings.ReplaceAll(tt.stderr, "HOME", e.Home))
			assert.True(t, strings.HasPrefix(r.Stderr, "micsync: error: "), r.Stderr)
			assert.Empty(t, homeFiles(t, e), "nothing written, no temporary file left")
		})
	}
}

func TestInitAddRefusesATakenName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	old := `{"configs": [{"name": "docs", "work": ["/w"], "backup": ["/b"]}]}`
	e.writeConfig(t, old)
	r := e.run(t, "init", "--add", "--name", "docs", "--work", "/x", "--backup", "/y")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `configuration "docs": the name is also used by configuration #1`)
	assert.Contains(t, r.Stderr, "micsync: hint: nothing was written")
	assert.Equal(t, old, readFile(t, e.path(".micsync.json")))
	assert.Equal(t, []string{".micsync.json"}, homeFiles(t, e))
}

func TestInitHonoursConfigFileAndEnvironment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.run(t, "--config-file", e.path("one.json"), "init", "--name", "one", "--work", "/nonexistent/w1", "--backup", "/nonexistent/b1")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, []string{"one"}, readConfig(t, e.path("one.json")).names())

	e.Env = []string{"MICSYNC_CONFIG=" + e.path("two.json")}
	r = e.run(t, "init", "--name", "two", "--work", "/nonexistent/w2", "--backup", "/nonexistent/b2")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, []string{"two"}, readConfig(t, e.path("two.json")).names())
	assert.False(t, exists(e.path(".micsync.json")))
}

func TestInitFailsWhereItCannotWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.run(t, "--config-file", e.path("missing/micsync.json"), "init", "--name", "docs", "--work", "/nonexistent/w", "--backup", "/nonexistent/b")
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: write config: open "+e.path("missing")+"/")
	assert.Empty(t, homeFiles(t, e))
}

func TestInitMakesRelativePathsAbsolute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Dir = e.path("sub")
	require.NoError(t, os.Mkdir(e.Dir, 0o755))
	r := e.run(t, "init", "--name", "docs", "--work", "../Documents", "--backup", "disk", "--create")
	require.Equal(t, 0, r.Code, r)
	c := readConfig(t, e.path(".micsync.json"))
	assert.Equal(t, []string{e.path("Documents")}, c.Configs[0].Work, "relative to where micsync ran, as the shell means it")
	assert.Equal(t, []string{e.path("sub/disk")}, c.Configs[0].Backup)
}

func TestInitWithoutTerminalNeedsFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.run(t, "init")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: micsync init asks its questions on a terminal, and there is none\n"+
		"micsync: hint: give the configuration with --name NAME --work PATH --backup PATH\n", r.Stderr)
	assert.Empty(t, homeFiles(t, e))
}

func TestInitOnTerminal(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, os.Mkdir(e.path("Documents"), 0o755))
	s := e.startPTY(t, "init")
	s.Expect("Name of the configuration:")
	s.SendLine("docs")
	s.Expect("WORKING location (a directory you work in):")
	s.SendLine("~/Nope")
	s.Expect(e.path("Nope") + " does not exist yet. Create it?")
	s.SendLine("n")
	s.Expect("WORKING location (a directory you work in):")
	s.SendLine("~/Documents")
	s.Expect("Another WORKING location (Enter when done):")
	s.SendLine("")
	s.Expect("BACKUP location (where the copies go):")
	s.SendLine("~/Documents/backup")
	s.Expect("BACKUP " + e.path("Documents/backup") + " is inside WORKING " + e.path("Documents"))
	s.SendLine("~/disk1/Documents")
	s.Expect("Another BACKUP location (Enter when done):")
	s.SendLine("")
	s.Expect("created " + e.path(".micsync.json"))
	require.Equal(t, 0, s.Wait())
	c := readConfig(t, e.path(".micsync.json"))
	require.Len(t, c.Configs, 1)
	assert.Equal(t, "docs", c.Configs[0].Name)
	assert.Equal(t, []string{"~/Documents"}, c.Configs[0].Work)
	assert.Equal(t, []string{"~/disk1/Documents"}, c.Configs[0].Backup)
}

func TestInitOnTerminalCtrlCWritesNothing(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, os.Mkdir(e.path("Documents"), 0o755))
	s := e.startPTY(t, "init")
	s.Expect("Name of the configuration:")
	s.SendLine("docs")
	s.Expect("WORKING location")
	s.SendLine("~/Documents")
	s.Expect("Another WORKING location")
	s.Send(keyCtrlC)
	s.Expect("micsync: error: interrupted")
	assert.Equal(t, 130, s.Wait())
	assert.False(t, exists(e.path(".micsync.json")))
}

func TestCheckShowsEveryLocation(t *testing.T) {
	t.Parallel()
	e := docsOneBackup(t)
	r := e.run(t, "check")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "config "+e.path(".micsync.json")+" is valid: 1 configuration\n\n"+
		"configuration \"documents\"\n"+
		"  WORKING  "+e.path("Documents")+"  reachable\n"+
		"  BACKUP   "+e.path("disk1/Documents")+"  reachable\n"+
		"  BACKUP   "+e.path("disk2/Documents")+"  unreachable: does not exist (disc not mounted?)\n"+
		"\n2 of 3 locations reachable now\n", r.Stdout)
	assert.Empty(t, r.Stderr)
}

func TestCheckRefusesAnInvalidConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/Documents/b"]}]}`)
	r := e.run(t, "check")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)
	assert.Equal(t, "micsync: error: config "+e.path(".micsync.json")+`: configuration "documents": BACKUP `+
		e.path("Documents/b")+" is inside WORKING "+e.path("Documents")+"\n"+
		"micsync: hint: fix the file, then run micsync check again\n", r.Stderr)
}

func TestCheckWithoutConfigPointsToInit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Env = []string{"MICSYNC_CONFIG=" + e.path("other.json")}
	r := e.run(t, "check")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: config file "+e.path("other.json")+" not found\n"+
		"micsync: hint: create it: micsync --config-file "+e.path("other.json")+" init (it asks for the locations), or copy micsync.json.example to "+
		e.path("other.json")+"\n", r.Stderr)
}

// TestFirstRun follows README's quick start: init, check, then a first backup.
func TestFirstRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkfile(t, "Documents/letter.txt", "dear")
	require.NoError(t, os.MkdirAll(e.path("disk/Documents"), 0o755))
	r := e.run(t, "init", "--name", "documents", "--work", e.path("Documents"), "--backup", e.path("disk/Documents"))
	require.Equal(t, 0, r.Code, r)
	r = e.run(t, "check")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "2 of 2 locations reachable now")
	r = e.run(t, "--backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "dear", readFile(t, e.path("disk/Documents/letter.txt")))
}

// completionEnv is an env with two configurations, and micsync on PATH for the scripts to ask.
func completionEnv(t *testing.T) *env {
	t.Helper()
	e := docs(t)
	e.writeConfig(t, `{"configs": [
		{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents", "~/disk2/Documents"]},
		{"name": "photos", "work": ["~/Pictures"], "backup": ["~/disk1/photos"]}]}`)
	for _, d := range []string{"disk1/Documents/.micsync-trash/20260102T030405Z", "disk2/Documents/.micsync-trash/20251224T180000Z",
		"disk2/Documents/.micsync-trash/not-a-run"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	e.Env = []string{"PATH=" + filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")}
	return e
}

// script writes micsync's completion script for shell and returns its path.
func (e *env) script(t *testing.T, shell string) string {
	t.Helper()
	r := e.run(t, "completion", shell)
	require.Equal(t, 0, r.Code, r)
	p := filepath.Join(t.TempDir(), shell)
	require.NoError(t, os.WriteFile(p, []byte(r.Stdout), 0o644))
	return p
}

// shell runs a shell command line in e's environment and returns what it prints.
func (e *env) shell(t *testing.T, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = e.Home
	cmd.Env = append([]string{"HOME=" + e.Home, "LC_ALL=C.UTF-8"}, e.Env...)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("%s: %v\n%s%s", strings.Join(argv, " "), err, out, ee.Stderr)
	}
	require.NoError(t, err)
	return string(out)
}

// completes checks what a completion offers: every word of want, and none of not.
type completes struct {
	line      []string // the words typed after micsync; the last one is being completed
	want, not []string
}

func TestBashCompletion(t *testing.T) {
	t.Parallel()
	e := completionEnv(t)
	script := e.script(t, "bash")
	tests := []completes{
		{[]string{""}, []string{"backup", "work", "transfer", "tree", "init", "check", "completion", "man", "help"}, []string{"completion-words"}},
		{[]string{"tr"}, []string{"transfer", "tree"}, []string{"backup"}},
		{[]string{"--tr"}, []string{"--transfer", "--tree"}, nil},
		{[]string{"--backup", "--mo"}, []string{"--modified"}, nil},
		{[]string{"work", "-"}, []string{"-m", "-d", "-D", "-s", "-v", "-n", "--delete-without-asking", "--config-file"}, []string{"--backup"}},
		{[]string{"backup", "-"}, []string{"-m", "--no-trash"}, []string{"-d", "--delete"}},
		{[]string{"backup", "--configuration", ""}, []string{"documents", "photos"}, nil},
		{[]string{"--transfer", "--to", e.path("disk")},
			[]string{e.path("disk1/Documents"), e.path("disk2/Documents"), e.path("disk1/photos")}, []string{e.path("Documents")}},
		{[]string{"trash", ""}, []string{"list", "restore", "empty"}, []string{"backup"}},
		{[]string{"init", "--"}, []string{"--name", "--work", "--backup", "--force", "--add"}, []string{"--modified"}},
		{[]string{"init", "--work", "x", "--ba"}, []string{"--backup"}, nil},
		{[]string{"--config-file", e.path("none.json"), "backup", "--configuration", ""}, nil, []string{"documents"}},
		{[]string{"--backup", "--from", e.path("")}, // whole roots: each disc's Documents apart
			[]string{e.path("Documents"), e.path("disk1/Documents"), e.path("disk2/Documents"), e.path("Pictures")}, nil},
		{[]string{"trash", "restore", ""}, []string{"20260102T030405Z", "20251224T180000Z"}, []string{"not-a-run", "Documents"}},
		{[]string{"trash", "restore", "2026"}, []string{"20260102T030405Z"}, []string{"20251224T180000Z"}},
		{[]string{"trash", "restore", "--location", e.path("disk2/Documents"), ""}, []string{"20251224T180000Z"}, nil},
		{[]string{"trash", "restore", "20260102T030405Z", ""}, nil, []string{"20260102T030405Z", "20251224T180000Z"}}, // paths: readline's file names
		{[]string{"mark", e.path("disk")}, []string{e.path("disk1/Documents"), e.path("disk2/Documents"), e.path("disk1/photos")}, nil},
	}
	for _, tt := range tests {
		words := append([]string{"micsync"}, tt.line...)
		line := fmt.Sprintf(`source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _micsync; printf '%%s\n' "${COMPREPLY[@]}"`,
			script, shellWords(words), len(words)-1)
		got := strings.Fields(e.shell(t, "bash", "-c", line))
		assert.Subset(t, got, tt.want, tt.line)
		for _, n := range tt.not {
			assert.NotContains(t, got, n, tt.line)
		}
	}
}

// shellWords quotes words for a shell.
func shellWords(words []string) string {
	var out []string
	for _, w := range words {
		out = append(out, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	return strings.Join(out, " ")
}

func TestFishCompletion(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("no fish")
	}
	e := completionEnv(t)
	script := e.script(t, "fish")
	tests := []completes{
		{[]string{"tr"}, []string{"transfer", "tree"}, []string{"backup"}},
		{[]string{"--backup", "--mo"}, []string{"--modified"}, nil},
		{[]string{"backup", "-"}, []string{"-m", "--no-trash", "--config-file"}, []string{"-d", "--delete"}},
		{[]string{"work", "--configuration", ""}, []string{"documents", "photos"}, nil},
		{[]string{"trash", ""}, []string{"list", "restore", "empty"}, []string{"backup"}},
		{[]string{"trash", "list", e.path("Pi")}, []string{e.path("Pictures")}, nil},
		{[]string{"init", "--ba"}, []string{"--backup"}, nil},
		{[]string{"--wo"}, []string{"--work"}, nil},
		{[]string{"--backup", "--from", e.path("disk")}, []string{e.path("disk1/Documents"), e.path("disk2/Documents")}, nil},
		{[]string{"trash", "restore", ""}, []string{"20260102T030405Z", "20251224T180000Z"}, []string{"not-a-run", "Documents/"}},
		{[]string{"trash", "restore", "20260102T030405Z", "Docu"}, []string{"Documents/"}, []string{"20251224T180000Z"}},
		{[]string{"mark", e.path("disk")}, []string{e.path("disk1/Documents"), e.path("disk2/Documents"), e.path("disk1/photos")}, nil},
		{[]string{"mark", ""}, []string{e.path("Pictures")}, []string{"Documents/"}},
	}
	for _, tt := range tests {
		line := "source " + script + "; complete -C" + shellWords([]string{"micsync " + strings.Join(tt.line, " ")})
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(e.shell(t, "fish", "--no-config", "-c", line)), "\n") {
			got = append(got, strings.SplitN(l, "\t", 2)[0])
		}
		assert.Subset(t, got, tt.want, tt.line)
		for _, n := range tt.not {
			assert.NotContains(t, got, n, tt.line)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("no zsh")
	}
	e := completionEnv(t)
	fpath := filepath.Dir(e.script(t, "zsh"))
	require.NoError(t, os.Rename(filepath.Join(fpath, "zsh"), filepath.Join(fpath, "_micsync")))
	s := e.startShell(t, zsh, "-f", "-i")
	s.SendLine("PS1='%% '; fpath=(" + fpath + " $fpath); autoload -U compinit; compinit -u -D; print ready-$((6*7))")
	s.Expect("ready-42")
	for typed, want := range map[string]string{
		"micsync trash l":                              "micsync trash list",
		"micsync --backup --modi":                      "micsync --backup --modified",
		"micsync work --configuration ph":              "micsync work --configuration photos",
		"micsync --work --delete-w":                    "micsync --work --delete-without-asking",
		"micsync init --na":                            "micsync init --name=",
		"micsync --backup --from " + e.path("disk2/D"): "micsync --backup --from " + e.path("disk2/Documents"),
		"micsync trash list ~/disk2/D":                 "micsync trash list ~/disk2/Documents/",
		"micsync trash restore 2025":                   "micsync trash restore 20251224T180000Z",
		"micsync mark " + e.path("disk2/D"):            "micsync mark " + e.path("disk2/Documents"),
	} {
		s.Send(typed + "\t")
		s.Expect(want)
		s.Send("\x15") // Ctrl-U: a new line
	}
	s.SendLine("exit")
	assert.Equal(t, 0, s.Wait())
}

// startShell starts a shell in a pseudo-terminal, as startPTY starts micsync, with micsync on
// its PATH.
func (e *env) startShell(t *testing.T, argv ...string) *ptySession {
	t.Helper()
	c, screen, err := ptytest.NewConsole(expectTimeout)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	s := &ptySession{t: t, args: argv, console: c, screen: screen, exited: make(chan struct{})}
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	s.cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
	s.cmd.Dir = e.Home
	s.cmd.Env = append([]string{"HOME=" + e.Home, "LC_ALL=C.UTF-8", "TERM=xterm"}, e.Env...)
	tty := c.Tty()
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = tty, tty, tty
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	require.NoError(t, s.cmd.Start())
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
		_ = tty.Close()
	}()
	t.Cleanup(func() {
		cancel()
		<-s.exited
	})
	return s
}

// lastLine returns the last line of out, with its newline.
func lastLine(out string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(out, "\n"), "\n")
	return lines[len(lines)-1] + "\n"
}
