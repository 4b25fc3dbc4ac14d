package run

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
	"micsync/prompt"
)

// otherRun holds the lock of the location at loc as another run would, until release is called.
func (w *world) otherRun(loc string) (release func()) {
	w.t.Helper()
	h := disc.Me(true)
	h.Command = "micsync --backup -m docs"
	dir, err := disc.LockDir(w.path(loc))
	require.NoError(w.t, err)
	// A run that just ended may still hold its lock for a moment: a child that a parallel
	// test forks shares the lock's file until it execs rsync.
	var l *disc.Lock
	require.Eventually(w.t, func() bool { l, err = disc.Acquire(dir, "", h); return err == nil }, 10*time.Second, 5*time.Millisecond)
	return l.Release
}

func TestARunStopsWhereAnotherOneWrites(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	release := w.otherRun("b1")
	defer release()
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{Overwrite: true}, "w"))
	pid := strconv.Itoa(os.Getpid())
	require.Error(t, err)
	assert.Regexp(t, `^BACKUP `+w.path("b1")+` is in use by another micsync run \(pid `+pid+`, started [-0-9]+ [:0-9]+: micsync --backup -m docs\)$`, err.Error())
	assert.Equal(t, []string{"wait for that run to finish, or run again with --wait to wait for it"}, hintsOrNil(err))
	w.unchanged(before)

	// A reader of the source is not in the way of another reader, but of a writer it is.
	release()
	// Released at the end, so that the lock stays reachable: a lock nothing refers to is
	// closed by the garbage collector, and its flock with it.
	defer w.otherRun("w")()
	e, _, _ = w.env(prompt.NoTerminal{})
	err = Run(e, w.req(Work, Options{Overwrite: true}, "w"))
	require.ErrorContains(t, err, "WORKING "+w.path("w")+" is in use by another micsync run (pid "+pid)
	w.unchanged(before)
}

func TestWaitWaitsForTheOtherRun(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	release := w.otherRun("b1")
	e, out, _ := w.env(prompt.NoTerminal{})
	done := make(chan error)
	go func() { done <- Run(e, w.req(Backup, Options{Overwrite: true, Wait: true}, "w")) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "waiting: BACKUP ") }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, "old", w.read("b1/n.txt"), "nothing before the other run ends")
	release()
	require.NoError(t, <-done)
	assert.Equal(t, "new", w.read("b1/n.txt"))
	assert.Equal(t, []string{"old"}, w.trashed("b1", "n.txt"))
}

// Two runs that write one BACKUP at once (cron and a person) each keep what they overwrite:
// the original is in the trash whatever the order, and each run's trash is its own.
func TestRunsAtOnceLoseNothing(t *testing.T) {
	t.Parallel()
	for i := range 5 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			w := docsWorld(t)
			w.write("w/n.txt", "from WORKING")
			w.write("b1/n.txt", "from the other BACKUP")
			w.writeOld("b2/n.txt", "the original")
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for k, req := range []Request{
				w.req(Backup, Options{Overwrite: true, Wait: true, To: []string{w.path("b2")}}, "w"),
				w.req(Transfer, Options{Overwrite: true, Wait: true, From: w.path("b1"), To: []string{w.path("b2")}}, "b1"),
			} {
				e, _, _ := w.env(prompt.NoTerminal{})
				wg.Go(func() { errs[k] = Run(e, req) })
			}
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			versions := append(w.trashed("b2", "n.txt"), w.read("b2/n.txt"))
			assert.Contains(t, versions, "the original")
			assert.Contains(t, versions, "from WORKING", "the run that went first is kept by the second")
			runs, err := os.ReadDir(w.path("b2", ".micsync-trash"))
			require.NoError(t, err)
			assert.Len(t, runs, len(versions)-1, "a trash directory for each run that overwrote")
		})
	}
}

func TestLeftoversOfAKilledRunAreRemoved(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	w.write("b1/.micsync/tmp/4242-123/.n.txt.WYh0k4", "half a copy")
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w")))
	assert.True(t, hasLine(out.String(), "removed 1 temporary file (11 B) left by an interrupted run in "+w.path("b1")), out)
	assert.False(t, w.exists("b1/.micsync/tmp/4242-123"))
	entries, err := os.ReadDir(w.path("b1/.micsync/tmp"))
	require.NoError(t, err)
	assert.Empty(t, entries, "the run's own temporary directory goes too")
	assert.NotContains(t, out.String(), "WYh0k4", "never in a plan")
	assert.Equal(t, "new", w.read("b1/n.txt"))
}

// rsync is told to keep its temporary files in the run's own directory, where the next run
// finds them; never beside the file in the tree.
func TestRsyncKeepsItsTemporaryFilesInMicsyncsDirectory(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	log := filepath.Join(t.TempDir(), "argv")
	rsync := w.script("rsync", fmt.Sprintf("printf '%%s\\n' \"$@\" >>%q\nexec rsync \"$@\"\n", log))
	e, _, _ := w.envWithRsync(prompt.NoTerminal{}, rsync)
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w")))
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	// Relative to the destination, the location's root here: rsync resolves it from there.
	assert.Regexp(t, `(?m)^--temp-dir=\.micsync/tmp/[0-9]+-[0-9]+$`, string(b))
}

// A disc unmounted during the run (even lazily, while rsync writes to it) leaves its mount
// point: an empty directory of the internal disc, or nothing. Nothing more goes there.
func TestADiscThatGoesAwayIsNotWrittenTo(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		after string // what happens to the destination's root during the first copy run
	}{
		{"the mount point is left", `mv "$root" "$root.gone" && mkdir "$root"`},
		{"nothing is left", `mv "$root" "$root.gone"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := modifiedInBackup(t)
			w.write("w/more/m.txt", "more")
			once := filepath.Join(t.TempDir(), "once")
			rsync := w.script("rsync", fmt.Sprintf(`root=%q
case "$*" in *--files-from*)
	if [ ! -e %q ]; then touch %q; rsync "$@"; code=$?; %s; exit $code; fi
esac
exec rsync "$@"
`, w.path("b1"), once, once, c.after))
			e, out, _ := w.envWithRsync(prompt.NoTerminal{}, rsync)
			err := Run(e, w.req(Backup, Options{Overwrite: true, Jobs: 1}, "w"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "the disc of BACKUP "+w.path("b1")+" went away during the run; nothing was written after that")
			assert.Contains(t, out.String(), "FAILED  "+w.path("b1")+": the disc of BACKUP")
			if w.exists("b1") {
				entries, err := os.ReadDir(w.path("b1"))
				require.NoError(t, err)
				assert.Empty(t, entries, "nothing written to the mount point")
			}
		})
	}
}

func TestAPlanThatDoesNotFitIsRefused(t *testing.T) {
	w := modifiedInBackup(t)
	w.write("b1/.micsync-trash/20260101T000000Z/old.bin", strings.Repeat("x", 3000))
	before := w.snapshot()
	old := spaceOf
	spaceOf = func(string) (disc.Space, error) { return disc.Space{Free: 4096, Block: 4096}, nil }
	defer func() { spaceOf = old }()
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{Overwrite: true}, "w"))
	requireFailure(t, err, "not copied: the plan needs 8.2 kB but the disc of BACKUP "+w.path("b1")+" has 4.1 kB free",
		"free some space on the disc of "+w.path("b1")+" and run micsync again; no file was left half-written",
		"micsync's trash there holds 3.0 kB: micsync trash empty "+w.path("b1")+" deletes it (micsync trash list shows it), and --no-trash keeps nothing this time")
	assert.Contains(t, out.String(), "FAILED  "+w.path("b1")+": not copied: the plan needs")
	w.unchanged(before)

	// Declining the overwrite leaves one new file, which fits.
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{No: true}, "w")))
	assert.Equal(t, "added", w.read("b1/added.txt"))
	assert.Equal(t, "old", w.read("b1/n.txt"))
}

// Where the destination keeps times to the nanosecond, a file saved twice in one second with
// the same size is copied again.
func TestASecondSaveInTheSameSecondIsCopied(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	first := time.Date(2026, 12, 2, 8, 0, 0, 100_000_000, time.UTC)
	w.write("w/a.txt", "first")
	require.NoError(t, os.Chtimes(w.path("w/a.txt"), first, first))
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")))
	require.Equal(t, "first", w.read("b1/a.txt"))

	w.write("w/a.txt", "again")
	second := first.Add(600 * time.Millisecond)
	require.NoError(t, os.Chtimes(w.path("w/a.txt"), second, second))
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Overwrite: true}, "w")))
	assert.Equal(t, "again", w.read("b1/a.txt"))
}

// A dry run plans what the run would do, and takes no lock and makes no directory for it.
func TestADryRunPlansAsTheRunWouldAndTakesNoLock(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	first := time.Date(2026, 12, 2, 8, 0, 0, 100_000_000, time.UTC)
	w.write("w/a.txt", "first")
	require.NoError(t, os.Chtimes(w.path("w/a.txt"), first, first))
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true}, "w")))
	assert.False(t, w.exists("b1/"+disc.Name))
	assert.False(t, w.exists("w/"+disc.Name))

	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w")))
	w.write("w/a.txt", "again")
	second := first.Add(600 * time.Millisecond)
	require.NoError(t, os.Chtimes(w.path("w/a.txt"), second, second))
	release := w.otherRun("b1") // a dry run is not in the way of a run, nor a run of it
	defer release()
	e, out, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{DryRun: true}, "w")))
	assert.Contains(t, out.String(), "    ~ a.txt\n")
}

// A source disc that goes away during a --work run stops it: no further rsync run starts
// from the empty mount point left behind, and the error says what happened.
func TestASourceDiscThatGoesAwayStopsTheRun(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("b1/one.txt", "one")
	log := filepath.Join(t.TempDir(), "runs")
	rsync := w.script("rsync", fmt.Sprintf(`[ -e %[1]q.gone ] && echo "$*" >>%[1]q
case "$*" in *--files-from*)
	if [ ! -e %[1]q.gone ]; then rsync "$@"; code=$?; touch %[1]q.gone; mv %[2]q %[3]q && mkdir %[2]q; exit $code; fi
esac
exec rsync "$@"
`, log, w.path("b1"), w.path("b1.gone")))
	e, _, _ := w.envWithRsync(prompt.NoTerminal{}, rsync)
	err := Run(e, w.req(Work, Options{DeleteNoAsk: true, MaxDelete: "all"}, "w"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the disc of BACKUP "+w.path("b1")+" went away during the run; nothing was written after that")
	assert.Equal(t, "one", w.read("w/one.txt"), "the run that went on when the disc went did its part")
	assert.NoFileExists(t, log, "no run after it")
}

// A destination this user cannot write to, not even micsync's lock, fails alone: the others
// are done.
func TestADestinationThatCannotBeLockedFailsAlone(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	require.NoError(t, os.WriteFile(w.path("b1", disc.Name), []byte("a file where the directory would be"), 0o644))
	e, out, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "w"))
	require.ErrorContains(t, err, "1 destination of 2 failed")
	assert.Contains(t, out.String(), "FAILED  "+w.path("b1")+": not planned")
	assert.Equal(t, "a", w.read("b2/a.txt"))
	assert.False(t, w.exists("b1/a.txt"))
}
