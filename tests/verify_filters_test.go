package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the rules leave out is never compared: neither a configuration's pattern nor an ignore
// file's, by a whole verify or by a rolling one, and naming it is an error.
func TestVerifyLeavesOutWhatTheRulesLeaveOut(t *testing.T) {
	e := threeCopies(t)
	e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("state"))
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"],
		"backup": ["~/disk1/Documents", "~/disk2/Documents"], "exclude": ["*.tmp"]}]}`)
	for _, d := range []string{"Documents", "disk1/Documents", "disk2/Documents"} {
		e.mkfile(t, d+"/photos/.micsyncignore", "cache/\n")
		setMtime(t, e.path(d+"/photos/.micsyncignore"), past)
		e.mkfile(t, d+"/scratch.tmp", "scratch "+d)          // other content on every disc
		e.mkfile(t, d+"/photos/cache/thumb", "thumb "+d[:5]) // differs on every disc
		setMtime(t, e.path(d+"/scratch.tmp"), past)
		setMtime(t, e.path(d+"/photos/cache/thumb"), past)
	}
	e.mkfile(t, "disk2/Documents/photos/cache/only-here", "x")

	r := e.run(t, "verify")
	assert.Equal(t, 0, r.Code, "what is left out differs, and nothing else: %s", r)
	assert.NotContains(t, r.Stdout, "scratch.tmp", r)
	assert.NotContains(t, r.Stdout, "cache/", r)

	rot(t, e, "disk1/Documents/notes.txt") // what the rules leave in is still compared
	r = e.run(t, "verify", "--budget", "1GB")
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stdout, "notes.txt", r)
	assert.NotContains(t, r.Stdout, "scratch.tmp", r)
	assert.NotContains(t, r.Stdout, "cache/", r)
	r = e.run(t, "verify", "--status")
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "BACKUP "+e.path("disk1/Documents")+": 3 files", "notes.txt, raw.cr2 and the ignore file: %s", r)

	r = e.run(t, "verify", e.path("Documents/photos/cache"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: ", r)
	assert.Contains(t, r.Stderr, "cache", r)
}
