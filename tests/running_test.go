package tests

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/fakessh"
)

// rsyncLines returns the lines of stderr that come from rsync itself.
func rsyncLines(stderr string) []string {
	var out []string
	for line := range strings.Lines(stderr) {
		if strings.Contains(line, "rsync") {
			out = append(out, line)
		}
	}
	return out
}

// TestRemoteBackupWithoutTrashRunsQuietly runs backups to a BACKUP on another host (reached by
// the fake ssh) that has no trash yet: looking for one is normal, and rsync's complaint that
// there is none is not shown, with or without -q.
func TestRemoteBackupWithoutTrashRunsQuietly(t *testing.T) {
	fakessh.Install(t)
	for _, quiet := range []bool{false, true} {
		e := newEnv(t)
		nas := e.path("nas/Documents")
		require.NoError(t, os.MkdirAll(nas, 0o755))
		e.mkfile(t, "Documents/a.txt", "new")
		e.mkfile(t, "nas/Documents/a.txt", "old")
		setMtime(t, e.path("nas/Documents/a.txt"), past)
		data, err := json.Marshal(map[string]any{"configs": []any{map[string]any{
			"name": "documents", "work": []string{"~/Documents"}, "backup": []string{"nas:" + nas}}}})
		require.NoError(t, err)
		e.writeConfig(t, string(data))

		args := []string{"--backup", "-m", e.path("Documents")}
		if quiet {
			args = append([]string{"-q"}, args...)
		}
		r := e.run(t, args...)
		require.Equal(t, 0, r.Code, r)
		assert.Empty(t, rsyncLines(r.Stderr), "quiet %v: %s", quiet, r)
		assert.Equal(t, "new", readFile(t, e.path("nas/Documents/a.txt")))
		assert.Equal(t, "old", trashed(t, e, "nas/Documents", "a.txt"), "the first trash is made")
	}
}
