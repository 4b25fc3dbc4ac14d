package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/clidoc"
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
	assert.Subset(t, paths, []string{"backup", "work", "transfer", "tree", "init", "check"})
	assert.NotContains(t, paths, "completion", "hidden")
	assert.NotContains(t, paths, "man", "hidden")
	assert.Contains(t, g.Options("work"), "-D")
	assert.Contains(t, g.Options("work"), "--config-file", "global flags are valid after a command")
	assert.NotContains(t, g.Options("backup"), "--delete")
	assert.Contains(t, g.Options(""), "--backup", "the original form")

	kinds := map[string]string{}
	for _, c := range g.Commands {
		for _, f := range c.Flags {
			kinds[c.Path+" --"+f.Long] = f.Value
		}
	}
	assert.Equal(t, "configuration", kinds["backup --configuration"])
	assert.Equal(t, "root", kinds["work --from"])
	assert.Equal(t, "root", kinds["transfer --to"])
	assert.Equal(t, "file", kinds["init --work"])
	assert.Equal(t, "text", kinds["init --name"])
	assert.Equal(t, "", kinds["backup --modified"])
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

func TestHiddenCommands(t *testing.T) {
	code, help, _ := runMain(t, "--help")
	require.Equal(t, 0, code)
	assert.Contains(t, help, "init")
	assert.Contains(t, help, "check")
	assert.NotContains(t, help, "completion")
	assert.NotContains(t, help, "man ")
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
