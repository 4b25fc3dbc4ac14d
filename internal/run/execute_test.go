package run

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/prompt"
)

// modifiedInBackup is oneBackup with w/n.txt newer than its copy in b1, and w/added.txt new.
func modifiedInBackup(t *testing.T) *world {
	t.Helper()
	w := oneBackup(t)
	w.write("w/n.txt", "new")
	w.writeOld("b1/n.txt", "old")
	w.write("w/added.txt", "added")
	return w
}

func TestVerboseShowsEachCommandAndAsksBeforeIt(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	before := w.snapshot()
	ask := scripted(t, "n")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{Verbose: true, Overwrite: true}, "w/n.txt")))
	assert.Equal(t, []string{"Run this command for " + w.path("b1") + "?"}, ask.asked)
	assert.Contains(t, out.String(), "$ LC_ALL=C rsync -n -a ", "the dry run is shown")
	assert.Contains(t, out.String(), "$ LC_ALL=C rsync -a --files-from=", "the copy is shown before it runs")
	assert.True(t, hasLine(out.String(), "SKIPPED "+w.path("b1")+": you declined its rsync commands; nothing was changed there"), out)
	w.unchanged(before, "a declined command does not run")

	ask = scripted(t, "y")
	e, _, _ = w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{Verbose: true, Overwrite: true}, "w/n.txt")))
	assert.Equal(t, []string{"Run this command for " + w.path("b1") + "?"}, ask.asked)
	assert.Equal(t, "new", w.read("b1/n.txt"))
	assert.False(t, w.exists("b1/added.txt"), "only the named path")
}

func TestVerboseRunsOneCommandAtATimeAcrossDestinations(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	ask := scripted(t, "n", "y")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{Verbose: true}, "w/a.txt")))
	assert.Equal(t, []string{"Run this command for " + w.path("b1") + "?", "Run this command for " + w.path("b2") + "?"}, ask.asked, "one question for each destination")
	assert.Equal(t, 1, countExisting(w, "b1/a.txt", "b2/a.txt"), "one declined, one done")
	assert.Contains(t, out.String(), ": you declined its rsync commands; nothing was changed there\n")
}

func TestVerboseAsksOnceForADestinationsRuns(t *testing.T) {
	t.Parallel()
	w := oneBackup(t)
	w.write("w/a/x.txt", "x")
	w.write("w/b/y.txt", "y")
	w.write("b1/b/y.txt", "old y")
	ask := scripted(t, "y")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{Verbose: true, Overwrite: true, Jobs: 1}, "w")))
	require.Len(t, ask.asked, 1, "one question, whatever the number of runs")
	assert.Regexp(t, `^Run these [2-9] commands for `+regexp.QuoteMeta(w.path("b1"))+`\?$`, ask.asked[0])
	assert.GreaterOrEqual(t, strings.Count(out.String(), "$ LC_ALL=C rsync -a "), 2, "every command is shown before the question")
	assert.Equal(t, "x", w.read("b1/a/x.txt"))
	assert.Equal(t, "y", w.read("b1/b/y.txt"))
}

func TestVerboseWithoutTerminalStopsBeforeTheFirstCommand(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{Verbose: true}, "w/a.txt"))
	requireNoTerminal(t, err, "-v asks before running a destination's commands", "--yes")
	w.unchanged(before, "neither destination is touched")
}

func TestVerboseYesAndNoAnswerEveryCommand(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Verbose: true, No: true}, "w/added.txt")))
	w.unchanged(before)
	e, _, _ = w.env(prompt.NoTerminal{})
	require.NoError(t, Run(e, w.req(Backup, Options{Verbose: true, Yes: true}, "w/added.txt")))
	assert.Equal(t, "added", w.read("b1/added.txt"))
}

func TestCtrlCAtVerboseQuestionStopsTheRun(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	before := w.snapshot()
	ask := scripted(t, "^C")
	e, out, _ := w.env(ask)
	err := Run(e, w.req(Backup, Options{Verbose: true}, "w/a.txt"))
	assert.ErrorIs(t, err, prompt.ErrInterrupted)
	assert.Len(t, ask.asked, 1, "the other destination is not asked about")
	w.unchanged(before)
	assert.Contains(t, out.String(), ": interrupted; run the same command again to finish")
	assert.Contains(t, out.String(), ": not started")
}

// cancelling answers yes and then cancels the run's context, as a signal after the last answer does.
type cancelling struct {
	prompt.NoTerminal
	cancel context.CancelFunc
}

func (c cancelling) Confirm(string, bool) (bool, error) {
	c.cancel()
	return true, nil
}

func (c cancelling) Decide(string) (prompt.Decision, error) {
	c.cancel()
	return prompt.Yes, nil
}

func TestSignalAfterTheQuestionsStopsBeforeExecution(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	before := w.snapshot()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, out, _ := w.env(cancelling{cancel: cancel})
	e.Ctx = ctx
	err := Run(e, w.req(Backup, Options{}, "w"))
	assert.ErrorIs(t, err, prompt.ErrInterrupted)
	w.unchanged(before)
	assert.True(t, hasLine(out.String(), "STOPPED "+w.path("b1")+": not started"), out)
}

// failingRsync writes an rsync that runs the real one, except for the runs that change the
// world's directory dest (not dry runs): those print msg on stderr and exit with code.
func failingRsync(w *world, dest, msg string, code int) string {
	return w.script("rsync", fmt.Sprintf(`
case " $* " in
*" -n "*) exec rsync "$@" ;;
esac
case "$*" in
*%q*) echo %q >&2; exit %d ;;
esac
exec rsync "$@"
`, w.path(dest)+"/", msg, code))
}

func TestExecutionFailureHints(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		msg  string
		code int
		hint string
	}{
		{"full disc", `rsync: [receiver] write failed on "n.txt": No space left on device (28)`, 11,
			"free some space on the disc of B1 and run micsync again; no file was left half-written\n" +
				"--no-trash keeps nothing of what is overwritten this time"},
		{"permissions", `rsync: [receiver] mkstemp "n.txt" failed: Permission denied (13)`, 23,
			"rsync could not read or write the entries named above: check their permissions"},
		{"changed after planning", `file has vanished: "n.txt"`, 24,
			"files changed after the plan was made: run micsync again to plan anew"},
		{"anything else", "rsync: something odd", 12, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := modifiedInBackup(t)
			before := w.snapshot()
			e, out, errb := w.envWithRsync(prompt.NoTerminal{}, failingRsync(w, "b1", c.msg, c.code))
			err := Run(e, w.req(Backup, Options{Overwrite: true}, "w/n.txt"))
			require.Error(t, err)
			assert.False(t, isUsage(err))
			assert.Contains(t, err.Error(), fmt.Sprintf("rsync copy failed with exit status %d (", c.code))
			assert.Contains(t, err.Error(), c.msg)
			var hints []string
			if c.hint != "" {
				hints = strings.Split(strings.ReplaceAll(c.hint, "B1", w.path("b1")), "\n")
			}
			assert.Equal(t, hints, hintsOrNil(err))
			assert.Contains(t, errb.String(), c.msg+"\n", "rsync's own message is shown")
			assert.Contains(t, out.String(), "FAILED  "+w.path("b1")+": rsync copy failed")
			w.unchanged(before)
		})
	}
}

func TestDestinationThatWentAwayDuringTheRun(t *testing.T) {
	t.Parallel()
	w := modifiedInBackup(t)
	// The disc is unplugged while rsync copies: the destination's root is gone.
	unplug := w.script("rsync", fmt.Sprintf(`
case " $* " in
*" -n "*|*" --version "*) exec rsync "$@" ;;
esac
mv %q %q
echo 'rsync: [Receiver] change_dir#3 failed: No such file or directory (2)' >&2
exit 3
`, w.path("b1"), w.path("unplugged")))
	e, _, _ := w.envWithRsync(prompt.NoTerminal{}, unplug)
	err := Run(e, w.req(Backup, Options{Overwrite: true}, "w/n.txt"))
	require.Error(t, err)
	assert.Equal(t, "the disc of BACKUP "+w.path("b1")+" went away during the run; nothing was written after that", err.Error())
	assert.Equal(t, []string{"plug in or mount the disc of " + w.path("b1") + " again, then run micsync again: it copies what is missing"}, hintsOrNil(err))
	assert.Equal(t, "old", w.read("unplugged/n.txt"))
	assert.False(t, w.exists("b1"), "nothing is written where the disc was")
}

func TestOneDestinationThatFailsToExecuteDoesNotStopTheOther(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/f.txt", "f")
	msg := `rsync: [receiver] mkstemp "f.txt" failed: Permission denied (13)`
	e, out, errb := w.envWithRsync(prompt.NoTerminal{}, failingRsync(w, "b1", msg, 23))
	err := Run(e, w.req(Backup, Options{}, "w/f.txt"))
	requireFailure(t, err, "1 destination of 2 failed")
	assert.Equal(t, "f", w.read("b2/f.txt"), "the other BACKUP is done")
	assert.False(t, w.exists("b1/f.txt"))
	assert.Contains(t, errb.String(), w.path("b1")+": "+msg+"\n", "rsync's message, prefixed with its destination")
	assert.Contains(t, errb.String(), "micsync: error: "+w.path("b1")+": rsync copy failed with exit status 23")
	assert.Contains(t, errb.String(), "micsync: hint: rsync could not read or write the entries named above: check their permissions\n")
	assert.Contains(t, out.String(), "FAILED  "+w.path("b1")+": rsync copy failed with exit status 23")
	assert.True(t, hasLine(out.String(), "ok      "+w.path("b2")+": 1 file copied (1 B), flushed to the disc"), out)
}

func countExisting(w *world, rels ...string) int {
	n := 0
	for _, r := range rels {
		if w.exists(r) {
			n++
		}
	}
	return n
}
