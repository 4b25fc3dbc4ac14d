package clidoc

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMan(t *testing.T) {
	g := testGrammar(t)
	var b strings.Builder
	g.Man(&b, "1.2-rc", "Back up. With rsync.")
	page := b.String()
	assert.True(t, strings.HasPrefix(page, `.\"`), "a comment first")
	assert.Contains(t, page, "\n"+`.TH MICSYNC 1 "" "micsync 1.2\-rc" "User Commands"`+"\n")
	for _, s := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH ACTIONS", ".SH OPTIONS OF THE ACTIONS",
		".SH COMMANDS", ".SH GLOBAL OPTIONS", ".SH FILES", ".SH ENVIRONMENT", ".SH EXIT STATUS", ".SH EXAMPLES",
		".BR rsync (1)", "\nBack up. With rsync.\n"} {
		assert.Contains(t, page, s)
	}
	assert.Contains(t, page, ".B micsync\n"+`\fB\-\-backup\fR|\fB\-\-work\fR [\fIoptions\fR] \fIpath\fR...`+"\n",
		"the original form")
	for _, a := range g.Actions() {
		assert.Contains(t, page, ".BR "+a+` ", " \-\-`+a+"\n", "action %s", a)
	}
	for _, c := range g.Leaves() {
		assert.Contains(t, page, ".B micsync "+Roff(c.Path)+"\n", "command %s", c.Path)
		for _, f := range c.Flags {
			assert.Contains(t, page, `\fB\-\-`+Roff(f.Long)+`\fR`, "%s --%s", c.Path, f.Long)
		}
	}
	assert.NotContains(t, page, "secret", "hidden command")
	assert.NotContains(t, page, "debug", "hidden flag")
	assert.Contains(t, page, ".B micsync trash restore\n[options] stamp [path...]\n", "the synopsis of a command")
	assert.Contains(t, page, ".B micsync trash list\n[options] [root]\n")
	assert.Contains(t, page, ".IP\n\\fIstamp\\fR: The trash run.\n", "the arguments of a command")
	assert.Contains(t, page, `\fB\-m\fR, \fB\-\-modified\fR`+"\nOverwrite modified files [all of them].\n",
		"an option of every action, once, without a list of them")
	assert.Equal(t, 1, strings.Count(page, `\fB\-\-modified\fR`), "an option of every action, once")
	assert.Contains(t, page, `\fB\-\-from\fR \fIROOT\fR`+"\nSource root. Actions: backup.\n", "an option of some actions says which")
	assert.Contains(t, page, ".B micsync init\nCreate the config.\n.RS\n.TP\n"+`\fB\-\-work\fR \fIPATH\fR`+"\n", "a command's own options")
	assert.Contains(t, page, `\fB\-\-jobs\fR \fIJOBS\fR`+"\nJobs.\n.RE\n")
	assert.Contains(t, page, `\fB\-\-config\-file\fR \fIPATH\fR`+"\nConfig file; it's \"quoted\". Also the environment variable TEST_CONFIG.\n")
	assert.Contains(t, page, "Copy to a BACKUP: it's safe \\e sound.\n", "a backslash")
	assert.Contains(t, page, "\n\\&.Copy from a BACKUP.\n", "a line that starts with a period")
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

func TestRoff(t *testing.T) {
	assert.Equal(t, `\-\-dry\-run`, Roff("--dry-run"))
	assert.Equal(t, `a\eb`, Roff(`a\b`))
	assert.Equal(t, "\\&.SH x\n\\&'quote", Roff(".SH x\n'quote"))
}
