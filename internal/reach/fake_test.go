package reach

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"micsync/locations"
	"micsync/rsyncplan"
)

// fakeSSH stands in for ssh: it drops ssh's options and the host and runs the remote command
// (rsync --server ...) on this machine, so that "host:/path" is /path here. It appends the host
// and its arguments to CALLS, one line a connection (rsync passes "user@host" as "-l user host").
// Some host names choose how the connection fails instead, as ssh would fail.
const fakeSSH = `#!/bin/sh
all="$*"
while [ $# -gt 0 ]; do
	case "$1" in
	-o|-p|-i|-F|-l|-J) shift 2 ;;
	-*) shift ;;
	*) break ;;
	esac
done
host=$1
shift
echo "$host $all" >>CALLS
# An ssh that ends the connection still takes what rsync sends, as ssh's pipe would while ssh
# runs, so that rsync notices the end of the connection and not a broken pipe.
swallow() {
	exec 3<&0
	cat <&3 >/dev/null 2>&1 &
}
fail() {
	swallow
	[ -n "$1" ] && echo "$1" >&2
	exit "${2:-255}"
}
case "$host" in
denied) fail "me@$host: Permission denied (publickey)." ;;
stranger) fail "Host key verification failed." ;;
mute) fail "" ;;
down) fail "ssh: connect to host $host port 22: Connection refused" ;;
closed) fail "Connection closed by 10.0.0.9 port 22" 0 ;;
chatty) swallow; echo "Welcome to $host!"; exit 0 ;;
once)
	if [ "$(grep -c "^$host " CALLS)" -gt 1 ]; then
		fail "Connection reset by 10.0.0.9 port 22"
	fi ;;
together*)
	# Waits (2 s at most) until FAKE_SSH_TOGETHER connections have started, and notes
	# whether they met: only connections that run at the same time do.
	: >"STARTED.$host"
	i=0
	while [ "$(ls STARTED.* | wc -l)" -lt "$FAKE_SSH_TOGETHER" ] && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ $i -lt 40 ]; then echo "$host met" >>MET; else echo "$host alone" >>MET; fi ;;
esac
exec "$@"
`

// fixture is a temporary HOME with micsync's marker registry in it, and the fake ssh first
// on PATH.
type fixture struct {
	home string
	dir  string // the fake ssh's directory: its script and what it notes
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir(), dir: t.TempDir()}
	t.Setenv("HOME", f.home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(f.home, "state"))
	script := strings.NewReplacer("CALLS", f.path("calls"), "STARTED", f.path("started"), "MET", f.path("met")).Replace(fakeSSH)
	require.NoError(t, os.WriteFile(f.path("ssh"), []byte(script), 0o755))
	t.Setenv("PATH", f.dir+":"+os.Getenv("PATH"))
	return f
}

func (f *fixture) path(name string) string { return filepath.Join(f.dir, name) }

// load writes a configuration "docs" with the given locations and "ssh" settings (none when
// nil) and loads it, with the markers the registry remembers.
func (f *fixture) load(t *testing.T, work, backup []string, ssh map[string]any) *locations.File {
	t.Helper()
	c := map[string]any{"name": "docs", "work": work, "backup": backup}
	if ssh != nil {
		c["ssh"] = ssh
	}
	data, err := json.Marshal(map[string]any{"configs": []any{c}})
	require.NoError(t, err)
	path := filepath.Join(f.home, ".micsync.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	file, err := locations.Load(path)
	require.NoError(t, err)
	return file
}

// calls returns the argument lists the fake ssh was called with for host, one a connection.
func (f *fixture) calls(t *testing.T, host string) []string {
	t.Helper()
	data, err := os.ReadFile(f.path("calls"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for line := range strings.Lines(string(data)) {
		if h, args, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " "); h == host {
			out = append(out, args)
		}
	}
	return out
}

// newChecker returns a Checker for a run without a terminal.
func newChecker(t *testing.T) *Checker {
	return New(t.Context(), rsyncplan.Runner{}, true)
}

// mkdir makes a directory below the test's temporary directory and returns its path.
func mkdir(t *testing.T, elem ...string) string {
	t.Helper()
	p := filepath.Join(elem...)
	require.NoError(t, os.MkdirAll(p, 0o755))
	return p
}

// writeMarker writes a marker file into dir.
func writeMarker(t *testing.T, dir string, m locations.Marker) {
	t.Helper()
	data, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, locations.MarkerName), data, 0o644))
}
