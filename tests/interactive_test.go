package tests

import (
	"micsync/internal/disc"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	keyDown  = "\x1b[B"
	keyEnter = "\r"
	keySpace = " "
	keyCtrlC = "\x03"
)

// modifiedInBackup makes Documents/n.txt newer than its copy on disk1; disk2 is unplugged.
func modifiedInBackup(t *testing.T) *env {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/n.txt", "new")
	e.mkfile(t, "disk1/Documents/n.txt", "old")
	setMtime(t, e.path("disk1/Documents/n.txt"), past)
	e.mkfile(t, "Documents/added.txt", "added")
	return e
}

func TestTerminalConfirmOverwrite(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("~ n.txt")
	s.Expect("Overwrite 1 modified entry in " + e.path("disk1/Documents") + "?")
	s.SendLine("y")
	s.Expect("2 files copied") // n.txt and the new added.txt
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/n.txt")))
	assert.Equal(t, "added", readFile(t, e.path("disk1/Documents/added.txt")))
}

func TestTerminalDeclineOverwrite(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 1 modified entry")
	s.SendLine("n")
	s.Expect("modified entries left as they were")
	require.Equal(t, 0, s.Wait(), "declining is not a failure")
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")))
	assert.Equal(t, "added", readFile(t, e.path("disk1/Documents/added.txt")))
}

func TestTerminalPickTheEntriesToOverwrite(t *testing.T) {
	e := modifiedInBackup(t)
	e.mkfile(t, "Documents/m.txt", "new m")
	e.mkfile(t, "disk1/Documents/m.txt", "old m")
	setMtime(t, e.path("disk1/Documents/m.txt"), past)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 2 modified entries in " + e.path("disk1/Documents") + "? (y/N, p: pick the entries)")
	s.SendLine("p")
	s.Expect("Which to overwrite?")
	s.Expect("n.txt")
	s.Send(keySpace) // m.txt, the first in reading order: left out
	s.Send(keyEnter)
	s.Expect("1 modified entry not overwritten, as picked")
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "old m", readFile(t, e.path("disk1/Documents/m.txt")), "left out")
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/n.txt")), "picked")
	assert.Equal(t, "added", readFile(t, e.path("disk1/Documents/added.txt")))
}

func TestTerminalCtrlCAtAQuestionChangesNothing(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", e.path("Documents"))
	s.Expect("Overwrite 1 modified entry")
	s.Send(keyCtrlC)
	s.Expect("micsync: error: interrupted")
	assert.Equal(t, 130, s.Wait())
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")))
	assert.False(t, exists(e.path("disk1/Documents/added.txt")), "nothing runs before every question is answered")
}

func TestTerminalConfirmDelete(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "disk1/Documents/p/keep.txt", "k")
	e.mkfile(t, "Documents/p/keep.txt", "k")
	// The same time on both sides: micsync compares nanoseconds where the disc keeps them, and
	// two writes a moment apart differ there.
	setMtime(t, e.path("disk1/Documents/p/keep.txt"), past)
	setMtime(t, e.path("Documents/p/keep.txt"), past)
	e.mkfile(t, "Documents/p/extra.txt", "x")
	s := e.startPTY(t, "--work", "-d", e.path("Documents/p"))
	s.Expect("- p/extra.txt")
	s.Expect("Delete 1 entry from " + e.path("Documents") + "?")
	s.SendLine("y")
	s.Expect("1 entry deleted")
	require.Equal(t, 0, s.Wait())
	assert.False(t, exists(e.path("Documents/p/extra.txt")))
	assert.True(t, exists(e.path("Documents/p/keep.txt")))
}

func TestTerminalChooseSourceLocation(t *testing.T) {
	e := docs(t)
	e.mkfile(t, "disk1/Documents/f.txt", "from disk1")
	e.mkfile(t, "disk2/Documents/f.txt", "from disk2")
	s := e.startPTY(t, "--work", e.path("Documents"))
	s.Expect("Copy from which BACKUP?")
	s.Send(keyDown)
	s.Send(keyEnter)
	s.Expect("1 file copied")
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "from disk2", readFile(t, e.path("Documents/f.txt")))
}

func TestTerminalChooseConfiguration(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [
		{"name": "usb", "work": ["~/w"], "backup": ["~/b-usb"]},
		{"name": "nas", "work": ["~/w"], "backup": ["~/b-nas"]}]}`)
	for _, d := range []string{"b-usb/sub", "b-nas/sub"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	e.mkfile(t, "w/sub/f.txt", "f")
	s := e.startPTY(t, "--backup", e.path("w/sub/f.txt"))
	s.Expect("Which one?")
	s.Send(keyDown)
	s.Send(keyEnter)
	s.Expect("1 file copied")
	require.Equal(t, 0, s.Wait())
	assert.True(t, exists(e.path("b-nas/sub/f.txt")))
	assert.False(t, exists(e.path("b-usb/sub/f.txt")))
}

func TestTerminalChooseSeveralDestinations(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "c", "work": ["~/w"], "backup": ["~/b1", "~/b2", "~/b3"]}]}`)
	for _, d := range []string{"w", "b2", "b3"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	e.mkfile(t, "b1/x.txt", "x")
	s := e.startPTY(t, "--transfer", e.path("b1/x.txt"))
	s.Expect("Copy to which BACKUPs?")
	s.Send(keySpace) // b2
	s.Send(keyDown)
	s.Send(keySpace) // b3
	s.Send(keyEnter)
	s.Expect("ok      " + e.path("b3"))
	require.Equal(t, 0, s.Wait())
	assert.True(t, exists(e.path("b2/x.txt")))
	assert.True(t, exists(e.path("b3/x.txt")))
}

func TestTerminalVerboseAsksBeforeEachCommand(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", "-v", "-m", e.path("Documents/n.txt"))
	s.Expect("$ LC_ALL=C rsync -a --files-from=")
	s.Expect("Run this command for " + e.path("disk1/Documents") + "?")
	s.SendLine("n")
	s.Expect("SKIPPED " + e.path("disk1/Documents") + ": you declined its rsync commands; nothing was changed there")
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")))
}

// TestTerminalVerboseAsksOncePerDestination backs up a location whose two top-level directories
// are copied in two parts on a machine with two CPUs or more, and whose root's time differs: -v
// shows every command of the destination and asks once.
func TestTerminalVerboseAsksOncePerDestination(t *testing.T) {
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/a/x.txt", "x")
	e.mkfile(t, "Documents/b/y.txt", "y")
	setMtime(t, e.path("Documents"), past) // the root's time differs: a root run follows
	s := e.startPTY(t, "--backup", "-v", e.path("Documents"))
	s.Expect("copy-1.list")
	s.Expect("--exclude=*") // the root run, shown before the question too
	s.Expect("commands for " + e.path("disk1/Documents") + "?")
	s.SendLine("y")
	s.Expect("ok      " + e.path("disk1/Documents"))
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "x", readFile(t, e.path("disk1/Documents/a/x.txt")))
	assert.Equal(t, "y", readFile(t, e.path("disk1/Documents/b/y.txt")))
}

func TestTerminalCtrlCDuringCopyKeepsTheGoodFile(t *testing.T) {
	e := modifiedInBackup(t)
	// A new version that rsync, slowed down, takes seconds to copy: long enough to interrupt.
	e.mkfile(t, "Documents/n.txt", strings.Repeat("new version ", 200_000))
	stubRsync(t, e).slow(t, 200)
	s := e.startPTY(t, "--backup", "-v", "-m", e.path("Documents/n.txt"))
	s.Expect("Run this command for " + e.path("disk1/Documents") + "?")
	s.SendLine("y")
	// Press Ctrl-C once rsync is writing its temporary copy, in micsync's directory. The screen
	// must go on being read meanwhile (Expect), because survey waits for the terminal to answer
	// its cursor query.
	temps := filepath.Join(e.path("disk1/Documents"), disc.Name, "tmp", "*", "n.txt.*")
	go func() {
		for deadline := time.Now().Add(expectTimeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if found, _ := filepath.Glob(temps); len(found) > 0 {
				s.Send(keyCtrlC)
				return
			}
		}
	}()
	s.Expect("STOPPED " + e.path("disk1/Documents") + ": interrupted; run the same command again to finish")
	s.Expect("micsync: error: interrupted")
	assert.Equal(t, 130, s.Wait())
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")), "the good copy stays in place")
	entries, err := os.ReadDir(e.path("disk1/Documents"))
	require.NoError(t, err)
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
	}
	assert.Equal(t, []string{disc.Name, "n.txt"}, names, "no partly written file is left in the tree")
	found, err := filepath.Glob(temps)
	require.NoError(t, err)
	assert.Empty(t, found, "nor in micsync's directory: rsync removes it when stopped")
}

func TestTerminalColourAndProgress(t *testing.T) {
	e := modifiedInBackup(t)
	e.mkfile(t, "disk1/Documents/gone.txt", "x")
	s := e.startPTY(t, "--work", "-d", "--from", e.path("disk1/Documents"), e.path("Documents"))
	raw := s.ExpectRaw("Overwrite")
	assert.Contains(t, raw, "\x1b[33m~ n.txt\x1b[0m", "modified in yellow")
	assert.Contains(t, raw, "\x1b[31m- added.txt\x1b[0m", "deleted in red")
	assert.Contains(t, raw, "\x1b[32m+ gone.txt\x1b[0m", "new in green")
	s.SendLine("n")
	s.Expect("Delete")
	s.SendLine("n")
	raw = s.ExpectRaw("ok      ")
	assert.Regexp(t, `\r\x1b\[K *\d+% \d`, raw, "a progress line while copying")
	require.Equal(t, 0, s.Wait())

	e.Env = []string{"NO_COLOR=1"}
	e.mkfile(t, "disk1/Documents/again.txt", "x")
	s = e.startPTY(t, "--work", "--from", e.path("disk1/Documents"), "--no", e.path("Documents"))
	raw = s.ExpectRaw("ok      ")
	assert.Contains(t, raw, "+ again.txt")
	assert.NotContains(t, raw, "\x1b[32m", "NO_COLOR turns colour off")
	require.Equal(t, 0, s.Wait())
}

func TestNoColourNorProgressWithoutATerminal(t *testing.T) {
	e := modifiedInBackup(t)
	r := e.run(t, "--backup", "-m", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.NotContains(t, r.Stdout+r.Stderr, "\x1b[")
	assert.NotContains(t, r.Stdout+r.Stderr, "%")
}

func TestQuietPrintsOnlyErrors(t *testing.T) {
	e := modifiedInBackup(t)
	r := e.run(t, "--backup", "-q", "-m", e.path("Documents"))
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Empty(t, r.Stdout)
	assert.Empty(t, r.Stderr)
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/n.txt")))

	r = e.run(t, "--backup", "-q", e.path("Documents/nope"))
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stderr, "micsync: error: path")
}

func TestTerminalJSONAsksNothing(t *testing.T) {
	e := modifiedInBackup(t)
	s := e.startPTY(t, "--backup", "--json", e.path("Documents"))
	s.Expect("micsync: error: there are modified files to overwrite and --json asks no questions")
	s.Expect("micsync: hint: answer with -m to overwrite them, or --yes / --no")
	require.Equal(t, 2, s.Wait(), "the flags answer the questions, on a terminal too")
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/n.txt")))
	assert.False(t, exists(e.path("disk1/Documents/added.txt")), "nothing done")

	s = e.startPTY(t, "--backup", "--json", "-m", e.path("Documents"))
	read := s.ExpectRaw(`"result": "ok"`)
	assert.NotContains(t, read, "\x1b[", "no colour and no progress line")
	require.Equal(t, 0, s.Wait())
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/n.txt")))
}
