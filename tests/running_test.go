package tests

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

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

// TestCtrlCShowsOneLinePerDestination interrupts a backup to two discs while rsync copies to
// both: rsync's own lines about the interrupt are not shown, and each destination gets one
// line that says it stopped.
func TestCtrlCShowsOneLinePerDestination(t *testing.T) {
	e := docs(t)
	writeBytes(t, e.path("Documents/big.bin"), randomBytes(4<<20, 15))
	stubRsync(t, e).slow(t, 200)
	run := e.start(t, "--backup", e.path("Documents"))
	for _, d := range []string{"disk1/Documents", "disk2/Documents"} {
		waitTemp(t, run, e.path(d), "big.bin")
	}
	require.NoError(t, syscall.Kill(-run.pid(), syscall.SIGINT)) // as the terminal sends Ctrl-C
	r := run.wait(t, hangDeadline)
	assert.Equal(t, 130, r.Code, r)
	assert.Empty(t, rsyncLines(r.Stderr), r)
	assert.Equal(t, "micsync: error: interrupted\n", r.Stderr)
	for _, d := range []string{"disk1/Documents", "disk2/Documents"} {
		assert.Equal(t, 1, strings.Count(r.Stdout+r.Stderr, e.path(d)+":"), "one line about %s\n%s", d, r)
		assert.Contains(t, r.Stdout, "STOPPED "+e.path(d)+": interrupted; run the same command again to finish\n")
	}
}

// TestTerminalProgressLineFitsWithEveryDestination backs up to two discs in a terminal 50
// columns wide while rsync copies slowly: every drawing of the progress line fits on one line
// and shows both destinations, with labels that tell them apart, and nothing is printed after
// it without clearing it first.
func TestTerminalProgressLineFitsWithEveryDestination(t *testing.T) {
	const width = 50
	e := docs(t)
	writeBytes(t, e.path("Documents/big.bin"), randomBytes(1<<20, 16))
	stubRsync(t, e).slow(t, 400)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	require.NoError(t, unix.IoctlSetWinsize(int(s.console.Tty().Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: width}))
	raw := s.ExpectRaw("ok      " + e.path("disk2/Documents"))
	require.Equal(t, 0, s.Wait())

	progress := regexp.MustCompile(`^(\S+ +)?\d+% `)
	both := 0
	for _, chunk := range strings.Split(raw, "\r\x1b[K") {
		if !progress.MatchString(chunk) {
			continue
		}
		assert.NotContains(t, chunk, "\n", "output after the progress line clears it first: %q", chunk)
		assert.Less(t, len([]rune(chunk)), width, "the progress line fits: %q", chunk)
		if strings.Contains(chunk, "disk1/") && strings.Contains(chunk, "disk2/") {
			both++
			assert.Equal(t, 2, strings.Count(chunk, "%"), "one figure for each destination: %q", chunk)
		}
	}
	assert.Positive(t, both, "the progress line shows both destinations\n%q", raw)
}
