package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
	"micsync/internal/reach"
	"micsync/internal/ui"
	"micsync/prompt"
)

// TestMain keeps every test away from the real home: a test that does not set HOME or
// XDG_STATE_HOME itself reads an empty marker registry and no ~/.micsync.json.
func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	home, err := os.MkdirTemp("", "micsync-run-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(home)
	for k, v := range map[string]string{"HOME": home, "XDG_STATE_HOME": filepath.Join(home, ".state"), "MICSYNC_CONFIG": "", "NO_COLOR": "1"} {
		os.Setenv(k, v)
	}
	return m.Run()
}

// past is a time long ago: a file given it is older than one written now, whatever its size,
// so that rsync's quick check never takes a changed file for the same.
var past = time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)

// world is a temporary directory with a config file in it (micsync.json) whose locations are
// directories of the world, named relative to the file. It needs no HOME, so that its tests
// may run in parallel.
type world struct {
	t   *testing.T
	dir string
	cfg string
}

// newWorld writes config (the JSON of a config file) into a new world and creates dirs in it.
func newWorld(t *testing.T, config string, dirs ...string) *world {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	w := &world{t: t, dir: dir, cfg: filepath.Join(dir, "micsync.json")}
	require.NoError(t, os.WriteFile(w.cfg, []byte(config), 0o600))
	for _, d := range dirs {
		require.NoError(t, os.MkdirAll(w.path(d), 0o755))
	}
	return w
}

// docsWorld is the usual world: configuration "docs" with WORKING w and BACKUPs b1 and b2.
func docsWorld(t *testing.T) *world {
	t.Helper()
	return newWorld(t, `{"configs": [{"name": "docs", "work": ["w"], "backup": ["b1", "b2"]}]}`, "w", "b1", "b2")
}

// path joins rel to the world's directory.
func (w *world) path(rel ...string) string {
	return filepath.Join(append([]string{w.dir}, rel...)...)
}

// write writes content to rel, creating its parents.
func (w *world) write(rel, content string) {
	w.t.Helper()
	p := w.path(rel)
	require.NoError(w.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(w.t, os.WriteFile(p, []byte(content), 0o644))
}

// writeOld writes content to rel with a time long past: the version a newer one replaces.
func (w *world) writeOld(rel, content string) {
	w.t.Helper()
	w.write(rel, content)
	require.NoError(w.t, os.Chtimes(w.path(rel), past, past))
}

// read returns the content of the file at rel.
func (w *world) read(rel string) string {
	w.t.Helper()
	b, err := os.ReadFile(w.path(rel))
	require.NoError(w.t, err, rel)
	return string(b)
}

// exists reports whether there is an entry at rel (a dangling link counts).
func (w *world) exists(rel string) bool {
	_, err := os.Lstat(w.path(rel))
	return err == nil
}

// env returns an Env that runs in the world's directory with its config file, asks ask, and
// writes into the buffers it returns.
func (w *world) env(ask prompt.Asker) (*Env, *syncBuffer, *syncBuffer) {
	e, out, errb := testEnv(w.t, w.dir, ask)
	e.Config = func() (string, error) { return w.cfg, nil }
	return e, out, errb
}

// envWithRsync is env with program as rsync, for every run: the version check, the checks of
// locations and the runs of every destination.
func (w *world) envWithRsync(ask prompt.Asker, program string) (*Env, *syncBuffer, *syncBuffer) {
	e, out, errb := w.env(ask)
	e.Rsync.Program = program
	e.Reach = reach.New(context.Background(), e.Rsync, true)
	return e, out, errb
}

// snapshot lists every entry below the world's directory with its content and time, to compare
// before and after: a run that promised nothing must leave it as it was.
func (w *world) snapshot() map[string]string {
	w.t.Helper()
	out := map[string]string{}
	err := filepath.Walk(w.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && fi.Name() == disc.Name {
			return filepath.SkipDir // micsync's own directory, with the lock it leaves: not the user's files
		}
		rel, _ := filepath.Rel(w.dir, p)
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%s|%d", b, fi.ModTime().UnixNano())
		case fi.IsDir():
			out[rel] = fi.Mode().String() // a directory's time changes when rsync only looks
		default:
			out[rel] = fi.Mode().String()
		}
		return nil
	})
	require.NoError(w.t, err)
	return out
}

// unchanged checks that the world is as before was taken.
func (w *world) unchanged(before map[string]string, msgAndArgs ...any) {
	w.t.Helper()
	assert.Equal(w.t, before, w.snapshot(), msgAndArgs...)
}

// trashed returns the contents of the files that the trash of the location at loc holds at rel,
// one per trash run.
func (w *world) trashed(loc, rel string) []string {
	w.t.Helper()
	matches, err := filepath.Glob(w.path(loc, ".micsync-trash", "*", rel))
	require.NoError(w.t, err)
	var out []string
	for _, m := range matches {
		b, err := os.ReadFile(m)
		require.NoError(w.t, err)
		out = append(out, string(b))
	}
	return out
}

// script writes an executable shell script outside the world (its snapshots do not see it)
// and returns its path.
func (w *world) script(name, body string) string {
	w.t.Helper()
	p := filepath.Join(w.t.TempDir(), name)
	require.NoError(w.t, os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755))
	return p
}

// req is a Request of act on the world's paths rels.
func (w *world) req(act Action, o Options, rels ...string) Request {
	paths := make([]string, len(rels))
	for i, r := range rels {
		paths[i] = w.path(r)
	}
	return Request{Action: act, Paths: paths, Options: o}
}

// hasLine reports whether out holds line as a whole line.
func hasLine(out, line string) bool {
	return strings.Contains("\n"+out, "\n"+line+"\n")
}

// requireUsage checks that err is the user's mistake with msg and exactly the hints given.
func requireUsage(t *testing.T, err error, msg string, hints ...string) {
	t.Helper()
	require.Error(t, err)
	assert.True(t, isUsage(err), "a usage error (exit status 2): %v", err)
	assert.EqualError(t, err, msg)
	assert.Equal(t, hints, hintsOrNil(err))
}

// requireFailure checks that err is a failure, not the user's mistake, with msg and the hints.
func requireFailure(t *testing.T, err error, msg string, hints ...string) {
	t.Helper()
	require.Error(t, err)
	assert.False(t, isUsage(err), "a failure (exit status 1): %v", err)
	assert.EqualError(t, err, msg)
	assert.Equal(t, hints, hintsOrNil(err))
}

// requireNoTerminal checks that err is a question that had no terminal to be asked on (exit
// status 2): what made it needed, and the flags that answer it.
func requireNoTerminal(t *testing.T, err error, what, answer string) {
	t.Helper()
	var nt *ui.NoTerminalError
	require.ErrorAs(t, err, &nt)
	assert.True(t, isUsage(err))
	assert.EqualError(t, err, what+" and there is no terminal to ask on")
	assert.Equal(t, []string{"answer with " + answer}, ui.Hints(err))
}

func hintsOrNil(err error) []string {
	if h := ui.Hints(err); len(h) > 0 {
		return h
	}
	return nil
}

// copyTime gives dst the modification time of src: the same content then looks the same to
// rsync's quick check.
func copyTime(src, dst string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	return os.Chtimes(dst, fi.ModTime(), fi.ModTime())
}
