package tests

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// execStart returns the arguments of the packaged service's ExecStart with the instance (%I) set
// to name, as systemd would run it for micsync-backup@NAME.service.
func execStart(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "systemd", "micsync-backup@.service"))
	require.NoError(t, err)
	defer f.Close()
	var line string
	for s := bufio.NewScanner(f); s.Scan(); {
		if v, ok := strings.CutPrefix(s.Text(), "ExecStart="); ok {
			require.Empty(t, line, "one ExecStart")
			line = v
		}
	}
	args := strings.Fields(line)
	require.NotEmpty(t, args, "the service has an ExecStart")
	require.Equal(t, "/usr/bin/micsync", args[0], "the packaged binary")
	for i, a := range args[1:] {
		args[i+1] = strings.ReplaceAll(a, "%I", name)
	}
	return args[1:]
}

// The timer's service backs up the whole WORKING of the configuration it is named after, with no
// terminal and nobody to ask: new files are copied, a modified file is overwritten with its old
// copy in the trash, and the BACKUP that is not plugged in is left out.
func TestTheTimersServiceBacksUpTheWholeWorking(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [
		{"name": "my documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents", "~/disk2/Documents"]},
		{"name": "photos", "work": ["~/Photos"], "backup": ["~/disk1/Photos"]}]}`)
	e.mkfile(t, "Documents/a.txt", "new")
	e.mkfile(t, "Documents/sub/b.txt", "changed here")
	e.mkfile(t, "disk1/Documents/sub/b.txt", "old")
	setMtime(t, e.path("disk1/Documents/sub/b.txt"), past)
	e.mkfile(t, "Photos/p.jpg", "photo")
	require.NoError(t, os.MkdirAll(e.path("disk1/Photos"), 0o755))

	r := e.run(t, execStart(t, "my documents")...)
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/a.txt")))
	assert.Equal(t, "changed here", readFile(t, e.path("disk1/Documents/sub/b.txt")))
	old, err := filepath.Glob(e.path("disk1/Documents/.micsync-trash/*/sub/b.txt"))
	require.NoError(t, err)
	require.Len(t, old, 1, "the overwritten copy is in the trash")
	assert.Equal(t, "old", readFile(t, old[0]))
	assert.False(t, exists(e.path("disk2")), "the BACKUP that is not plugged in is left alone")
	assert.False(t, exists(e.path("disk1/Photos/p.jpg")), "only the named configuration")
	assert.Empty(t, r.Stdout, "-q: nothing but errors")
}

func TestBackupWithoutPaths(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "Documents/a.txt", "a")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "--configuration", "nope"}, `has no configuration called "nope"`},
	} {
		r := e.run(t, c.args...)
		assert.Equal(t, 2, r.Code, r)
		assert.Contains(t, r.Stderr, c.want, r)
		assert.Contains(t, r.Stderr, "micsync: hint: ", r)
	}

	require.NoError(t, os.RemoveAll(e.path("Documents")))
	r := e.run(t, "backup", "--configuration", "documents")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `configuration "documents" has no WORKING on this machine`, r)
	assert.False(t, exists(e.path("disk1/Documents/a.txt")))
}
