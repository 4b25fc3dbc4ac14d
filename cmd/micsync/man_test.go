package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/clidoc"
)

func TestManPage(t *testing.T) {
	code, page, stderr := runMain(t, "man")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(page, `.\"`), "a comment first")
	assert.Contains(t, page, "\n.TH MICSYNC 1 ")
	for _, s := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH ACTIONS", ".SH COMMANDS",
		".SH FILES", ".SH ENVIRONMENT", ".SH EXIT STATUS", "MICSYNC_CONFIG", ".BR rsync (1)"} {
		assert.Contains(t, page, s)
	}
	g := testGrammar(t)
	for _, a := range g.Actions() {
		assert.Contains(t, page, ".BR "+a+` ", " \-\-`+a+"\n", "action %s", a)
	}
	for _, c := range g.Leaves() {
		assert.Contains(t, page, ".B micsync "+clidoc.Roff(c.Path)+"\n", "command %s", c.Path)
		for _, f := range c.Flags {
			assert.Contains(t, page, `\fB\-\-`+clidoc.Roff(f.Long)+`\fR`, "%s --%s", c.Path, f.Long)
		}
	}
	assert.Contains(t, page, `\fB\-m\fR, \fB\-\-modified\fR`)
	assert.Contains(t, page, `\fB\-c\fR, \fB\-\-checksum\fR`)
	assert.Contains(t, page, "micsync verify \\-\\-repair")
	assert.Contains(t, page, `\fB\-\-json\fR`)
	assert.Contains(t, page, `\fB\-\-config\-file\fR \fIPATH\fR`)
	assert.Contains(t, page, `\fB\-\-exclude\fR \fIPATTERN\fR`)
	assert.Contains(t, page, "\n.I .micsyncignore\n", "the ignore files are in FILES")
	assert.Contains(t, page, `Actions: work, transfer.`, "an option of some actions says which")
	assert.Contains(t, page, ".B micsync status \\-\\-json\n", "an example of status as a document")
	assert.NotContains(t, page, "\n-", "no line starts with an unescaped hyphen")

	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("no groff to check the page with")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(page)
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err)
	assert.Empty(t, string(out), "groff warnings")
}
