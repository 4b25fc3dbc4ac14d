package rsyncplan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExecuteApprovedMakesDestinationEqual(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	done := execute(t, p, Approval{Overwrite: true, Delete: true})
	assert.Equal(t, snapshot(t, src), snapshot(t, dst))
	assert.Equal(t, len(oddNames)+4, done.Files, "odd names, deep.txt, f2d/inside.txt, mod.txt, d2f, and not same.txt")

	again, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	assert.Empty(t, again.Items, "a second plan finds nothing to do")
}

func TestExecuteDoesOnlyThePickedEntries(t *testing.T) {
	src, dst := everyChange(t)
	before := snapshot(t, dst)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	// Overwrite mod.txt but not the link nor the type changes; delete the file but not the
	// directory, which keeps what it holds with it.
	skip := map[string]bool{"chglink": true, "f2d": true, "d2f": true, "gonedir": true}
	execute(t, p, Approval{Overwrite: true, Delete: true, Skip: skip})
	after := snapshot(t, dst)
	assert.Equal(t, snapshot(t, src)["mod.txt"], after["mod.txt"], "picked: overwritten")
	assert.NotContains(t, after, "gone\nfile.txt", "picked: deleted")
	for _, n := range []string{"chglink", "f2d", "d2f", "d2f/inside.txt", "gonedir", "gonedir/inner.txt"} {
		assert.Equal(t, before[n], after[n], "left out: %q is as it was", n)
	}
	assert.Equal(t, snapshot(t, src)["newdir/sub/deep.txt"], after["newdir/sub/deep.txt"], "new entries need no pick")
}

func TestExecuteDeclinedLeavesDestructiveChangesAlone(t *testing.T) {
	src, dst := everyChange(t)
	before := snapshot(t, dst)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	execute(t, p, Approval{})
	after := snapshot(t, dst)
	for _, n := range []string{"mod.txt", "chglink", "f2d", "d2f", "d2f/inside.txt", "gone\nfile.txt", "gonedir", "gonedir/inner.txt"} {
		assert.Equal(t, before[n], after[n], n)
	}
	assert.NotContains(t, after, "f2d/inside.txt", "nothing is put below a declined replacement")
	for _, n := range oddNames {
		assert.Contains(t, after, filepath.Join("odd", n), "new files are copied")
	}
	assert.Equal(t, "link:same.txt", after["newlink"])
	assert.Equal(t, snapshot(t, src)["newdir/sub/deep.txt"], after["newdir/sub/deep.txt"])
	assert.Contains(t, after["same.txt"], "file:-rw-r--r--", "attribute changes need no approval")
}

func TestRootRunOnlyWhenTheRootChanged(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(src, dst string)
		trash  bool
		want   bool // the root run is needed
	}{
		{"a change below the root", func(src, dst string) { write(t, filepath.Join(src, "a", "b.txt"), "longer content") }, false, false},
		{"a new entry in the root", func(src, dst string) { write(t, filepath.Join(src, "top.txt"), "new") }, false, true},
		{"an entry deleted from the root", func(src, dst string) { write(t, filepath.Join(dst, "extra.txt"), "extra") }, false, true},
		{"a modified file in the root", func(src, dst string) { write(t, filepath.Join(src, "c.txt"), "longer content") }, false, true},
		{"the trash made in the root", func(src, dst string) { write(t, filepath.Join(src, "a", "b.txt"), "longer content") }, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
			write(t, filepath.Join(src, "a", "b.txt"), "b")
			write(t, filepath.Join(src, "c.txt"), "c")
			old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			for _, p := range []string{"a/b.txt", "c.txt", "a", "."} {
				require.NoError(t, os.Chtimes(filepath.Join(src, p), old, old))
			}
			require.NoError(t, exec.Command("rsync", "-a", src+"/", dst+"/").Run())
			c.change(src, dst)
			// Only the entries' own times differ now, never the roots'.
			for _, d := range []string{src, dst} {
				require.NoError(t, os.Chtimes(d, old, old))
			}
			job := Job{SrcDir: src, DstDir: dst, Delete: true, Exclude: []string{"/.micsync-trash/"}}
			if c.trash {
				job.Trash = filepath.Join(dst, ".micsync-trash", "T")
			}
			p, err := Make(context.Background(), &Runner{}, job)
			require.NoError(t, err)
			require.False(t, p.Empty())
			ran := false
			r := &Runner{Trace: func(cmd string) { ran = ran || strings.Contains(cmd, "--exclude=*") }}
			executeWith(t, r, p, Approval{Overwrite: true, Delete: true})
			assert.Equal(t, c.want, ran, "the root run")

			again, err := Make(context.Background(), &Runner{}, job)
			require.NoError(t, err)
			assert.True(t, again.Empty(), "nothing is left to do, the root's time included: %v", again.Items)
		})
	}
}
