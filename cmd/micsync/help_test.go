package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpCommand(t *testing.T) {
	for _, c := range []struct{ help, same []string }{
		{[]string{"help"}, []string{"--help"}},
		{[]string{"help", "backup"}, []string{"backup", "--help"}},
		{[]string{"help", "backup"}, []string{"--backup", "--help"}},
		{[]string{"help", "--work"}, []string{"work", "--help"}},
		{[]string{"help", "trash", "restore"}, []string{"trash", "restore", "--help"}},
		{[]string{"--config-file", "/none.json", "help", "--tree"}, []string{"tree", "--help"}},
	} {
		code, got, stderr := runMain(t, c.help...)
		require.Equal(t, 0, code, stderr)
		assert.Empty(t, stderr)
		_, want, _ := runMain(t, c.same...)
		require.NotEmpty(t, want)
		assert.Equal(t, want, got, "micsync %v prints what micsync %v prints", c.help, c.same)
	}
	_, out, _ := runMain(t, "help", "work")
	assert.Contains(t, out, "Usage: micsync work <path> ...")
	assert.Contains(t, out, "--delete-without-asking")
	assert.Contains(t, out, "--json", "help shows the JSON output")
	_, out, _ = runMain(t, "help", "check")
	assert.Contains(t, out, "--json")
	_, out, _ = runMain(t, "help", "prune")
	assert.Contains(t, out, "Usage: micsync prune <path> ...")
	assert.Contains(t, out, "--allow-empty-source")
	for _, action := range []string{"backup", "work", "transfer", "tree"} {
		_, out, _ := runMain(t, "help", action)
		assert.Contains(t, out, "--exclude=PATTERN", action)
	}

	for _, args := range [][]string{{"help", "foo"}, {"help", "backup", "x.txt"}, {"help", "trash", "nothing"}} {
		code, out, stderr := runMain(t, args...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, out)
		assert.Regexp(t, `^micsync: error: no help for (foo|backup x\.txt|trash nothing)\n`+
			`micsync: hint: micsync help COMMAND, where COMMAND is one of: backup, work, transfer, tree, prune, mark, trash, verify, status, log, init, check, completion, man, help\n$`,
			stderr, args)
	}

	for _, c := range []string{"status", "log"} {
		_, out, _ := runMain(t, "help", c)
		assert.Contains(t, out, "--json", "micsync %s writes JSON", c)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, help, _ := runMain(t, "--help")
	require.Equal(t, 0, code)
	for _, c := range []string{"prune", "init", "check", "completion", "man", "help"} {
		assert.Regexp(t, `\n  `+c+` +[A-Z]`, help, "command %s", c)
	}
	assert.NotContains(t, help, "completion-words", "for the completion scripts only")

	code, _, stderr := runMain(t)
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "micsync help ACTION", "the first words say where the help is")
}
