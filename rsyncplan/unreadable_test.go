package rsyncplan

import (
	"context"
	"errors"
	"micsync/internal/asnobody"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadErrorsAreTheMessagesOfSkippedEntries(t *testing.T) {
	const src = "/w/docs/"
	for _, c := range []struct {
		line string
		want Unreadable // Name "" for a line that is no such read error
	}{
		// As rsync 3.5.0 printed them, run as a user who could not read the entries.
		{`rsync: [sender] opendir "/w/docs/locked" failed: Permission denied (13)`, Unreadable{Name: "locked", Reason: "Permission denied (13)"}},
		{`rsync: [sender] send_files failed to open "/w/docs/ok/q"uote": Permission denied (13)`, Unreadable{Name: `ok/q"uote`, Reason: "Permission denied (13)", opened: true}},
		{`rsync: [sender] send_files failed to open "/w/docs/ok/sec\#012ret": Permission denied (13)`, Unreadable{Name: "ok/sec\nret", Reason: "Permission denied (13)", opened: true}},
		{`rsync: [sender] readlink_stat("/w/docs/nox/f") failed: Permission denied (13)`, Unreadable{Name: "nox/f", Reason: "Permission denied (13)"}},
		{`rsync: [sender] link_stat "/w/docs/nox/f" failed: Permission denied (13)`, Unreadable{Name: "nox/f", Reason: "Permission denied (13)"}},
		{`rsync: [sender] opendir "/w/docs/a" failed: " failed: Input/output error (5)`, Unreadable{Name: `a" failed: `, Reason: "Input/output error (5)"}},
		{`rsync: [sender] opendir "/w/docs" failed: Permission denied (13)`, Unreadable{Name: ".", Reason: "Permission denied (13)"}},
		// rsync before 3.2.4 names no role.
		{`rsync: opendir "/w/docs/locked" failed: Permission denied (13)`, Unreadable{Name: "locked", Reason: "Permission denied (13)"}},

		{`rsync: [generator] opendir "/w/docs/locked" failed: Permission denied (13)`, Unreadable{}},
		{`rsync: [receiver] mkstemp "/w/docs/.a.XXXXXX" failed: Permission denied (13)`, Unreadable{}},
		{`rsync: [sender] link_stat "/w/docs/gone" failed: No such file or directory (2)`, Unreadable{}},
		{`rsync: [sender] readlink_stat("/w/docs/d2f/x") failed: Not a directory (20)`, Unreadable{}},
		{`rsync: [sender] read errors mapping "/w/docs/bad.bin": Input/output error (5)`, Unreadable{}},
		{`rsync: [sender] change_dir "/w/docs" failed: Permission denied (13)`, Unreadable{}},
		{`rsync: [sender] opendir "/w/other/locked" failed: Permission denied (13)`, Unreadable{}},
		{`rsync: [sender] opendir "/w/docs2" failed: Permission denied (13)`, Unreadable{}},
		{`rsync: [sender] opendir "/w/docs/../x" failed: Permission denied (13)`, Unreadable{}},
		{`rsync: [sender] opendir "/w/docs/locked" failed: Permission denied`, Unreadable{}},
		{`file has vanished: "/w/docs/a"`, Unreadable{}},
		{`rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]`, Unreadable{}},
	} {
		got, ok := readError(c.line, src)
		assert.Equal(t, c.want.Name != "", ok, c.line)
		if ok {
			assert.Equal(t, c.want, got, c.line)
		}
	}
}

func TestOnlyReadErrorsAndStatus23LeaveAPlan(t *testing.T) {
	lines := func(ls ...string) *readErrors {
		var shown strings.Builder
		e := &readErrors{next: &shown, src: "/s/"}
		for _, l := range ls {
			e.Write([]byte(l + "\n"))
		}
		assert.Equal(t, strings.Join(ls, "\n")+"\n", shown.String(), "every line is shown as it was")
		return e
	}
	const denied = `rsync: [sender] opendir "/s/x" failed: Permission denied (13)`
	const last = `rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]`
	found, ok := lines(denied, last).only(Result{Code: 23})
	assert.True(t, ok)
	assert.Equal(t, []Unreadable{{Name: "x", Reason: "Permission denied (13)"}}, found)
	_, ok = lines(denied, last).only(Result{Code: 24})
	assert.False(t, ok, "another status")
	_, ok = lines(denied, `rsync: [generator] failed to set times on "/d/y": Operation not permitted (1)`, last).only(Result{Code: 23})
	assert.False(t, ok, "another error besides")
	_, ok = lines("ssh: warning", denied).only(Result{Code: 23})
	assert.False(t, ok, "a line from elsewhere")
	_, ok = lines(last).only(Result{Code: 23})
	assert.False(t, ok, "status 23 that no read error explains")
}

// unreadableSource makes a source that holds a directory and a file that no one but root may
// read, with what can be read around them, and a destination that holds entries the source
// lacks, one of them in the unreadable directory.
func unreadableSource(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "src"), filepath.Join(root, "dst")
	write(t, filepath.Join(src, "a", "open.txt"), "open")
	write(t, filepath.Join(src, "locked", "in.txt"), "in")
	write(t, filepath.Join(src, "secret.txt"), "secret")
	write(t, filepath.Join(src, "z", "late.txt"), "late")
	write(t, filepath.Join(dst, "extra.txt"), "extra")
	write(t, filepath.Join(dst, "locked", "in.txt"), "in")
	write(t, filepath.Join(dst, "locked", "only-here.txt"), "kept")
	write(t, filepath.Join(dst, "z", "only-here.txt"), "kept")
	for _, p := range []string{"locked", "secret.txt"} {
		require.NoError(t, os.Chmod(filepath.Join(src, p), 0))
		t.Cleanup(func() { os.Chmod(filepath.Join(src, p), 0o755) })
	}
	return src, dst
}

func TestUnreadableEntriesAreListedAndTheRestPlannedAndCopied(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	for _, parts := range []int{1, 2} {
		func() {
			defer func(n int) { planParts = n }(planParts)
			planParts = parts // one dry run, and one for each of a, locked and z besides the rest
			src, dst := unreadableSource(t)
			p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
			require.NoError(t, err, "%d parts", parts)
			assert.Equal(t, []Unreadable{{Name: "locked", Reason: "Permission denied (13)"}}, p.Unreadable)
			got := classes(p)
			assert.Equal(t, NewFile, got["a/open.txt"])
			assert.Equal(t, NewFile, got["z/late.txt"], "planned after the unreadable directory too")
			assert.Equal(t, NewFile, got["secret.txt"], "a dry run does not open files")
			assert.Zero(t, p.Totals[Deleted].Count, "rsync stopped deleting: no deletions at all")
			assert.True(t, p.DeletionsSkipped)
			assert.NotContains(t, p.Warnings, skippedDeletions, "the plan says so itself")
			assert.False(t, p.Empty())

			done := execute(t, p, Approval{Overwrite: true, Delete: true})
			assert.Equal(t, []Unreadable{{Name: "locked", Reason: "Permission denied (13)"},
				{Name: "secret.txt", Reason: "Permission denied (13)", opened: true}}, done.Unreadable)
			assert.EqualError(t, done.Incomplete(), "2 entries could not be read")
			assert.Equal(t, 2, done.Files, "open.txt and late.txt")
			after := snapshot(t, dst)
			assert.Contains(t, after, "a/open.txt")
			assert.Contains(t, after, "z/late.txt")
			assert.NotContains(t, after, "secret.txt")
			for _, n := range []string{"extra.txt", "locked/only-here.txt", "z/only-here.txt", "locked/in.txt"} {
				assert.Contains(t, after, n, "nothing is deleted")
			}
			assert.Equal(t, "dir:-rwxr-xr-x", after["locked"], "the copy of the directory keeps its attributes")
		}()
	}
}

func TestUnreadableEntriesWithoutDeletion(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	src, dst := unreadableSource(t)
	require.NoError(t, os.RemoveAll(filepath.Join(dst, "locked")))
	require.NoError(t, os.Chmod(filepath.Join(src, "secret.txt"), 0o644))
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	assert.False(t, p.DeletionsSkipped, "the job deletes nothing anyway")
	assert.NotContains(t, classes(p), "locked", "not planned as an empty directory")
	done := execute(t, p, Approval{})
	assert.Equal(t, []Unreadable{{Name: "locked", Reason: "Permission denied (13)"}}, done.Unreadable, "listed once")
	assert.Equal(t, readFile(t, filepath.Join(src, "secret.txt")), readFile(t, filepath.Join(dst, "secret.txt")))
	assert.NoFileExists(t, filepath.Join(dst, "locked"))

	// Nothing else to do, but the entry still cannot be read: the plan is not empty.
	again, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	assert.Empty(t, again.Items)
	assert.False(t, again.Empty())
	done = execute(t, again, Approval{})
	assert.EqualError(t, done.Incomplete(), "1 entry could not be read")
}

func TestUnreadableEntriesInANewTree(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	src, dst := bigNewTree(t)
	write(t, filepath.Join(src, "new1", "locked", "in.txt"), "in")
	write(t, filepath.Join(src, "new2", "secret.txt"), "secret")
	for _, p := range []string{"new1/locked", "new2/secret.txt"} {
		require.NoError(t, os.Chmod(filepath.Join(src, p), 0))
		t.Cleanup(func() { os.Chmod(filepath.Join(src, p), 0o755) })
	}
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	require.True(t, hasStep(steps, "newdirs"), "the new trees are copied recursively")
	done := execute(t, p, Approval{})
	assert.Equal(t, []Unreadable{{Name: "new1/locked", Reason: "Permission denied (13)"},
		{Name: "new2/secret.txt", Reason: "Permission denied (13)", opened: true}}, done.Unreadable)
	assert.Equal(t, 600, done.Files, "the files of both trees, not the one rsync could not open")
	assert.Equal(t, int64(600), done.Bytes)
	after := snapshot(t, dst)
	assert.Contains(t, after, "new1/sub6/f6")
	assert.Contains(t, after, "new2/g299")
	assert.NotContains(t, after, "new1/locked")
	assert.NotContains(t, after, "new2/secret.txt")
	assert.Empty(t, done.Changed)
}

func hasStep(steps []Step, name string) bool {
	for _, s := range steps {
		if s.Name == name {
			return true
		}
	}
	return false
}

func TestUnreadableEntriesOnAnotherHost(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	src, dst := unreadableSource(t)
	for _, c := range []struct {
		name     string
		src, dst string
	}{{"source", remote(src), dst}, {"destination", src, remote(dst)}} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Make(context.Background(), fakeRemote(), Job{SrcDir: c.src, DstDir: c.dst, Delete: true})
			require.NoError(t, err)
			assert.Equal(t, []Unreadable{{Name: "locked", Reason: "Permission denied (13)"}}, p.Unreadable)
			assert.True(t, p.DeletionsSkipped)
			assert.Equal(t, NewFile, classes(p)["z/late.txt"])
		})
	}
	p, err := Make(context.Background(), fakeRemote(), Job{SrcDir: remote(src), DstDir: dst})
	require.NoError(t, err)
	done := executeWith(t, fakeRemote(), p, Approval{})
	assert.Equal(t, []string{"locked", "secret.txt"}, unreadableNames(done))
	assert.Equal(t, "late", readFile(t, filepath.Join(dst, "z", "late.txt")))
}

func unreadableNames(d Done) []string {
	var names []string
	for _, u := range d.Unreadable {
		names = append(names, u.Name)
	}
	return names
}

func TestOtherFailuresStillYieldNoPlan(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	src, dst := unreadableSource(t)
	// The destination's z cannot be read: what the plan would delete there is unknown.
	require.NoError(t, os.Chmod(filepath.Join(dst, "z"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(dst, "z"), 0o755) })
	_, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 23, re.Code)
	assert.Contains(t, re.Stderr, "[generator]")
}

func TestACopyThatCannotWriteStillFails(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	src, dst := unreadableSource(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	write(t, filepath.Join(dst, "z", "late.txt", "x"), "in the way") // after planning
	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	var done Done
	err = p.Execute(context.Background(), &Runner{}, steps, &done)
	var re *Error
	require.ErrorAs(t, err, &re, "a file that cannot be written is no read error")
	assert.Equal(t, 23, re.Code)
	assert.Contains(t, re.Stderr, "could not make way for new regular file: z/late.txt")
	assert.False(t, errors.Is(err, context.Canceled))
}

func TestUnreadableSourceLeavesWhatOnlyTheDestinationHoldsUnknown(t *testing.T) {
	if asnobody.Elsewhere(t) {
		return
	}
	src, dst := unreadableSource(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, OnlyInDst: true})
	require.NoError(t, err)
	assert.Empty(t, p.OnlyInDst, "rsync looked for none")
	assert.True(t, p.OnlyInDstUnknown)
	assert.False(t, p.DeletionsSkipped, "the job deletes nothing anyway")
	assert.NotContains(t, p.Warnings, skippedDeletions, "the plan says so itself")
	assert.Equal(t, NewFile, classes(p)["a/open.txt"], "the rest is planned")
}
