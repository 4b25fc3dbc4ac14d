package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/prompt"
)

// setupHome makes a HOME with a Documents directory and returns it.
func setupHome(t *testing.T) string {
	t.Helper()
	home, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	t.Setenv("HOME", home)
	t.Setenv("MICSYNC_CONFIG", "")
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, ".state"))
	require.NoError(t, os.Mkdir(filepath.Join(home, "Documents"), 0o755))
	return home
}

func TestExitCodes(t *testing.T) {
	base := errors.New("x")
	for want, err := range map[int]error{
		0:   nil,
		1:   ui.Failure(base),
		2:   ui.Usage(base),
		130: fmt.Errorf("run: %w", context.Canceled),
		3:   &exitStatus{code: 3, err: base},
	} {
		assert.Equal(t, want, exitCode(err), err)
	}
	assert.Equal(t, 1, exitCode(base))
	assert.Equal(t, 2, exitCode(ui.Unanswered(prompt.ErrNoTerminal, "there are files to delete", "-D")))
	assert.Equal(t, 130, exitCode(ui.Unanswered(prompt.ErrInterrupted, "q", "f")))
}

// TestEveryCommandRuns runs each command of the grammar in process, on real rsync and
// temporary directories: the flags reach the run, and the files on disc are what it says.
func TestEveryCommandRuns(t *testing.T) {
	home := setupHome(t)
	docs := filepath.Join(home, "Documents")
	b1, b2 := filepath.Join(home, "b1"), filepath.Join(home, "b2")
	require.NoError(t, os.WriteFile(filepath.Join(docs, "a.txt"), []byte("one"), 0o644))

	main := func(args ...string) (int, string, string) {
		t.Helper()
		var stdout, stderr strings.Builder
		code := Main(context.Background(), args, &stdout, &stderr, prompt.NoTerminal{})
		return code, stdout.String(), stderr.String()
	}
	code, out, stderr := main("init", "--name", "docs", "--work", docs, "--backup", b1, "--backup", b2, "--create")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "created "+home+"/.micsync.json")
	assert.DirExists(t, b1, "--create made it")
	assert.DirExists(t, b2)

	code, out, stderr = main("check")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "3 of 3 locations reachable now")

	code, out, stderr = main("mark", b1)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "marked BACKUP "+b1)
	assert.FileExists(t, filepath.Join(b1, ".micsync-location"))

	code, out, stderr = main("--backup", "-q", filepath.Join(docs, "a.txt"))
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, out, "-q prints nothing but errors")
	for _, b := range []string{b1, b2} {
		got, err := os.ReadFile(filepath.Join(b, "a.txt"))
		require.NoError(t, err)
		assert.Equal(t, "one", string(got))
	}

	require.NoError(t, os.WriteFile(filepath.Join(docs, "a.txt"), []byte("two"), 0o644))
	later := time.Now().Add(time.Hour) // rsync's quick check sees the change: same size, another time
	require.NoError(t, os.Chtimes(filepath.Join(docs, "a.txt"), later, later))
	code, _, stderr = main("backup", docs)
	assert.Equal(t, 2, code, "an overwrite needs a question, and there is no terminal")
	assert.Contains(t, stderr, "micsync: error: there are modified files to overwrite and there is no terminal to ask on\nmicsync: hint: answer with -m to overwrite them, or --yes / --no\n")
	code, _, stderr = main("backup", "-m", "--to", b1, docs)
	require.Equal(t, 0, code, stderr)
	kept, err := filepath.Glob(filepath.Join(b1, ".micsync-trash", "*", "a.txt"))
	require.NoError(t, err)
	require.Len(t, kept, 1, "the overwritten copy is in the trash")
	stamp := filepath.Base(filepath.Dir(kept[0]))

	code, out, stderr = main("trash", "list", b1)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, stamp+"  1 file  3 B")

	code, _, stderr = main("trash", "restore", "--location", b1, "-m", stamp, "a.txt")
	require.Equal(t, 0, code, stderr)
	got, err := os.ReadFile(filepath.Join(b1, "a.txt"))
	require.NoError(t, err)
	assert.Equal(t, "one", string(got), "restored from the trash")

	require.NoError(t, os.Remove(filepath.Join(docs, "a.txt")))
	require.NoError(t, os.Mkdir(filepath.Join(b2, "sub"), 0o755))
	code, _, stderr = main("--work", "-D", "--from", b2, docs)
	require.Equal(t, 0, code, stderr)
	got, err = os.ReadFile(filepath.Join(docs, "a.txt"))
	require.NoError(t, err)
	assert.Equal(t, "one", string(got), "b2 has the first version")
	assert.DirExists(t, filepath.Join(docs, "sub"))

	require.NoError(t, os.MkdirAll(filepath.Join(b1, "tree", "deep"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(b1, "tree", "f"), nil, 0o644))
	code, _, stderr = main("--tree", "--from", b1, filepath.Join(b1, "tree"))
	require.Equal(t, 0, code, stderr)
	assert.DirExists(t, filepath.Join(docs, "tree", "deep"))
	assert.NoFileExists(t, filepath.Join(docs, "tree", "f"), "directories only")

	require.NoError(t, os.WriteFile(filepath.Join(b1, "new.txt"), []byte("new"), 0o644))
	code, _, stderr = main("--transfer", "--from", b1, "--to", b2, "-m", filepath.Join(b1, "new.txt"))
	require.Equal(t, 0, code, stderr)
	got, err = os.ReadFile(filepath.Join(b2, "new.txt"))
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))

	code, out, stderr = main("trash", "empty", "--yes", b1)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "deleted ")
	assert.NoDirExists(t, filepath.Dir(kept[0]))

	code, _, stderr = main("work", "--max-delete", "x", docs)
	assert.Equal(t, 2, code)
	assert.Equal(t, "micsync: error: --max-delete takes a number or all, not x\n", stderr)
}

func TestNoArgumentsAndVersion(t *testing.T) {
	var stdout, stderr strings.Builder
	assert.Equal(t, 0, Main(context.Background(), nil, &stdout, &stderr, prompt.NoTerminal{}))
	assert.Contains(t, stderr.String(), "Start with: micsync init")
	stdout.Reset()
	assert.Equal(t, 0, Main(context.Background(), []string{"--version"}, &stdout, &stderr, prompt.NoTerminal{}))
	assert.Equal(t, "micsync dev\n", stdout.String())
	stderr.Reset()
	assert.Equal(t, 2, Main(context.Background(), []string{"--backup", "--work", "a"}, &stdout, &stderr, prompt.NoTerminal{}))
	assert.Equal(t, "micsync: error: --backup and --work cannot be used together\nmicsync: hint: choose one action\n", stderr.String())
}

// The command-line mistakes people make get an error that says what they meant: a deletion
// asked of a backup, a comparison by content asked of a tree, and a misspelt action.
func TestCommandLineMistakesAreSaidPlainly(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--backup", "-d", "/x"}, "micsync: error: --backup never deletes: -d is an option of --work and --transfer\n" +
			"micsync: hint: to delete from the BACKUPs what WORKING does not hold (old names): micsync prune PATH\n" +
			"micsync: hint: to delete from a WORKING what its BACKUP does not hold: micsync --work -d PATH\n"},
		{[]string{"backup", "-D", "/x"}, "micsync: error: --backup never deletes: -D is an option of --work and --transfer\n" +
			"micsync: hint: to delete from the BACKUPs what WORKING does not hold (old names): micsync prune PATH\n" +
			"micsync: hint: to delete from a WORKING what its BACKUP does not hold: micsync --work -d PATH\n"},
		{[]string{"--tree", "-c", "/x"}, "micsync: error: --tree copies no files, so it has none to compare by content: -c is an option of --backup, --work and --transfer\n" +
			"micsync: hint: to bring files back compared by content: micsync --work -c PATH\n"},
		{[]string{"tree", "--checksum", "/x"}, "micsync: error: --tree copies no files, so it has none to compare by content: --checksum is an option of --backup, --work and --transfer\n" +
			"micsync: hint: to bring files back compared by content: micsync --work -c PATH\n"},
		{[]string{"--bakup", "/x"}, "micsync: error: unknown flag --bakup: did you mean --backup?\n" +
			"micsync: hint: run micsync --help for the actions and their options\n"},
		{[]string{"--tre", "/x"}, "micsync: error: unknown flag --tre: did you mean --tree?\n" +
			"micsync: hint: run micsync --help for the actions and their options\n"},
		{[]string{"--transfr", "/x"}, "micsync: error: unknown flag --transfr: did you mean --transfer?\n" +
			"micsync: hint: run micsync --help for the actions and their options\n"},
	} {
		var stdout, stderr strings.Builder
		code := Main(context.Background(), c.args, &stdout, &stderr, prompt.NoTerminal{})
		assert.Equal(t, 2, code, c.args)
		assert.Equal(t, c.want, stderr.String(), c.args)
	}
	var stdout, stderr strings.Builder
	Main(context.Background(), []string{"--backup", "--frobnicate", "/x"}, &stdout, &stderr, prompt.NoTerminal{})
	assert.NotContains(t, stderr.String(), "did you mean --", "no action is that close")
}
