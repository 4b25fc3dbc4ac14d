package main

import (
	"reflect"

	"github.com/alecthomas/kong"
	"testing"

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

func TestShow(t *testing.T) {
	tests := map[string]string{
		"plain.txt":      "plain.txt",
		"space name":     "space name",
		"caf\u00e9":      "caf\u00e9",
		"new\nline":      `"new\nline"`,
		"tab\there":      `"tab\there"`,
		"latin1-\xe9":    `"latin1-\xe9"`,
		`back\slash`:     `"back\\slash"`,
		" lead":          `" lead"`,
		"esc\x1b[31mred": `"esc\x1b[31mred"`,
		"":               `""`,
	}
	for in, want := range tests {
		assert.Equal(t, want, show(in), in)
	}
}

func TestHumanBytes(t *testing.T) {
	assert.Equal(t, "0 B", humanBytes(0))
	assert.Equal(t, "999 B", humanBytes(999))
	assert.Equal(t, "1.0 kB", humanBytes(1000))
	assert.Equal(t, "3.4 MB", humanBytes(3_400_000))
	assert.Equal(t, "2.0 TB", humanBytes(2_000_000_000_000))
}

func TestOneLine(t *testing.T) {
	assert.Equal(t, `a\nb\rc`, oneLine("a\nb\rc"))
	assert.Equal(t, `caf\xe9 \x1b[31m café	tab`, oneLine("caf\xe9 \x1b[31m café	tab"))
}

func TestRawBytesSurviveParsing(t *testing.T) {
	var c cli
	parser, err := kong.New(&c, kong.Exit(func(int) { t.Fatal("exit") }))
	require.NoError(t, err)
	args, raw := hideRaw([]string{"work", "--from=/mnt/caf\xe9", "--to", "/b/\xff", "--", "-caf\xe9", "ok"})
	_, err = parser.Parse(args)
	require.NoError(t, err)
	restoreRaw(reflect.ValueOf(&c), raw)
	assert.Equal(t, []string{"-caf\xe9", "ok"}, c.Work.Args.Paths)
	assert.Equal(t, "/mnt/caf\xe9", c.Work.Common.From)
	assert.Equal(t, []string{"/b/\xff"}, c.Work.Common.To)
}
