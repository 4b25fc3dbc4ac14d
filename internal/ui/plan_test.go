package ui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/prompt"
	"micsync/rsyncplan"
)

// plan builds a plan of items, with the totals that rsyncplan would count.
func plan(items ...rsyncplan.Item) *rsyncplan.Plan {
	p := &rsyncplan.Plan{Items: items}
	for _, it := range items {
		p.Totals[it.Class].Count++
		p.Totals[it.Class].Bytes += it.Size
	}
	return p
}

func TestPlanListsWhatNeedsADecisionFirst(t *testing.T) {
	var out bytes.Buffer
	p := plan(
		rsyncplan.Item{Name: "new.txt", Size: 1500, Class: rsyncplan.NewFile},
		rsyncplan.Item{Name: "dir", Class: rsyncplan.NewDir, Dir: true},
		rsyncplan.Item{Name: "old.txt", Size: 10, Class: rsyncplan.Deleted},
		rsyncplan.Item{Name: "line\nbreak", Size: 3, Class: rsyncplan.Modified},
		rsyncplan.Item{Name: "meta", Class: rsyncplan.Meta, Dir: true},
	)
	p.Missing = []string{"gone"}
	p.Warnings = []string{"symlink has no referent"}
	New(&out, &out, false).Plan("BACKUP", "/mnt/b", p, Lists{})
	assert.Equal(t, `
to BACKUP /mnt/b
  gone is not in the source: nothing to copy for it
  rsync: symlink has no referent
  modified                       1        3 B
  to delete                      1       10 B
  new files                      1     1.5 kB
  new directories                1           
  attributes only                1           
  modified:
    ~ "line\nbreak"
  to delete:
    - old.txt
  new files:
    + new.txt
  new directories:
    + dir/
  attributes only:
    . meta/
`, out.String())

	out.Reset()
	New(&out, &out, false).Plan("BACKUP", "/mnt/b", p, Lists{HideDirs: true})
	assert.NotContains(t, out.String(), "+ dir/", "-s hides new directories")
	assert.NotContains(t, out.String(), ". meta/", "-s hides directory attributes")
	assert.Contains(t, out.String(), "+ new.txt")

	out.Reset()
	p.Job.Delete = true
	New(&out, &out, false).Plan("WORKING", "/w", plan(), Lists{})
	assert.Equal(t, "\nto WORKING /w\n  nothing to do: up to date\n", out.String())
}

func TestPlanShowsTheFirstLinesUnlessFull(t *testing.T) {
	var items []rsyncplan.Item
	for i := range listLines + 5 {
		items = append(items, rsyncplan.Item{Name: fmt.Sprintf("f%02d", i), Class: rsyncplan.NewFile})
	}
	var out bytes.Buffer
	New(&out, &out, false).Plan("BACKUP", "/b", plan(items...), Lists{})
	assert.Equal(t, listLines, strings.Count(out.String(), "    + f"))
	assert.Contains(t, out.String(), "    ... and 5 more (--full lists them all)\n")
	out.Reset()
	New(&out, &out, false).Plan("BACKUP", "/b", plan(items...), Lists{Full: true})
	assert.Equal(t, listLines+5, strings.Count(out.String(), "    + f"))
}

func TestColourOnlyWhenWanted(t *testing.T) {
	o := New(&bytes.Buffer{}, &bytes.Buffer{}, false)
	assert.Equal(t, "- x", o.paint("-", "- x"), "not a terminal: no colour")
	o.colour = true
	assert.Equal(t, "\x1b[31m- x\x1b[0m", o.paint("-", "- x"))
	assert.Equal(t, ". x", o.paint(".", ". x"), "attributes stay plain")
}

func TestWriteListsWritesEveryEntry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list")
	p := plan(rsyncplan.Item{Name: "a", Class: rsyncplan.NewFile}, rsyncplan.Item{Name: "d", Class: rsyncplan.Deleted, Dir: true})
	require.NoError(t, WriteLists(path, []Listed{{Role: "BACKUP", Dir: "/b1", Plan: p}, {Role: "BACKUP", Dir: "/b2"}}))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "# to BACKUP /b1\n- d/\n+ a\n", string(got), "what needs a decision first; an unplanned destination is left out")
	assert.ErrorContains(t, WriteLists(filepath.Join(path, "not-a-dir"), nil), "list file: ")
}

func TestSummarySaysWhatHappenedAtEachDestination(t *testing.T) {
	changed := plan(rsyncplan.Item{Name: "m", Class: rsyncplan.Modified}, rsyncplan.Item{Name: "d", Class: rsyncplan.Deleted})
	var out bytes.Buffer
	outcomes := []Outcome{
		{Dir: "/a", Plan: plan()},
		{Dir: "/b", Plan: changed, Ran: true, Done: rsyncplan.Done{Files: 2, Bytes: 2000, Dirs: 1, Links: 1, Deleted: 3,
			Kept: []string{"k"}, Warnings: []string{"w"}}, Approval: rsyncplan.Approval{Overwrite: true, Delete: true}},
		{Dir: "/c", Plan: changed, Ran: true},
		{Dir: "/d", Plan: plan(rsyncplan.Item{Name: "x", Class: rsyncplan.Meta}), Ran: true},
		{Dir: "/e", Err: errors.New("no such\ndirectory")},
		{Dir: "/f", Plan: changed, Ran: true, Err: errors.New("rsync failed")},
		{Dir: "/g", Plan: changed, Ran: true, Err: prompt.ErrInterrupted},
		{Dir: "/h", Plan: changed},
		{Dir: "/i", Plan: changed, Ran: true, Skipped: "you declined"},
	}
	New(&out, &out, false).Summary(outcomes)
	var results []Result
	for _, o := range outcomes {
		results = append(results, o.Result())
	}
	assert.Equal(t, []Result{ResultOK, ResultOK, ResultOK, ResultOK, ResultFailed, ResultFailed, ResultStopped, ResultStopped, ResultSkipped},
		results, "--json says what the summary's first column says")
	assert.Equal(t, `
ok      /a: up to date
ok      /b: 2 files copied (2.0 kB), 1 directory created, 1 symlink written, 3 entries deleted
        kept k/: it changed after planning; run micsync again to review it
        rsync: w
ok      /c: modified entries left as they were, nothing deleted
ok      /d: attributes updated
FAILED  /e: not planned
FAILED  /f: rsync failed
STOPPED /g: interrupted; run the same command again to finish
STOPPED /h: not started
SKIPPED /i: you declined
`, out.String())
}

func TestPlanListsWhatCouldNotBeRead(t *testing.T) {
	p := plan(rsyncplan.Item{Name: "a.txt", Size: 1, Class: rsyncplan.NewFile})
	p.Job.Delete = true
	p.Unreadable = []rsyncplan.Unreadable{{Name: "locked", Reason: "Permission denied (13)"}, {Name: "new\nline", Reason: "Input/output error (5)"}}
	p.DeletionsSkipped = true
	var out bytes.Buffer
	New(&out, &out, false).Plan("WORKING", "/w", p, Lists{})
	assert.Equal(t, `
to WORKING /w
  could not read 2 entries, which rsync leaves out:
    ? locked: Permission denied (13)
    ? "new\nline": Input/output error (5)
  no deletions planned: rsync deletes nothing when it cannot read all of the source
  new files                      1        1 B
  new files:
    + a.txt
`, out.String())

	var many []rsyncplan.Unreadable
	for i := range listLines + 2 {
		many = append(many, rsyncplan.Unreadable{Name: fmt.Sprintf("u%02d", i), Reason: "Permission denied (13)"})
	}
	only := plan()
	only.Unreadable = many
	out.Reset()
	New(&out, &out, false).Plan("BACKUP", "/b", only, Lists{})
	assert.Equal(t, listLines, strings.Count(out.String(), "    ? u"))
	assert.Contains(t, out.String(), "    ... and 2 more (--full lists them all)\n")
	assert.NotContains(t, out.String(), "up to date", "nothing to copy, but not up to date")
	out.Reset()
	New(&out, &out, false).Plan("BACKUP", "/b", only, Lists{Full: true})
	assert.Equal(t, listLines+2, strings.Count(out.String(), "    ? u"))
}

func TestSummaryNamesWhatWasLeftOutAndWhatIsOnTheDisc(t *testing.T) {
	p := plan(rsyncplan.Item{Name: "a", Class: rsyncplan.NewFile})
	left := rsyncplan.Done{Files: 3, Bytes: 30, Unreadable: []rsyncplan.Unreadable{{Name: "locked", Reason: "Permission denied (13)"}, {Name: "s.txt", Reason: "Permission denied (13)"}},
		Changed: []string{"big.bin"}}
	nothing := rsyncplan.Done{Unreadable: []rsyncplan.Unreadable{{Name: "x", Reason: "Permission denied (13)"}}}
	var out bytes.Buffer
	New(&out, &out, false).Summary([]Outcome{
		{Dir: "/a", Plan: p, Ran: true, Done: left, Err: Failure(left.Incomplete(), "a hint")},
		{Dir: "/b", Plan: p, Ran: true, Done: nothing, Err: nothing.Incomplete()},
		{Dir: "/c", Plan: p, Ran: true, Done: rsyncplan.Done{Files: 1, Bytes: 5}, Flushed: true},
		{Dir: "/d", Plan: plan(), Flushed: true},
		{Dir: "/e", Plan: p, Ran: true, Done: rsyncplan.Done{Files: 1}, Err: errors.New("rsync failed"), Flushed: true},
	})
	assert.Equal(t, `
FAILED  /a: 2 entries could not be read, 1 file changed during the copy; 3 files copied (30 B)
        could not read locked: Permission denied (13)
        could not read s.txt: Permission denied (13)
        changed during the copy: big.bin
FAILED  /b: 1 entry could not be read
        could not read x: Permission denied (13)
ok      /c: 1 file copied (5 B), flushed to the disc
ok      /d: up to date, flushed to the disc
FAILED  /e: rsync failed
`, out.String())
}

func TestPlanListsInReadingOrderAndSaysWhichAttributes(t *testing.T) {
	// As rsync gives them: a deleted directory after what it holds.
	p := plan(
		rsyncplan.Item{Name: "scan 10.pdf", Size: 1, Class: rsyncplan.NewFile},
		rsyncplan.Item{Name: "scan 2.pdf", Size: 1, Class: rsyncplan.NewFile},
		rsyncplan.Item{Name: "old/page 10.txt", Class: rsyncplan.Deleted},
		rsyncplan.Item{Name: "old/page 9.txt", Class: rsyncplan.Deleted},
		rsyncplan.Item{Name: "old", Class: rsyncplan.Deleted, Dir: true},
		rsyncplan.Item{Name: ".", Class: rsyncplan.Meta, Dir: true, Attrs: rsyncplan.AttrTime},
		rsyncplan.Item{Name: "run.sh", Class: rsyncplan.Meta, Attrs: rsyncplan.AttrPerms | rsyncplan.AttrTime},
		rsyncplan.Item{Name: "mine", Class: rsyncplan.Meta, Attrs: rsyncplan.AttrOwner | rsyncplan.AttrGroup},
	)
	var out bytes.Buffer
	New(&out, &out, false).Plan("BACKUP", "/b", p, Lists{})
	assert.Equal(t, `
to BACKUP /b
  to delete                      3           
  new files                      2        2 B
  attributes only                3           
  to delete:
    - old/
    - old/page 9.txt
    - old/page 10.txt
  new files:
    + scan 2.pdf
    + scan 10.pdf
  attributes only:
    . ./ (time)
    . mine (owner, group)
    . run.sh (permissions, time)
`, out.String())
	assert.Equal(t, "scan 10.pdf", p.Items[0].Name, "showing a plan leaves its order alone")

	path := filepath.Join(t.TempDir(), "list")
	require.NoError(t, WriteLists(path, []Listed{{Role: "BACKUP", Dir: "/b", Plan: p}}))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "# to BACKUP /b\n- old/\n- old/page 9.txt\n- old/page 10.txt\n+ scan 2.pdf\n+ scan 10.pdf\n"+
		". ./ (time)\n. mine (owner, group)\n. run.sh (permissions, time)\n", string(got), "the list file in the same order")
}

func TestAlikePlansAreShownOnce(t *testing.T) {
	same := func() *rsyncplan.Plan {
		return plan(rsyncplan.Item{Name: "b.txt", Size: 2, Class: rsyncplan.NewFile}, rsyncplan.Item{Name: "a.txt", Size: 1, Class: rsyncplan.NewFile})
	}
	// The same entries in another order are the same plan.
	reordered := plan(rsyncplan.Item{Name: "a.txt", Size: 1, Class: rsyncplan.NewFile}, rsyncplan.Item{Name: "b.txt", Size: 2, Class: rsyncplan.NewFile})
	otherKind := plan(rsyncplan.Item{Name: "b.txt", Size: 2, Class: rsyncplan.Modified}, rsyncplan.Item{Name: "a.txt", Size: 1, Class: rsyncplan.NewFile})
	missing := same()
	missing.Missing = []string{"gone"}
	ps := []Listed{
		{Role: "BACKUP", Dir: "/b1", Plan: same()},
		{Role: "BACKUP", Dir: "/b2", Plan: otherKind},
		{Role: "BACKUP", Dir: "/b3"}, // not planned
		{Role: "BACKUP", Dir: "/b4", Plan: reordered},
		{Role: "BACKUP", Dir: "/b5", Plan: same()},
		{Role: "BACKUP", Dir: "/b6", Plan: missing},
		{Role: "BACKUP", Dir: "/b7", Plan: plan()},
		{Role: "WORKING", Dir: "/w", Plan: plan()},
	}
	var dirs [][]string
	for _, g := range Alike(ps) {
		var ds []string
		for _, d := range g {
			ds = append(ds, d.Dir)
		}
		dirs = append(dirs, ds)
	}
	assert.Equal(t, [][]string{{"/b1", "/b4", "/b5"}, {"/b2"}, {"/b6"}, {"/b7", "/w"}}, dirs)

	var out bytes.Buffer
	o := New(&out, &out, false)
	for _, g := range Alike(ps) {
		o.Plans(g, Lists{})
	}
	assert.Equal(t, `
to BACKUP /b1, /b4 and /b5 (the same plan for all 3)
  new files                      2        3 B
  new files:
    + a.txt
    + b.txt

to BACKUP /b2
  modified                       1        2 B
  new files                      1        1 B
  modified:
    ~ b.txt
  new files:
    + a.txt

to BACKUP /b6
  gone is not in the source: nothing to copy for it
  new files                      2        3 B
  new files:
    + a.txt
    + b.txt

to BACKUP /b7 and WORKING /w (the same plan for both)
  nothing to do: up to date
`, out.String())
}

func TestPlanTellsWhatOnlyTheBackupHolds(t *testing.T) {
	p := plan()
	p.Job = rsyncplan.Job{SrcDir: "/home/me/Documents", DstDir: "/mnt/b", Names: []string{"-taxes"}}
	p.OnlyInDst = []rsyncplan.Item{
		{Name: "-taxes/old\xff\n.pdf", Class: rsyncplan.Deleted},
		{Name: "-taxes/2019", Class: rsyncplan.Deleted, Dir: true},
	}
	var out bytes.Buffer
	New(&out, &out, false).Plan("BACKUP", "/mnt/b", p, Lists{})
	assert.Equal(t, `
to BACKUP /mnt/b
  nothing to do: up to date
  2 entries are only in BACKUP /mnt/b (not deleted; micsync prune /home/me/Documents/-taxes moves them to its trash; --full lists them)
`, out.String())

	out.Reset()
	New(&out, &out, false).Plan("BACKUP", "/mnt/b", p, Lists{Full: true})
	assert.Equal(t, `
to BACKUP /mnt/b
  nothing to do: up to date
  2 entries are only in BACKUP /mnt/b (not deleted; micsync prune /home/me/Documents/-taxes moves them to its trash):
    -taxes/2019/
    "-taxes/old\xff\n.pdf"
`, out.String())

	q := plan()
	q.Job = p.Job
	groups := Alike([]Listed{{Role: "BACKUP", Dir: "/mnt/a", Plan: p}, {Role: "BACKUP", Dir: "/mnt/b", Plan: q}})
	assert.Len(t, groups, 2, "plans that differ in what only the destination holds are shown apart")

	p.OnlyInDst, p.OnlyInDstUnknown = nil, true
	out.Reset()
	New(&out, &out, false).Plan("BACKUP", "/mnt/b", p, Lists{})
	assert.Contains(t, out.String(), "  not looked for what is only in BACKUP /mnt/b: rsync looks for none when it cannot read all of the source\n")
}

func TestWriteListsListsWhatOnlyTheBackupHolds(t *testing.T) {
	p := plan(rsyncplan.Item{Name: "-taxes/new.pdf", Class: rsyncplan.NewFile})
	p.Job = rsyncplan.Job{SrcDir: "/home/me/Documents", DstDir: "/mnt/b", Names: []string{"-taxes"}}
	p.OnlyInDst = []rsyncplan.Item{
		{Name: "-taxes/old\xff\n.pdf", Class: rsyncplan.Deleted},
		{Name: "-taxes/2019", Class: rsyncplan.Deleted, Dir: true},
	}
	none := plan(rsyncplan.Item{Name: "-taxes/new.pdf", Class: rsyncplan.NewFile})
	none.Job = p.Job
	unknown := plan()
	unknown.Job, unknown.OnlyInDstUnknown = p.Job, true
	path := filepath.Join(t.TempDir(), "list")
	require.NoError(t, WriteLists(path, []Listed{{Role: "BACKUP", Dir: "/mnt/b", Plan: p}, {Role: "BACKUP", Dir: "/mnt/c", Plan: none},
		{Role: "BACKUP", Dir: "/mnt/d", Plan: unknown}}))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, `# to BACKUP /mnt/b
+ -taxes/new.pdf
# 2 entries are only in BACKUP /mnt/b (not deleted; micsync prune /home/me/Documents/-taxes moves them to its trash):
  -taxes/2019/
  "-taxes/old\xff\n.pdf"
# to BACKUP /mnt/c
+ -taxes/new.pdf
# to BACKUP /mnt/d
# not looked for what is only in BACKUP /mnt/d: rsync looks for none when it cannot read all of the source
`, string(got), "every name, as the plan on screen lists them with --full, after the plan's; none, none told")
}

func TestPruneCommandIsQuotedForAShell(t *testing.T) {
	assert.Equal(t, "micsync prune /home/me/Documents", PruneCommand(rsyncplan.Job{SrcDir: "/home/me/Documents"}))
	assert.Equal(t, `micsync prune $'/h/d\xff/a b' $'/h/d\xff/it\'s'`,
		PruneCommand(rsyncplan.Job{SrcDir: "/h/d\xff", Names: []string{"a b", "it's"}}))
	assert.Equal(t, `micsync prune $'/h/new\x0aline'`, PruneCommand(rsyncplan.Job{SrcDir: "/h/new\nline"}))
}
