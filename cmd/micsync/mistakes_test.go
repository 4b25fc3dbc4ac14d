package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unknown option gets the closest real one: an option of the command, a global one, an
// action of the original form, or an option of other commands, which the hint names.
func TestMisspeltOptions(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--backup", "--dry-rnu", "/x"}, "micsync: error: unknown flag --dry-rnu: did you mean --dry-run?\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"work", "--configfile", "c.json", "/x"}, "micsync: error: unknown flag --configfile: did you mean --config-file?\n" +
			"micsync: hint: run micsync help work for its options\n"},
		{[]string{"--configfile", "c.json", "--backup", "/x"}, "micsync: error: unknown flag --configfile: did you mean --config-file?\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"--work", "--dele", "/x"}, "micsync: error: unknown flag --dele: did you mean --delete or --delete-without-asking?\n" +
			"micsync: hint: run micsync help work for its options\n"},
		{[]string{"--work", "-dry-run", "/x"}, "micsync: error: unknown flag -dry-run: did you mean --dry-run?\n" +
			"micsync: hint: run micsync help work for its options\n"},
		{[]string{"trash", "restore", "--locaton", "/b", "20260101T000000Z"}, "micsync: error: unknown flag --locaton: did you mean --location?\n" +
			"micsync: hint: run micsync help trash restore for its options\n"},
		{[]string{"init", "--bakup", "/b"}, "micsync: error: unknown flag --bakup: did you mean --backup?\n" +
			"micsync: hint: run micsync help init for its options\n"},
		{[]string{"--verison"}, "micsync: error: unknown flag --verison: did you mean --version?\n" +
			"micsync: hint: run micsync --help for the actions and their options\n"},
		{[]string{"--dry-rnu", "/x"}, "micsync: error: unknown flag --dry-rnu: did you mean --dry-run?\n" +
			"micsync: hint: --dry-run is an option of backup, work, transfer, tree, prune, trash restore\n" +
			"micsync: hint: run micsync --help for the actions and their options\n"},
		{[]string{"init", "--dry-run"}, "micsync: error: unknown flag --dry-run\n" +
			"micsync: hint: --dry-run is an option of backup, work, transfer, tree, prune, trash restore; not of init\n" +
			"micsync: hint: run micsync help init for its options\n"},
		{[]string{"--tree", "--delete-without-askin", "/x"}, "micsync: error: unknown flag --delete-without-askin: did you mean --delete-without-asking?\n" +
			"micsync: hint: --delete-without-asking is an option of work, transfer; not of tree\n" +
			"micsync: hint: run micsync help tree for its options\n"},
		{[]string{"--backup", "--delete-without-asking", "/x"}, "micsync: error: --backup never deletes: --delete-without-asking is an option of --work and --transfer\n" +
			"micsync: hint: to delete from the BACKUPs what WORKING does not hold (old names): micsync prune PATH\n" +
			"micsync: hint: to delete from a WORKING what its BACKUP does not hold: micsync --work -d PATH\n"},
		{[]string{"backup", "--delete", "/x"}, "micsync: error: --backup never deletes: --delete is an option of --work and --transfer\n" +
			"micsync: hint: to delete from the BACKUPs what WORKING does not hold (old names): micsync prune PATH\n" +
			"micsync: hint: to delete from a WORKING what its BACKUP does not hold: micsync --work -d PATH\n"},
		{[]string{"--backup", "--frobnicate", "/x"}, "micsync: error: unknown flag --frobnicate\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"--work", "--d", "/x"}, "micsync: error: unknown flag --d\n" +
			"micsync: hint: run micsync help work for its options\n"},
	} {
		code, out, stderr := runMain(t, c.args...)
		assert.Equal(t, 2, code, c.args)
		assert.Empty(t, out, c.args)
		assert.Equal(t, c.want, stderr, c.args)
	}
}

func TestClosest(t *testing.T) {
	names := []string{"--delete", "--delete-without-asking", "--dry-run", "--no", "--to", "--full"}
	for flag, want := range map[string][]string{
		"--dry-rnu": {"--dry-run"},
		"--dele":    {"--delete", "--delete-without-asking"},
		"--delet":   {"--delete", "--delete-without-asking"},
		"--deleet":  {"--delete"},
		"--ful":     {"--full"},
		"--fulll":   {"--full"},
		"--d":       nil, // one letter: --no and --to are two edits away, but nothing like it
		"--bogus":   nil,
	} {
		assert.Equal(t, want, closest(flag, names), flag)
	}
	assert.Equal(t, []string{"--no"}, closest("--no", names), "a name itself")
}

// A path that starts with - is taken for options; the error says to put -- before it, on the
// command line as it was typed.
func TestDashPathHint(t *testing.T) {
	t.Chdir(t.TempDir())
	require.NoError(t, os.WriteFile("--notes.txt", nil, 0o644))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--backup", "-weird.txt"}, "micsync: error: unknown flag -w in -weird.txt\n" +
			"micsync: hint: a path that starts with - is taken for options: put -- before the paths: micsync --backup -- -weird.txt\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"-m", "--backup", "-s", "-x", "a b"}, "micsync: error: unknown flag -x\n" +
			"micsync: hint: a path that starts with - is taken for options: put -- before the paths: micsync -m --backup -s -- -x 'a b'\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"--backup", "-ms.txt"}, "micsync: error: unknown flag -. in -ms.txt\n" +
			"micsync: hint: a path that starts with - is taken for options: put -- before the paths: micsync --backup -- -ms.txt\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"--work", "-weird.txt", "-m"}, "micsync: error: unknown flag -w in -weird.txt\n" +
			"micsync: hint: a path that starts with - is taken for options: put -- before the paths, after every option\n" +
			"micsync: hint: run micsync help work for its options\n"},
		{[]string{"--backup", "--notes.txt"}, "micsync: error: unknown flag --notes.txt\n" +
			"micsync: hint: a path that starts with - is taken for options: put -- before the paths: micsync --backup -- --notes.txt\n" +
			"micsync: hint: run micsync help backup for its options\n"},
		{[]string{"--backup", "--other.txt"}, "micsync: error: unknown flag --other.txt\n" +
			"micsync: hint: run micsync help backup for its options\n"}, // no such file: an option
	} {
		code, out, stderr := runMain(t, c.args...)
		assert.Equal(t, 2, code, c.args)
		assert.Empty(t, out, c.args)
		assert.Equal(t, c.want, stderr, c.args)
	}
}
