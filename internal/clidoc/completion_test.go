package clidoc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValueCases(t *testing.T) {
	g := testGrammar(t)
	cases := g.ValueCases()
	require.NotEmpty(t, cases)
	assert.Equal(t, ValueCase{Patterns: []string{`*' --config-file'`}, Globals: []string{"--config-file"}, Kind: "file"},
		cases[0], "a global flag takes its value after any command")
	assert.Contains(t, cases, ValueCase{Patterns: []string{`'backup --from'`}, Pairs: []string{"backup --from"}, Kind: "root"})
	assert.Contains(t, cases, ValueCase{
		Patterns: []string{`'trash --keep'`, `'trash list --keep'`, `'trash restore --keep'`, `'trash empty --keep'`},
		Pairs:    []string{"trash --keep", "trash list --keep", "trash restore --keep", "trash empty --keep"},
		Kind:     "file"}, "a parent's flag takes its value after its subcommands too")
	for _, c := range cases {
		assert.NotContains(t, c.Pairs, "backup --modified", "a flag without a value")
		assert.NotContains(t, c.Pairs, "init --verbose", "a counter")
	}
}

func TestArgCases(t *testing.T) {
	g := testGrammar(t)
	assert.Equal(t, []ArgCase{
		{`' 0'`, "commands"}, {`' '*`, "file"},
		{`'backup '*`, "file"},
		{`'work '*`, "file"},
		{`'trash 0'`, "commands"},
		{`'trash list 0'`, "root"},
		{`'trash restore 0'`, "stamp"}, {`'trash restore '*`, "file"},
	}, g.ArgCases())
}

func TestCommandArgs(t *testing.T) {
	g := testGrammar(t)
	fish := map[string][]FishArg{}
	zsh := map[string][]string{}
	for _, c := range g.Leaves() {
		fish[c.Path] = c.FishArgs()
		zsh[c.Path] = c.ZshArgs()
	}
	assert.Equal(t, map[string][]FishArg{
		"backup":        nil, // file names: fish's default
		"work":          nil,
		"init":          {{-1, "none"}},
		"trash list":    {{-1, "none"}, {0, "roots"}},
		"trash restore": {{0, "stamps"}}, // then file names
		"trash empty":   {{-1, "none"}},
	}, fish)
	assert.Equal(t, []string{`'*:path:_files'`}, zsh["backup"])
	assert.Equal(t, []string{`'1::root:_micsync_words roots'`}, zsh["trash list"])
	assert.Equal(t, []string{`'1:stamp:_micsync_words stamps'`, `'*:path:_files'`}, zsh["trash restore"])
	assert.Empty(t, zsh["init"])
}

func TestZshSpecs(t *testing.T) {
	g := testGrammar(t)
	assert.Equal(t, []string{
		`'(- *)--help[Show context-sensitive help.]'`, `'(- *)-h[Show context-sensitive help.]'`,
		`'(--config-file)--config-file=[Config file; it'\''s "quoted".]:path:_files'`,
		`'(- *)--version[Print the version and exit.]'`,
	}, zshSpecs(g.Global))
	backup, _ := g.command("backup")
	specs := zshSpecs(backup.Flags)
	assert.Contains(t, specs, `'(--modified -m)-m[Overwrite modified files \[all of them\].]'`)
	assert.Contains(t, specs, `'(--yes --no)--yes[Answer yes.]'`, "the flags of its xor group")
	assert.Contains(t, specs, `'*--to=[Destination root; repeatable.]:root:_micsync_words roots'`, "repeatable")
	assert.Contains(t, specs, `'(--configuration)--configuration=[Configuration: the one to use.]:configuration:_micsync_words configurations'`)
	initCmd, _ := g.command("init")
	assert.Contains(t, zshSpecs(initCmd.Flags), `'(--name)--name=[Name.]:key\:value: '`, "a colon ends the message")
}

func TestQuote(t *testing.T) {
	assert.Equal(t, `'it'\''s'`, shQuote("it's"))
	assert.Equal(t, `'a\b'`, shQuote(`a\b`))
	assert.Equal(t, `'it\'s a\\b'`, fishQuote(`it's a\b`))
	assert.Equal(t, `a \[b\] c\\d: e`, zshDesc(`a [b] c\d: e`))
	assert.Equal(t, `a\:b\\c [d]`, zshName(`a:b\c [d]`))

	// Each shell reads the quoted words back as they were.
	words := []string{"plain", "it's", `a\b`, `\'`, `''`, `"$HOME" $(date) ` + "`date`", "two\nlines", "*?[a]", ""}
	for _, sh := range []struct {
		name  string
		quote func(string) string
	}{{"bash", shQuote}, {"zsh", shQuote}, {"fish", fishQuote}} {
		t.Run(sh.name, func(t *testing.T) {
			path, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("no %s", sh.name)
			}
			for _, w := range words {
				out, err := exec.Command(path, "-c", "printf %s "+sh.quote(w)).CombinedOutput()
				require.NoError(t, err, "%s", out)
				assert.Equal(t, w, string(out))
			}
		})
	}
}

func TestCompletion(t *testing.T) {
	g := testGrammar(t)
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			var b strings.Builder
			require.NoError(t, g.Completion(&b, shell))
			script := b.String()
			assert.True(t, strings.HasPrefix(script, map[string]string{"bash": "# bash completion", "zsh": "#compdef micsync\n",
				"fish": "# fish completion"}[shell]), "the template's note is left out")
			assert.NotContains(t, script, "text/template")
			assert.True(t, strings.HasSuffix(script, "\n"), "one newline at the end")
			assert.False(t, strings.HasSuffix(script, "\n\n"), "one newline at the end")
			for _, c := range g.Commands {
				assert.Contains(t, script, c.Name, "command %s", c.Path)
				for _, f := range c.Flags {
					assert.Contains(t, script, f.Long, "%s --%s", c.Path, f.Long)
				}
			}
			assert.NotContains(t, script, "secret", "hidden command")
			assert.NotContains(t, script, "debug", "hidden flag")
			assert.Contains(t, script, "--work", "the original form's action flags")

			sh, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("no %s to check the syntax with", shell)
			}
			file := filepath.Join(t.TempDir(), "tool."+shell)
			require.NoError(t, os.WriteFile(file, []byte(script), 0o644))
			out, err := exec.Command(sh, "-n", file).CombinedOutput()
			assert.NoError(t, err, "%s -n: %s", shell, out)
		})
	}

	var b strings.Builder
	assert.EqualError(t, g.Completion(&b, "tcsh"), `no completion script for "tcsh"`)
	assert.Empty(t, b.String())
}

// runScript loads the completion script of shell and runs code after it.
func runScript(t *testing.T, shell, code string) string {
	t.Helper()
	sh, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("no %s", shell)
	}
	var b strings.Builder
	require.NoError(t, testGrammar(t).Completion(&b, shell))
	file := filepath.Join(t.TempDir(), "tool."+shell)
	require.NoError(t, os.WriteFile(file, []byte(b.String()), 0o644))
	out, err := exec.Command(sh, "-c", "source "+file+"\n"+code).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func TestBashScript(t *testing.T) {
	out := runScript(t, "bash", `
		_micsync_value backup --from
		_micsync_value "trash list" --keep
		_micsync_value init --config-file
		_micsync_value backup --modified
		_micsync_arg "" 0
		_micsync_arg "trash restore" 0
		_micsync_arg "trash restore" 3
		_micsync_children ""
		_micsync_children trash
		_micsync_command "trash list" && echo command
		_micsync_command "trash nothing" || echo "no command"
		_micsync_options "trash empty"
		COMP_WORDS=(micsync --work -- -) COMP_CWORD=3 COMPREPLY=()
		_micsync
		echo "after --: ${COMPREPLY[*]}"
		COMP_WORDS=(micsync -m --work --de) COMP_CWORD=3
		_micsync
		echo "${COMPREPLY[*]}"
		COMP_WORDS=(micsync trash r) COMP_CWORD=2
		_micsync
		echo "${COMPREPLY[*]}"
	`)
	assert.Equal(t, `root
file
file
commands
stamp
file
backup work init trash
list restore empty
command
no command
--keep --help -h --config-file --version
after --: 
--delete --delete-without-asking
restore
`, out)
}

func TestFishScript(t *testing.T) {
	out := runScript(t, "fish", `
		__micsync_value backup --from; and echo value
		__micsync_value "" --config-file; and echo global
		__micsync_value backup --modified; or echo none
		complete -C "micsync trash "
		complete -C "micsync --work --de"
	`)
	// fish sorts the completions.
	assert.Equal(t, "value\nglobal\nnone\nempty\tEmpty the trash.\nlist\tList the trash.\nrestore\tRestore from the trash.\n"+
		"--delete\tDelete, after asking.\n--delete-without-asking\tDelete without asking.\n", out)
}
