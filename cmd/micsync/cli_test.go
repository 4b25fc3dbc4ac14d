package main

import (
	"testing"

	"github.com/alecthomas/kong"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRewriteArgs(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{[]string{"--backup", "-ms", "a"}, []string{"backup", "-ms", "a"}},
		{[]string{"-ms", "--backup", "a"}, []string{"backup", "-ms", "a"}},
		{[]string{"a", "--work", "-d"}, []string{"work", "a", "-d"}},
		{[]string{"--tree", "--", "--backup"}, []string{"tree", "--", "--backup"}},
		{[]string{"backup", "a"}, []string{"backup", "a"}},
		{[]string{"--transfer", "--help"}, []string{"transfer", "--help"}},
		{[]string{"--backup", "--backup", "a"}, []string{"backup", "a"}},
	}
	commands := map[string]bool{"backup": true, "work": true, "init": true}
	tests = append(tests, []struct{ in, want []string }{
		{[]string{"init", "--work", "~/w", "--backup", "/b"}, []string{"init", "--work", "~/w", "--backup", "/b"}},
		{[]string{"--config-file", "c.json", "init", "--work", "w"}, []string{"--config-file", "c.json", "init", "--work", "w"}},
		{[]string{"--backup", "init"}, []string{"backup", "init"}}, // a path named init
	}...)
	for _, tt := range tests {
		got, err := rewriteArgs(tt.in, commands)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	_, err := rewriteArgs([]string{"--backup", "--work", "a"}, commands)
	assert.EqualError(t, err, "--backup and --work cannot be used together")
}

func TestRawBytesSurviveParsing(t *testing.T) {
	var c cli
	parser, err := kong.New(&c, kong.Exit(func(int) { t.Fatal("exit") }), rawStrings)
	require.NoError(t, err)
	_, err = parser.Parse([]string{"work", "--from=/mnt/caf\xe9", "--to", "/b/\xff", "--", "-caf\xe9", "ok"})
	require.NoError(t, err)
	assert.Equal(t, []string{"-caf\xe9", "ok"}, c.Work.Args.Paths)
	assert.Equal(t, "/mnt/caf\xe9", c.Work.Common.From)
	assert.Equal(t, []string{"/b/\xff"}, c.Work.Common.To)
}
