package run

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/prompt"
)

func TestCheckShowsEveryLocationAndWhetherItIsReachable(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [
		{"name": "docs", "work": ["w"], "backup": ["b1", "b2"]},
		{"name": "photos", "work": ["p"], "backup": ["pb"]}]}`, "w", "b1", "p")
	w.write("pb", "a file where the BACKUP should be")
	before := w.snapshot()
	e, out, errb := w.env(prompt.NoTerminal{})
	require.NoError(t, Check(e), "an unplugged disc is no error")
	assert.Equal(t, "config "+w.cfg+" is valid: 2 configurations\n\n"+
		"configuration \"docs\"\n"+
		"  WORKING  "+w.path("w")+"  reachable\n"+
		"  BACKUP   "+w.path("b1")+"  reachable\n"+
		"  BACKUP   "+w.path("b2")+"  unreachable: not created yet: create it with mkdir -p "+w.path("b2")+"\n"+
		"\n"+
		"configuration \"photos\"\n"+
		"  WORKING  "+w.path("p")+"  reachable\n"+
		"  BACKUP   "+w.path("pb")+"  unreachable: not a directory\n"+
		"\n3 of 5 locations reachable now\n", out.String())
	assert.Empty(t, errb.String())
	w.unchanged(before)
}

func TestCheckOfOneConfiguration(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Check(e))
	assert.Contains(t, out.String(), " is valid: 1 configuration\n")
	assert.Contains(t, out.String(), "\n3 of 3 locations reachable now\n")
}

func TestCheckRefusesAnInvalidConfig(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [{"name": "docs", "work": ["w"], "backup": ["w/b"]}]}`, "w/b")
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Check(e)
	requireUsage(t, err, "config "+w.cfg+`: configuration "docs": BACKUP `+w.path("w/b")+" is inside WORKING "+w.path("w"),
		"fix the file, then run micsync check again")
	assert.Empty(t, out.String())
}

func TestCheckWithoutConfigPointsToInit(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.cfg))
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Check(e)
	requireUsage(t, err, "config file "+w.cfg+" not found",
		"create it: micsync --config-file "+w.cfg+" init (it asks for the locations), or copy micsync.json.example to "+w.cfg)
}

// The hint's init makes the file that was missing: the default one, or the one named.
func TestInitCommandNamesTheFile(t *testing.T) {
	t.Setenv("HOME", "/home/me")
	assert.Equal(t, "micsync init", initCommand("/home/me/.micsync.json"))
	assert.Equal(t, "micsync --config-file /etc/micsync.json init", initCommand("/etc/micsync.json"))
	assert.Equal(t, `micsync --config-file "/tmp/a \"b\".json" init`, initCommand(`/tmp/a "b".json`))
}

func TestActionWithoutConfigSaysHowToMakeOne(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.cfg))
	w.write("w/a.txt", "a")
	before := w.snapshot()
	hints := []string{"create it with: micsync --config-file " + w.cfg + " init",
		"or copy micsync.json.example to " + w.cfg + " and set your locations (README.md, Configuration)"}
	e, _, _ := w.env(prompt.NoTerminal{})
	requireUsage(t, Run(e, w.req(Backup, Options{}, "w/a.txt")), "config file "+w.cfg+" not found", hints...)
	requireUsage(t, ListTrash(e, ""), "config file "+w.cfg+" not found", hints...)
	requireUsage(t, Mark(e, w.path("b1")), "config file "+w.cfg+" not found", hints...)
	w.unchanged(before)
}

func TestActionWithAnInvalidConfigIsAUsageError(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "{\"configs\": [\n  {\"name\": \"x\",}\n]}", "w")
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "w/a.txt"))
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Regexp(t, regexp.MustCompile(`^config `+regexp.QuoteMeta(w.cfg)+`: trailing comma at line 2, column \d+: `), err.Error())
	assert.Empty(t, ui.Hints(err))
	w.unchanged(before)
}

func TestConfigPathErrorIsPassedOn(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	noHome := ui.Usage(errors.New("HOME is not set"), "set HOME")
	e, _, _ := w.env(prompt.NoTerminal{})
	e.Config = func() (string, error) { return "", noHome }
	assert.Equal(t, noHome, Run(e, w.req(Backup, Options{}, "w/a.txt")))
	assert.Equal(t, noHome, Check(e))
	assert.Equal(t, noHome, EmptyTrash(e, EmptyRequest{Yes: true}))
	assert.False(t, w.exists("b1/a.txt"))
}

// TestMarkAndTheMarkerThatGoesMissing is not parallel: marks are remembered in
// $XDG_STATE_HOME, which the test sets.
func TestMarkAndTheMarkerThatGoesMissing(t *testing.T) {
	w := docsWorld(t)
	state := filepath.Join(t.TempDir(), "state")
	t.Setenv("XDG_STATE_HOME", state)
	w.write("w/a.txt", "a")

	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Mark(e, "b1"), "a root relative to the current directory")
	m := regexp.MustCompile(`^marked BACKUP ` + regexp.QuoteMeta(w.path("b1")) + ` \(configuration "docs", id ([0-9a-f]{32})\)\n` +
		`from now on micsync skips it when \.micsync-location is missing there\n$`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	id := m[1]
	assert.Contains(t, w.read("b1/.micsync-location"), `"id": "`+id+`"`)
	registry, err := os.ReadFile(filepath.Join(state, "micsync", "markers.json"))
	require.NoError(t, err)
	assert.Contains(t, string(registry), `"`+w.path("b1")+`": "`+id+`"`)

	e, out, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Mark(e, w.path("b1")))
	assert.Contains(t, out.String(), "found the marker of BACKUP "+w.path("b1")+` (configuration "docs", id `+id+")")

	// Unmounted: the mount point is there, empty.
	require.NoError(t, os.Remove(w.path("b1/.micsync-location")))
	e, out, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/a.txt")))
	assert.True(t, hasLine(out.String(), "skipped BACKUP "+w.path("b1")+": its marker .micsync-location is missing, so its disc is probably not mounted"), out)
	assert.False(t, w.exists("b1/a.txt"), "nothing is written onto the mount point")
	assert.Equal(t, "a", w.read("b2/a.txt"))

	e, _, _ = w.env(prompt.NoTerminal{})
	err = Run(e, w.req(Work, Options{DeleteNoAsk: true, From: w.path("b1")}, "w"))
	requireFailure(t, err, "BACKUP "+w.path("b1")+" is unreachable: its marker .micsync-location is missing, so its disc is probably not mounted",
		"mount the disc that holds it")
	assert.Equal(t, "a", w.read("w/a.txt"))

	e, out, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Check(e))
	assert.Contains(t, out.String(), "  BACKUP   "+w.path("b1")+"  unreachable: its marker .micsync-location is missing, so its disc is probably not mounted\n")
}

func TestMarkOfAPathThatIsNoRoot(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Mark(e, w.path("w/a.txt"))
	requireUsage(t, err, w.path("w/a.txt")+" is not the root of a location in "+w.cfg,
		"the locations are: "+w.path("w")+", "+w.path("b1")+", "+w.path("b2"))
	w.unchanged(before)
}

func TestMarkOfAnUnreachableLocationFails(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.path("b2")))
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Mark(e, w.path("b2"))
	requireFailure(t, err, "BACKUP "+w.path("b2")+" is unreachable: not created yet")
	w.unchanged(before)
}
