package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/clidoc"
	"micsync/internal/trash"
	"micsync/prompt"
)

// runMain runs micsync in process and returns its exit status, stdout and stderr.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := Main(context.Background(), args, &stdout, &stderr, prompt.NoTerminal{})
	return code, stdout.String(), stderr.String()
}

// testGrammar is the grammar as the completion scripts and the manual page see it.
func testGrammar(t *testing.T) clidoc.Grammar {
	t.Helper()
	k, err := kong.New(&cli{}, kong.Name("micsync"), kong.Vars{"version": "test"})
	require.NoError(t, err)
	return grammarOf(k.Model)
}

func TestGrammar(t *testing.T) {
	g := testGrammar(t)
	assert.Equal(t, []string{"backup", "work", "transfer", "tree"}, g.Actions())
	var paths []string
	for _, c := range g.Commands {
		paths = append(paths, c.Path)
	}
	assert.Subset(t, paths, []string{"backup", "work", "transfer", "tree", "init", "check", "status", "log"})
	assert.Subset(t, paths, []string{"completion", "man", "help"}, "in --help, and so completed and in the manual")
	assert.NotContains(t, paths, "completion-words", "hidden")
	assert.Contains(t, g.Options("work"), "-D")
	assert.Contains(t, g.Options("work"), "--config-file", "global flags are valid after a command")
	assert.NotContains(t, g.Options("backup"), "--delete")
	assert.Subset(t, g.Options("prune"), []string{"--to", "--yes", "--no", "-n", "--full", "--max-delete", "--allow-empty-source", "-q"})
	assert.NotContains(t, g.Options("prune"), "-d", "prune always deletes, after asking")
	assert.NotContains(t, g.Options("prune"), "--no-trash", "what prune deletes always goes to the trash")
	assert.Contains(t, g.Options(""), "--backup", "the original form")
	for _, c := range []string{"backup", "work", "transfer", "tree", "prune", "check", "trash list", "trash restore"} {
		assert.Contains(t, g.Options(c), "--json", "micsync %s writes JSON", c)
	}
	assert.NotContains(t, g.Options("trash empty"), "--json", "emptying the trash writes no document")
	assert.Subset(t, g.Options("status"), []string{"--json"}, "status as a document")
	assert.Subset(t, g.Options("log"), []string{"--json", "--since"}, "log as a document")

	kinds := map[string]string{}
	for _, c := range g.Commands {
		for _, f := range c.Flags {
			kinds[c.Path+" --"+f.Long] = f.Value
		}
	}
	assert.Equal(t, "configuration", kinds["backup --configuration"])
	assert.Equal(t, "root", kinds["work --from"])
	assert.Equal(t, "root", kinds["transfer --to"])
	assert.Equal(t, "root", kinds["prune --to"])
	assert.Equal(t, "file", kinds["init --work"])
	assert.Equal(t, "text", kinds["init --name"])
	assert.Equal(t, "", kinds["backup --modified"])
	for _, action := range []string{"backup", "work", "transfer", "tree"} {
		assert.Equal(t, "text", kinds[action+" --exclude"], "%s: a pattern, not a file to complete", action)
	}

	args := map[string]string{}
	for _, c := range g.Commands {
		for _, a := range c.Args {
			args[c.Path+" "+a.Name] = a.Kind
		}
	}
	assert.Equal(t, "root", args["mark path"], "mark completes location roots")
	assert.Equal(t, "file", args["prune path"])
	assert.Equal(t, "stamp", args["trash restore timestamp"], "trash restore completes trash runs")
	assert.Equal(t, "file", args["trash restore path"])
	assert.Equal(t, "file", args["status path"], "status completes paths")
	assert.Equal(t, "file", args["log run-or-path"], "log completes paths (a run's id is typed from the list)")
	assert.Equal(t, "text", kinds["log --since"])
}

func TestCompletionScripts(t *testing.T) {
	g := testGrammar(t)
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			code, script, stderr := runMain(t, "completion", shell)
			require.Equal(t, 0, code, stderr)
			for _, c := range g.Commands {
				assert.Contains(t, script, c.Name, "command %s", c.Path)
				for _, f := range c.Flags {
					assert.Contains(t, script, f.Long, "%s --%s", c.Path, f.Long)
				}
			}
			for _, f := range g.Global {
				assert.Contains(t, script, f.Long)
			}
			short := map[string]string{"bash": " -m ", "zsh": "-m[", "fish": "-s m -l modified"}[shell]
			assert.Contains(t, script, short, "short options")
			assert.Contains(t, script, "_micsync_words configurations", "configuration names come from the config file")
			assert.Contains(t, script, "completion-words")
			assert.Contains(t, script, "--backup", "the original form's action flags")

			sh, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("no %s to check the syntax with", shell)
			}
			file := filepath.Join(t.TempDir(), "micsync."+shell)
			require.NoError(t, os.WriteFile(file, []byte(script), 0o644))
			out, err := exec.Command(sh, "-n", file).CombinedOutput()
			assert.NoError(t, err, "%s -n: %s", shell, out)
		})
	}
}

func TestCompletionNeedsAShell(t *testing.T) {
	code, _, stderr := runMain(t, "completion", "tcsh")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "micsync: error: <shell> must be one of")
}

func TestCompletionWords(t *testing.T) {
	home := setupHome(t)
	cfg := filepath.Join(home, "cfg.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [
		{"name": "docs", "work": ["~/Documents"], "backup": ["/mnt/a/Documents"]},
		{"name": "photos", "work": ["~/Documents/../Pictures", "~/Documents"], "backup": ["/mnt/a/Pictures"]}]}`), 0o600))

	code, out, stderr := runMain(t, "--config-file", cfg, "completion-words", "configurations")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "docs\nphotos\n", out)

	code, out, stderr = runMain(t, "--config-file", cfg, "completion-words", "roots")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, home+"/Documents\n/mnt/a/Documents\n"+home+"/Pictures\n/mnt/a/Pictures\n", out, "each root once")

	code, out, _ = runMain(t, "--config-file", filepath.Join(home, "none.json"), "completion-words", "roots")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
}

func TestCompletionWordsStamps(t *testing.T) {
	home := setupHome(t)
	cfg := filepath.Join(home, "cfg.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [
		{"name": "docs", "work": ["~/Documents"], "backup": ["/mnt/a/Documents", "~/b1"]},
		{"name": "more", "work": ["~/Documents"], "backup": ["~/b2", "host:/srv/b"]}]}`), 0o600))
	for _, d := range []string{"b1/.micsync-trash/20260102T030405Z", "b1/.micsync-trash/20250101T000000Z",
		"b2/.micsync-trash/20260102T030405Z", "b2/.micsync-trash/not-a-run", "Documents/.micsync-trash/20240101T000000Z"} {
		require.NoError(t, os.MkdirAll(filepath.Join(home, d), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(home, "b1/.micsync-trash/20230101T000000Z"), nil, 0o644))

	code, out, stderr := runMain(t, "--config-file", cfg, "completion-words", "stamps")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "20240101T000000Z\n20250101T000000Z\n20260102T030405Z\n", out,
		"every run once, also from a WORKING in two configurations, sorted; not a file, not another directory, nothing from /mnt/a (missing) or the other host")
}

// A disc that does not answer leaves its trash runs out of the completion; it does not keep the
// shell waiting.
func TestCompletionWordsStampsDoNotWaitForADeadDisc(t *testing.T) {
	home := setupHome(t)
	cfg := filepath.Join(home, "cfg.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"configs": [
		{"name": "docs", "work": ["~/Documents"], "backup": ["~/dead", "~/b1"]}]}`), 0o600))
	for _, d := range []string{"b1/.micsync-trash/20260102T030405Z", "dead/.micsync-trash/20250101T000000Z"} {
		require.NoError(t, os.MkdirAll(filepath.Join(home, d), 0o755))
	}
	release := make(chan struct{})
	defer close(release)
	real := trashRunsOf
	trashRunsOf = func(ctx context.Context, p trash.Place) []trash.Run {
		if strings.HasSuffix(p.Location.Path, "/dead") {
			<-release // a disc that hangs in the kernel
		}
		return real(ctx, p)
	}
	defer func() { trashRunsOf = real }()
	timeout := completionTimeout
	completionTimeout = 200 * time.Millisecond
	defer func() { completionTimeout = timeout }()

	start := time.Now()
	code, out, stderr := runMain(t, "--config-file", cfg, "completion-words", "stamps")
	took := time.Since(start)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "20260102T030405Z\n", out, "the runs of the discs that answered")
	assert.Less(t, took, 3*time.Second, "bounded by completionTimeout, not by hang.Timeout")
	assert.GreaterOrEqual(t, took, completionTimeout, "it waited for the dead disc that long")
}
