package rsyncplan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRemote returns a runner whose remote shell runs rsync's remote side on this machine, as
// ssh would on another: "host:/path" then means /path here. The end-to-end tests use a real
// ssh server; this one keeps the remote code paths quick to test.
func fakeRemote() *Runner {
	return &Runner{Shell: []string{"sh", "-c", `shift; exec "$@"`, "fake-ssh"}}
}

func remote(dir string) string { return "otherhost:" + dir }

func TestIsRemote(t *testing.T) {
	assert.True(t, IsRemote("host:/a"))
	assert.True(t, IsRemote("me@host:/a b"))
	assert.False(t, IsRemote("/a:b"))
	assert.False(t, IsRemote("/a/b"))
	assert.Equal(t, "/a b", OnHost("me@host:/a b"))
	assert.Equal(t, "/a:b", OnHost("/a:b"))
}

func TestShellWordsSurviveRsyncsSplitting(t *testing.T) {
	// The fake shell's own words hold a double quote, a dollar and spaces; a quote is added.
	r := fakeRemote()
	r.Shell = append([]string{"env", "X=it's"}, r.Shell...)
	src := t.TempDir()
	write(t, filepath.Join(src, "a"), "x")
	got, err := r.Stat(context.Background(), remote(src), []string{"a"})
	require.NoError(t, err)
	assert.Contains(t, got, "a")
}

func TestRemoteStatListChildrenMatchLocal(t *testing.T) {
	dir := t.TempDir()
	for _, n := range oddNames {
		write(t, filepath.Join(dir, "d", n), "12345")
	}
	write(t, filepath.Join(dir, "top.txt"), "abc")
	require.NoError(t, os.Symlink("top.txt", filepath.Join(dir, "link")))
	ctx := context.Background()
	local, r := &Runner{}, fakeRemote()

	names := append([]string{".", "top.txt", "link", "d", "missing", "d/missing"}, oddNames...)
	for i, n := range oddNames {
		names[6+i] = "d/" + n
	}
	want, err := local.Stat(ctx, dir, names)
	require.NoError(t, err)
	got, err := r.Stat(ctx, remote(dir), names)
	require.NoError(t, err)
	assert.Len(t, want, len(names)-2, "all but the missing names")
	assert.Equal(t, toSeconds(want), got, "the same entries; the times to the second")
	fi, err := os.Lstat(filepath.Join(dir, "top.txt"))
	require.NoError(t, err)
	assert.Equal(t, Entry{Name: "top.txt", Type: 'f', Size: 3, ModTime: fi.ModTime().Truncate(time.Second)}, got["top.txt"])
	assert.Equal(t, 'L', rune(got["link"].Type))
	assert.Equal(t, int64(len("top.txt")), got["link"].Size)

	wantList, err := local.List(ctx, dir, []string{"d", "nothing"})
	require.NoError(t, err)
	gotList, err := r.List(ctx, remote(dir), []string{"d", "nothing"})
	require.NoError(t, err)
	byName := func(a, b Entry) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	}
	slices.SortFunc(wantList, byName)
	slices.SortFunc(gotList, byName)
	assert.Len(t, gotList, len(oddNames)+1)
	assert.Equal(t, toSeconds(wantList), gotList)

	var listed []string
	for _, e := range wantList {
		listed = append(listed, e.Name)
	}
	for _, run := range []struct {
		r   *Runner
		dir string
	}{{local, dir}, {r, remote(dir)}} {
		names, err := run.r.Names(ctx, run.dir, []string{"d", "nothing"})
		require.NoError(t, err)
		assert.ElementsMatch(t, listed, names, run.dir)
	}
	all, err := local.Names(ctx, dir, []string{"."})
	require.NoError(t, err)
	assert.ElementsMatch(t, append([]string{".", "top.txt", "link"}, listed...), all, "the root is \".\"")

	kids, err := r.Children(ctx, remote(dir))
	require.NoError(t, err)
	var kidNames []string
	for _, k := range kids {
		kidNames = append(kidNames, k.Name)
	}
	assert.ElementsMatch(t, []string{"d", "top.txt", "link"}, kidNames)

	_, err = r.Children(ctx, remote(filepath.Join(dir, "missing")))
	assert.ErrorIs(t, err, os.ErrNotExist)
	gone, err := r.Stat(ctx, remote(filepath.Join(dir, "missing")), []string{"."})
	require.NoError(t, err)
	assert.Empty(t, gone, "a directory that does not exist holds nothing")
}

func TestRemotePlansEqualLocalOnes(t *testing.T) {
	ctx := context.Background()
	for _, side := range []string{"destination", "source"} {
		t.Run(side, func(t *testing.T) {
			src, dst := everyChange(t)
			want, err := Make(ctx, &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
			require.NoError(t, err)
			j := Job{SrcDir: src, DstDir: remote(dst), Delete: true}
			if side == "source" {
				j = Job{SrcDir: remote(src), DstDir: dst, Delete: true}
			}
			got, err := Make(ctx, fakeRemote(), j)
			require.NoError(t, err)
			assert.Equal(t, want.Items, got.Items, "the same items, sizes and type changes")
			assert.Equal(t, want.Totals, got.Totals)
			assert.Equal(t, want.DstEntries, got.DstEntries)
		})
	}
}

func TestRemoteExecutionWithTrash(t *testing.T) {
	ctx := context.Background()
	for _, side := range []string{"destination", "source"} {
		t.Run(side, func(t *testing.T) {
			src, dst := everyChange(t)
			before := snapshot(t, dst)
			trash := filepath.Join(t.TempDir(), "trash")
			j := Job{SrcDir: src, DstDir: remote(dst), Delete: true, Trash: trash}
			if side == "source" {
				j = Job{SrcDir: remote(src), DstDir: dst, Delete: true, Trash: trash}
			}
			r := fakeRemote()
			p, err := Make(ctx, r, j)
			require.NoError(t, err)
			executeWith(t, r, p, Approval{Overwrite: true, Delete: true})
			assert.Equal(t, snapshot(t, src), snapshot(t, dst))
			kept := snapshot(t, trash)
			assert.Equal(t, before["mod.txt"], kept["mod.txt"], "the overwritten file is in the trash")
			assert.Equal(t, before["gonedir/inner.txt"], kept["gonedir/inner.txt"], "the deleted file is in the trash")
		})
	}
}

func TestRemoteGuards(t *testing.T) {
	ctx := context.Background()
	t.Run("a new tree that changed in a remote source is copied as planned", func(t *testing.T) {
		src, dst := bigNewTree(t)
		r := fakeRemote()
		p, err := Make(ctx, r, Job{SrcDir: remote(src), DstDir: dst})
		require.NoError(t, err)
		write(t, filepath.Join(src, "new1", "sub3", "late.txt"), "appeared after planning")
		executeWith(t, r, p, Approval{})
		after := snapshot(t, dst)
		assert.NotContains(t, after, "new1/sub3/late.txt")
		assert.Contains(t, after, "new2/g299")
	})
	t.Run("a directory to delete that gained a file in a remote destination is kept", func(t *testing.T) {
		src, dst := t.TempDir(), t.TempDir()
		write(t, filepath.Join(dst, "old", "a.txt"), "a")
		write(t, filepath.Join(dst, "other", "b.txt"), "b")
		r := fakeRemote()
		p, err := Make(ctx, r, Job{SrcDir: src, DstDir: remote(dst), Delete: true})
		require.NoError(t, err)
		write(t, filepath.Join(dst, "old", "late.txt"), "appeared after planning")
		done := executeWith(t, r, p, Approval{Delete: true})
		after := snapshot(t, dst)
		assert.Contains(t, after, "old/late.txt")
		assert.Contains(t, after, "old/a.txt", "its directory was kept whole")
		assert.NotContains(t, after, "other/b.txt", "the other directory was deleted as planned")
		assert.Equal(t, []string{"old"}, done.Kept)
	})
}

// toSeconds returns entries listed here with their times cut to the second, as rsync lists them
// on another host. The location is dropped as well: rsync's times are parsed in local time.
func toSeconds[T map[string]Entry | []Entry](entries T) T {
	cut := func(e Entry) Entry {
		e.ModTime = time.Unix(e.ModTime.Unix(), 0)
		return e
	}
	switch es := any(entries).(type) {
	case map[string]Entry:
		out := map[string]Entry{}
		for k, e := range es {
			out[k] = cut(e)
		}
		return any(out).(T)
	case []Entry:
		out := make([]Entry, len(es))
		for i, e := range es {
			out[i] = cut(e)
		}
		return any(out).(T)
	}
	return entries
}
