// Package fakessh puts a stand-in for ssh first on PATH, for tests of locations on other hosts
// without an ssh server: it drops ssh's options and the host and runs the remote command
// (rsync --server ...) on this machine, so that "host:/path" is /path here. Each connection is
// noted, and some host names choose how the connection fails, as ssh would fail:
//
//	denied    "Permission denied (publickey)."      stranger  "Host key verification failed."
//	mute      exit 255, nothing said                 down      "Connection refused"
//	closed    exit 0 before rsync's first word       chatty    a greeting on stdout
//	once      the first connection works, later ones fail
//	together* waits (2 s at most) until $FAKE_SSH_TOGETHER connections have started, and notes
//	          in Dir/met whether they met: only connections that run at the same time do
package fakessh

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Install writes the fake ssh into a new directory, puts it first on PATH for the test, and
// returns the directory, where the fake notes its connections (Calls).
func Install(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	s := strings.NewReplacer("CALLS", path("calls"), "STARTED", path("started"), "MET", path("met")).Replace(script)
	if err := os.WriteFile(path("ssh"), []byte(s), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	return dir
}

// Calls returns the arguments the fake ssh in dir was called with for host, one a connection.
func Calls(t *testing.T, dir, host string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "calls"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(data)) {
		if h, args, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " "); h == host {
			out = append(out, args)
		}
	}
	return out
}

// script is the fake ssh; CALLS, STARTED and MET name files in its directory. rsync passes
// "user@host" as "-l user host".
const script = `#!/bin/sh
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
