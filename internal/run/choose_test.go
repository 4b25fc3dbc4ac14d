package run

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/prompt"
)

// sharedWorld has two configurations with the same WORKING, each with its own BACKUP: a path in
// w is in both.
func sharedWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, `{"configs": [
		{"name": "usb", "work": ["w"], "backup": ["b-usb"]},
		{"name": "nas", "work": ["w/"], "backup": ["b-nas"]}]}`, "w/sub", "b-usb/sub", "b-nas/sub")
	w.write("w/sub/f.txt", "f")
	return w
}

func TestPathsInSeveralConfigurationsAskWhichOne(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ask := scripted(t, "1")
	e, _, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/sub/f.txt")))
	assert.Equal(t, []string{"The paths are in several configurations. Which one? usb|nas"}, ask.asked)
	assert.Equal(t, "f", w.read("b-nas/sub/f.txt"))
	assert.False(t, w.exists("b-usb/sub/f.txt"), "the other configuration is not touched")
}

func TestConfigurationFlagChoosesAmongSeveral(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{Configuration: "usb"}, "w/sub/f.txt")))
	assert.Equal(t, "f", w.read("b-usb/sub/f.txt"))
	assert.False(t, w.exists("b-nas/sub/f.txt"))
	assert.NotContains(t, out.String(), `configuration "nas"`)
}

func TestConfigurationFlagWithAWrongNameIsAUsageError(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{Configuration: "nope"}, "w/sub/f.txt"))
	requireUsage(t, err, `configuration "nope" has no location holding the paths`, "the paths are in: usb, nas")
	w.unchanged(before)
}

func TestSeveralConfigurationsWithoutTerminalNameTheFlag(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Backup, Options{}, "w/sub/f.txt"))
	requireNoTerminal(t, err, "the paths are in several configurations", "--configuration NAME (one of: usb, nas)")
	w.unchanged(before)
}

func TestTheOneConfigurationAndTheSourceAreNamed(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	e, out, errb := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/a.txt")))
	assert.True(t, hasLine(out.String(), `configuration "docs" (WORKING `+w.path("w")+")"), out)
	assert.True(t, hasLine(out.String(), "backup from WORKING "+w.path("w")), out)
	assert.Empty(t, errb.String())
}

func TestWorkAsksWhichBackupToCopyFrom(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/f.txt", "from b1")
	w.write("b2/f.txt", "from b2")
	ask := scripted(t, "1")
	e, _, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{}, "w")))
	assert.Equal(t, []string{"Copy from which BACKUP? " + w.path("b1") + "|" + w.path("b2")}, ask.asked)
	assert.Equal(t, "from b2", w.read("w/f.txt"))
}

func TestWorkWithoutTerminalNamesTheFromFlag(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/f.txt", "from b1")
	w.write("w/g.txt", "g")
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Work, Options{}, "w/g.txt"))
	requireNoTerminal(t, err, "there are several BACKUPs to choose from", "--from ROOT (one of: "+w.path("b1")+", "+w.path("b2")+")")
	w.unchanged(before)
}

func TestCtrlCAtChoosingTheSourceChangesNothing(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/f.txt", "from b1")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t, "^C"))
	err := Run(e, w.req(Work, Options{}, "w"))
	assert.ErrorIs(t, err, prompt.ErrInterrupted)
	w.unchanged(before)
}

func TestFromChoosesTheSource(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/f.txt", "from b1")
	w.write("b2/f.txt", "from b2")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Work, Options{From: w.path("b2")}, "w")))
	assert.Equal(t, "from b2", w.read("w/f.txt"))
	assert.True(t, hasLine(out.String(), "work from BACKUP "+w.path("b2")), out)

	// As written in the config file, relative to it, the root names the same location.
	require.NoError(t, os.Remove(w.path("w/f.txt")))
	e, _, _ = w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Work, Options{From: "b1"}, "w")))
	assert.Equal(t, "from b1", w.read("w/f.txt"))
}

func TestFromThatIsNotALocationOfTheSourceRole(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/g.txt", "g")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Work, Options{From: w.path("w")}, "w"))
	requireUsage(t, err, "--from "+w.path("w")+` is not a BACKUP of configuration "docs"`,
		"its BACKUPs are: "+w.path("b1")+", "+w.path("b2"))
	w.unchanged(before)
}

func TestFromThatIsNotReachable(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.path("b2")))
	w.write("w/g.txt", "g")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Work, Options{From: w.path("b2")}, "w"))
	requireFailure(t, err, "BACKUP "+w.path("b2")+" is unreachable: not created yet", "create it: mkdir -p "+w.path("b2"))
	w.unchanged(before)
}

func TestTheOnlyReachableSourceIsTakenAndNamed(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.path("b2")))
	w.write("b1/f.txt", "from b1")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Work, Options{}, "w")))
	assert.True(t, hasLine(out.String(), "BACKUP: "+w.path("b1")+" (the only one reachable)"), out)
	assert.Equal(t, "from b1", w.read("w/f.txt"))
}

func TestNoReachableSourceFails(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.path("b1")))
	require.NoError(t, os.Remove(w.path("b2")))
	w.write("w/g.txt", "g")
	before := w.snapshot()
	e, out, _ := w.env(scripted(t))
	err := Run(e, w.req(Work, Options{}, "w"))
	requireFailure(t, err, `no BACKUP of configuration "docs" is reachable`,
		"BACKUP "+w.path("b1")+" is not created yet: mkdir -p "+w.path("b1"),
		"BACKUP "+w.path("b2")+" is not created yet: mkdir -p "+w.path("b2"),
		"mount the disc that holds one, or check the paths in the configuration")
	assert.Contains(t, out.String(), "skipped BACKUP "+w.path("b1")+": not created yet")
	w.unchanged(before)
}

func TestBackupOfAPathInABackupCopiesFromTheWorking(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/x/new.txt", "new")
	require.NoError(t, os.MkdirAll(w.path("b1/x"), 0o755))
	require.NoError(t, os.MkdirAll(w.path("b2/x"), 0o755))
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "b1/x")))
	assert.True(t, hasLine(out.String(), "WORKING: "+w.path("w")+" (the only one reachable)"), out)
	assert.Equal(t, "new", w.read("b1/x/new.txt"), "the direction comes from the action")
	assert.Equal(t, "new", w.read("b2/x/new.txt"))
}

func TestWorkOfAPathInABackupCopiesFromThatBackup(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/f.txt", "from b1")
	w.write("b2/f.txt", "from b2")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Work, Options{}, "b2/f.txt")))
	assert.Equal(t, "from b2", w.read("w/f.txt"))
	assert.True(t, hasLine(out.String(), "WORKING: "+w.path("w")+" (the only one reachable)"), out)
}

func TestBackupGoesToEveryReachableBackupAndSkipsTheOthers(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [{"name": "docs", "work": ["w"], "backup": ["b1", "b2", "b3"]}]}`, "w", "b1", "b3")
	w.write("w/a.txt", "a")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/a.txt")))
	assert.True(t, hasLine(out.String(), "skipped BACKUP "+w.path("b2")+": not created yet"), out)
	assert.Equal(t, "a", w.read("b1/a.txt"))
	assert.Equal(t, "a", w.read("b3/a.txt"))
	assert.False(t, w.exists("b2"), "nothing is written where the disc is missing")
	assert.True(t, hasLine(out.String(), "ok      "+w.path("b1")+": 1 file copied (1 B), flushed to the disc"), out)
	assert.True(t, hasLine(out.String(), "ok      "+w.path("b3")+": 1 file copied (1 B), flushed to the disc"), out)
}

func TestBackupWithNoReachableBackupFails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [{"name": "docs", "work": ["w"], "backup": ["b1"]}]}`, "w")
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{}, "w/a.txt"))
	requireFailure(t, err, `no BACKUP of configuration "docs" is reachable`,
		"BACKUP "+w.path("b1")+" is not created yet: mkdir -p "+w.path("b1"),
		"mount the disc that holds one, or check the paths in the configuration")
	w.unchanged(before)
}

func TestToChoosesTheBackupsOfABackup(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{To: []string{w.path("b2")}}, "w/a.txt")))
	assert.Equal(t, "a", w.read("b2/a.txt"))
	assert.False(t, w.exists("b1/a.txt"))
}

// threeBackups has configuration "c" with WORKING w and BACKUPs b1, b2, b3, and x.txt in b1.
func threeBackups(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, `{"configs": [{"name": "c", "work": ["w"], "backup": ["b1", "b2", "b3"]}]}`, "w", "b1", "b2", "b3")
	w.write("b1/x.txt", "x")
	return w
}

func TestTransferAsksWhichBackupsToCopyTo(t *testing.T) {
	t.Parallel()
	w := threeBackups(t)
	ask := scripted(t, "1")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Transfer, Options{}, "b1/x.txt")))
	assert.Equal(t, []string{"Copy to which BACKUPs? " + w.path("b2") + "|" + w.path("b3")}, ask.asked)
	assert.Equal(t, "x", w.read("b3/x.txt"))
	assert.False(t, w.exists("b2/x.txt"), "not chosen")
	assert.False(t, w.exists("w/x.txt"), "the WORKING is not touched")
	assert.True(t, hasLine(out.String(), "transfer from BACKUP "+w.path("b1")), out)

	ask = scripted(t, "0 1")
	e, _, _ = w.env(ask)
	w.write("b1/y.txt", "y")
	require.NoError(t, Run(e, w.req(Transfer, Options{}, "b1/y.txt")))
	assert.Equal(t, "y", w.read("b2/y.txt"))
	assert.Equal(t, "y", w.read("b3/y.txt"))
}

func TestTransferWithoutTerminalNamesTheToFlag(t *testing.T) {
	t.Parallel()
	w := threeBackups(t)
	before := w.snapshot()
	e, _, _ := w.env(prompt.NoTerminal{})
	err := Run(e, w.req(Transfer, Options{}, "b1/x.txt"))
	requireNoTerminal(t, err, "there are several BACKUPs to copy to", "--to ROOT (repeatable)")
	w.unchanged(before)
}

func TestTransferToTheOneOtherBackupAsksNothing(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("b1/t/a.txt", "a")
	w.write("b2/t/stale.txt", "stale")
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Transfer, Options{DeleteNoAsk: true}, "b1/t")))
	assert.Equal(t, "a", w.read("b2/t/a.txt"))
	assert.False(t, w.exists("b2/t/stale.txt"), "-D deletes what the source lacks")
	assert.Equal(t, []string{"stale"}, w.trashed("b2", "t/stale.txt"))
	assert.False(t, w.exists("w/t"))
}

func TestTransferNeedsTwoReachableBackups(t *testing.T) {
	t.Parallel()
	w := threeBackups(t)
	require.NoError(t, os.Remove(w.path("b2")))
	require.NoError(t, os.Remove(w.path("b3")))
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Transfer, Options{}, "b1/x.txt"))
	requireFailure(t, err, `transfer needs two reachable BACKUPs in configuration "c"; 1 reachable`,
		"mount the discs of the BACKUPs")
	w.unchanged(before)
}

func TestToRepeatedForAOneDestinationActionIsAUsageError(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [{"name": "c", "work": ["w1", "w2"], "backup": ["b"]}]}`, "w1", "w2", "b")
	w.write("b/f.txt", "f")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Work, Options{To: []string{w.path("w1"), w.path("w2")}}, "b/f.txt"))
	requireUsage(t, err, "work has one destination; --to was given 2 times")
	w.unchanged(before)
}

func TestWorkAsksWhichWorkingToCopyTo(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [{"name": "c", "work": ["w1", "w2"], "backup": ["b"]}]}`, "w1", "w2", "b")
	w.write("b/f.txt", "f")
	ask := scripted(t, "1")
	e, _, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Work, Options{}, "b/f.txt")))
	assert.Equal(t, []string{"Copy to which WORKING? " + w.path("w1") + "|" + w.path("w2")}, ask.asked)
	assert.Equal(t, "f", w.read("w2/f.txt"))
	assert.False(t, w.exists("w1/f.txt"))

	// A path in a WORKING makes that WORKING the destination.
	w.write("b/g.txt", "g")
	w.write("w1/g.txt", "")
	require.NoError(t, os.Remove(w.path("w1/g.txt")))
	e, _, _ = w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Work, Options{}, "w1")))
	assert.Equal(t, "g", w.read("w1/g.txt"))
	assert.False(t, w.exists("w2/g.txt"))
}

func TestToTheSourceIsAUsageError(t *testing.T) {
	t.Parallel()
	w := threeBackups(t)
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Transfer, Options{To: []string{w.path("b1")}}, "b1/x.txt"))
	requireUsage(t, err, "--to "+w.path("b1")+" is the source")
	w.unchanged(before)
}

func TestToThatIsNotALocationOfTheDestinationRole(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{To: []string{w.path("w")}}, "w/a.txt"))
	requireUsage(t, err, "--to "+w.path("w")+` is not a BACKUP of configuration "docs"`,
		"its BACKUPs are: "+w.path("b1")+", "+w.path("b2"))

	err = Run(e, w.req(Backup, Options{To: []string{w.path("elsewhere")}}, "w/a.txt"))
	requireUsage(t, err, "--to "+w.path("elsewhere")+` is not a BACKUP of configuration "docs"`,
		"its BACKUPs are: "+w.path("b1")+", "+w.path("b2"))
	w.unchanged(before)
}

func TestToThatIsNotReachable(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	require.NoError(t, os.Remove(w.path("b2")))
	w.write("w/a.txt", "a")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{To: []string{w.path("b2")}}, "w/a.txt"))
	requireFailure(t, err, "BACKUP "+w.path("b2")+" is unreachable: not created yet", "create it: mkdir -p "+w.path("b2"))
	w.unchanged(before)
}

func TestPathOutsideEveryLocationIsAUsageError(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("elsewhere.txt", "z")
	before := w.snapshot()
	e, _, _ := w.env(scripted(t))
	err := Run(e, w.req(Backup, Options{}, "elsewhere.txt"))
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Contains(t, err.Error(), "is not inside any location")
	assert.Equal(t, []string{"micsync works on paths inside the locations of " + w.cfg}, ui.Hints(err))

	err = Run(e, w.req(Backup, Options{}, "w/nope.txt"))
	require.Error(t, err)
	assert.True(t, isUsage(err))
	assert.Equal(t, "path "+w.path("w/nope.txt")+" does not exist", err.Error())
	assert.Equal(t, []string{"to get it back from a BACKUP, run micsync --work " + w.path("w/nope.txt")}, ui.Hints(err))
	w.unchanged(before)
}

func TestRelativePathsAreReadFromTheCurrentDirectory(t *testing.T) {
	t.Parallel()
	w := docsWorld(t)
	w.write("w/a/d.txt", "d")
	e, _, _ := w.env(scripted(t))
	e.Cwd = w.path("w/a")
	require.NoError(t, os.MkdirAll(w.path("b1/a"), 0o755))
	require.NoError(t, Run(e, Request{Action: Backup, Paths: []string{"d.txt"}, Options: Options{To: []string{w.path("b1")}}}))
	assert.Equal(t, "d", w.read("b1/a/d.txt"))
	assert.False(t, w.exists("b2/a"))
}
