package rsyncplan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrashKeepsWhatIsOverwrittenOrDeleted(t *testing.T) {
	// Inside the destination rsync gets the trash as a relative path; elsewhere (a sub-path of a
	// location, whose trash is in the location's root) as an absolute one.
	for _, inside := range []bool{true, false} {
		t.Run(fmt.Sprintf("inside=%v", inside), func(t *testing.T) {
			src, dst := everyChange(t)
			write(t, filepath.Join(src, ".micsync-trash", "x"), "never copied")
			write(t, filepath.Join(dst, ".micsync-trash", "old", "kept.txt"), "an earlier run's trash")
			trash := filepath.Join(dst, ".micsync-trash", "20261121T100000Z")
			if !inside {
				trash = filepath.Join(filepath.Dir(dst), "elsewhere", ".micsync-trash", "20261121T100000Z")
			}
			before := snapshot(t, dst)
			job := Job{SrcDir: src, DstDir: dst, Delete: true, Trash: trash, Exclude: []string{"/.micsync-trash/"}}
			assert.Equal(t, inside, !filepath.IsAbs(job.trashArg()), job.trashArg())
			p, err := Make(context.Background(), &Runner{}, job)
			require.NoError(t, err)
			for _, it := range p.Items {
				assert.NotContains(t, it.Name, ".micsync-trash", "the trash is in no plan")
			}
			execute(t, p, Approval{Overwrite: true, Delete: true})

			kept := snapshot(t, trash)
			for _, name := range []string{"mod.txt", "gone\nfile.txt", "gonedir/inner.txt", "d2f/inside.txt", "f2d"} {
				want := before[name]
				got := kept[name]
				// The trash is written now: compare type and content, not the directory's times.
				assert.Equal(t, strings.Split(want, ":")[0:3], strings.Split(got, ":")[0:3], name)
			}
			assert.Equal(t, "link:mod.txt", kept["chglink"], "a changed symlink is kept too")
			assert.Equal(t, "an earlier run's trash", readFile(t, filepath.Join(dst, ".micsync-trash", "old", "kept.txt")))
			assert.NoFileExists(t, filepath.Join(dst, ".micsync-trash", "x"))
		})
	}
}

func TestTrashArg(t *testing.T) {
	for _, c := range []struct{ dst, trash, want string }{
		{"/d", "/d/.micsync-trash/T", ".micsync-trash/T"},
		{"/d/", "/d/.micsync-trash/T", ".micsync-trash/T"},
		{"host:/d", "/d/.micsync-trash/T", ".micsync-trash/T"},
		{"/loc/sub", "/loc/.micsync-trash/T/sub", "/loc/.micsync-trash/T/sub"},
		{"/d", "/dx/.micsync-trash/T", "/dx/.micsync-trash/T"},
		{"/d", "/d/../x/T", "/d/../x/T"},
	} {
		assert.Equal(t, c.want, Job{DstDir: c.dst, Trash: c.trash}.trashArg(), c)
	}
}

// rsync gets its temporary directory relative to the destination when it is inside it, and
// absolute when the job is below the location's root (rsync refuses ".."); either way the
// files are copied and nothing stays in it.
func TestTempDirArg(t *testing.T) {
	root := t.TempDir()
	src, tmp := filepath.Join(root, "src"), filepath.Join(root, "dst", ".micsync", "tmp", "RUN")
	write(t, filepath.Join(src, "top.txt"), "top")
	write(t, filepath.Join(src, "sub", "d", "f.txt"), "f")
	write(t, filepath.Join(src, "sub", "g.txt"), "g")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "dst", "sub"), 0o755))
	require.NoError(t, os.MkdirAll(tmp, 0o755))
	for _, c := range []struct{ src, dst, want string }{
		{filepath.Join(src, "sub"), filepath.Join(root, "dst", "sub"), tmp},
		{src, filepath.Join(root, "dst"), ".micsync/tmp/RUN"},
	} {
		job := Job{SrcDir: c.src, DstDir: c.dst, TempDir: tmp, Exclude: []string{"/.micsync/"}}
		p, err := Make(t.Context(), &Runner{}, job)
		require.NoError(t, err)
		steps, err := p.Steps(Approval{}, t.TempDir())
		require.NoError(t, err)
		var args []string
		for _, s := range steps {
			args = append(args, s.Args...)
		}
		assert.Contains(t, args, "--temp-dir="+c.want)
		executeWith(t, &Runner{}, p, Approval{})
		want, got := snapshot(t, c.src), snapshot(t, c.dst)
		delete(got, ".micsync")
		delete(got, ".micsync/tmp")
		delete(got, ".micsync/tmp/RUN")
		assert.Equal(t, want, got, "copied through the temporary directory")
		entries, err := os.ReadDir(tmp)
		require.NoError(t, err)
		assert.Empty(t, entries)
	}
}

func TestPartsLeaveNoEmptyTrash(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	write(t, filepath.Join(src, "a", "new.txt"), "a")
	write(t, filepath.Join(src, "b", "new.txt"), "b")
	require.NoError(t, os.Mkdir(dst, 0o755))
	job := Job{SrcDir: src, DstDir: dst, Trash: filepath.Join(dst, ".micsync-trash", "stamp")}
	defer func(n int) { planParts = n }(planParts)
	planParts = 2
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	done := execute(t, p, Approval{Overwrite: true})
	assert.Equal(t, 2, done.Files)
	assert.NoDirExists(t, filepath.Join(dst, ".micsync-trash"), "nothing was kept")
}

func TestMakeTrashNeverRecreatesTheDestination(t *testing.T) {
	loc := t.TempDir()
	dst := filepath.Join(loc, "Documents")

	made, ok, err := makeTrash(filepath.Join(dst, ".micsync-trash", "stamp"), dst)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Empty(t, made)
	assert.NoDirExists(t, dst, "a destination that went away is not made again")

	require.NoError(t, os.Mkdir(dst, 0o755))
	made, ok, err = makeTrash(filepath.Join(dst, ".micsync-trash", "stamp"), dst)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []string{filepath.Join(dst, ".micsync-trash", "stamp"), filepath.Join(dst, ".micsync-trash")}, made)
	removeEmpty(made)
	assert.NoDirExists(t, filepath.Join(dst, ".micsync-trash"))

	// A sub-path's trash is in its location's root, which holds the destination.
	sub := filepath.Join(dst, "taxes")
	require.NoError(t, os.Mkdir(sub, 0o755))
	trash := filepath.Join(dst, ".micsync-trash", "stamp", "taxes")
	made, ok, err = makeTrash(trash, sub)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Len(t, made, 3)
	assert.DirExists(t, trash)

	// A trash elsewhere is left to rsync.
	made, ok, err = makeTrash(filepath.Join(t.TempDir(), "x", "y"), sub)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Empty(t, made)
}

// The parts' trash is made only while the guard says the destination's disc is still there:
// a mount point left by a disc that went away gets no trash directory.
func TestPartsMakeNoTrashWhereTheDiscWent(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	write(t, filepath.Join(src, "a", "new.txt"), "a")
	write(t, filepath.Join(src, "b", "new.txt"), "b")
	require.NoError(t, os.Mkdir(dst, 0o755))
	job := Job{SrcDir: src, DstDir: dst, Trash: filepath.Join(dst, ".micsync-trash", "stamp")}
	defer func(n int) { planParts = n }(planParts)
	planParts = 2
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true}, t.TempDir())
	require.NoError(t, err)
	gone := errors.New("gone")
	var made atomic.Bool // the trash was there when the guard was asked
	guard := func() error {
		if _, err := os.Stat(job.Trash); err == nil {
			made.Store(true)
		}
		return gone
	}
	err = p.Execute(context.Background(), &Runner{Guard: guard}, steps, &Done{})
	require.ErrorIs(t, err, gone)
	assert.False(t, made.Load(), "no trash made once the disc was gone")
	entries, err := os.ReadDir(dst)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// A destination that went away between the plan and the run (a disc unmounted, its mount point
// gone with it) is never made again by rsync: the run fails and writes nothing.
func TestARunNeverMakesItsDestination(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(t.Context(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true, Delete: true}, t.TempDir())
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dst))
	var done Done
	assert.Error(t, p.Execute(t.Context(), &Runner{}, steps, &done))
	assert.NoDirExists(t, dst)
}
