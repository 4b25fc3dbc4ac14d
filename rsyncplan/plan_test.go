package rsyncplan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanEveryChange(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	got := classes(p)
	want := map[string]Class{
		"gonedir/inner.txt": Deleted, "gonedir": Deleted, "gone\nfile.txt": Deleted, "d2f/inside.txt": Replaced,
		"chglink": Modified, "mod.txt": Modified,
		"d2f": Replaced, "f2d": Replaced,
		"newlink": NewLink, "same.txt": Meta,
		"f2d/inside.txt": NewFile, "newdir": NewDir, "newdir/sub": NewDir, "newdir/sub/deep.txt": NewFile, "odd": NewDir,
	}
	for _, n := range oddNames {
		want["odd/"+n] = NewFile
	}
	// The root's times may or may not differ, depending on how fast the tree was made.
	delete(got, ".")
	assert.Equal(t, want, got)

	for _, it := range p.Items {
		switch it.Name {
		case "d2f":
			assert.True(t, it.DstDir, "d2f is a directory in the destination")
		case "f2d":
			assert.False(t, it.DstDir)
		case "gone\nfile.txt":
			assert.EqualValues(t, 3, it.Size, "deleted files count their size in the destination")
		}
	}
	assert.Equal(t, Total{Count: 2, Bytes: int64(len("new content"))}, p.Totals[Modified], "a symlink's size is not counted")
	assert.Equal(t, 3, p.Totals[Deleted].Count, "what the file d2f replaces is part of the replacement")
	assert.Equal(t, 3, p.Totals[Replaced].Count)
}

func TestNamesAndMissingNames(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "s"), filepath.Join(root, "d")
	write(t, filepath.Join(src, "a", "1.txt"), "1")
	write(t, filepath.Join(src, "other.txt"), "not named")
	write(t, filepath.Join(dst, "a", "extra.txt"), "extra")
	write(t, filepath.Join(dst, "gone", "x.txt"), "x")
	write(t, filepath.Join(dst, "sibling.txt"), "not named")

	job := Job{SrcDir: src, DstDir: dst, Names: []string{"a", "gone"}}
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	assert.Equal(t, []string{"gone"}, p.Missing)
	assert.Equal(t, map[string]Class{"a/1.txt": NewFile}, classes(p))

	job.Delete = true
	p, err = Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	assert.Equal(t, map[string]Class{"a/1.txt": NewFile, "a/extra.txt": Deleted, "gone": Deleted, "gone/x.txt": Deleted}, classes(p))
	execute(t, p, Approval{Delete: true})
	after := snapshot(t, dst)
	assert.NotContains(t, after, "gone")
	assert.NotContains(t, after, "a/extra.txt")
	assert.Contains(t, after, "sibling.txt", "entries that were not named are left alone")
	assert.NotContains(t, after, "other.txt")
}

func TestTreeCopiesDirectoriesOnly(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "s"), filepath.Join(root, "d")
	write(t, filepath.Join(src, "a", "b", "file.txt"), "f")
	write(t, filepath.Join(src, "top.txt"), "f")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	write(t, filepath.Join(dst, "keep.txt"), "mine")
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Tree: true})
	require.NoError(t, err)
	for _, it := range p.Items {
		assert.True(t, it.Dir, it.Name)
	}
	execute(t, p, Approval{})
	after := snapshot(t, dst)
	assert.Contains(t, after, "a/b")
	assert.NotContains(t, after, "a/b/file.txt")
	assert.NotContains(t, after, "top.txt")
	assert.Contains(t, after, "keep.txt")
}

func TestFailedDryRunGivesNoPlan(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "f"), "x")
	notDir := filepath.Join(t.TempDir(), "file")
	write(t, notDir, "a file where the destination directory should be")
	_, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: notDir})
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.Code)
	assert.Contains(t, err.Error(), "dry run failed with exit status 3")
	assert.Contains(t, err.Error(), "Not a directory")

	_, err = Make(context.Background(), &Runner{}, Job{SrcDir: filepath.Join(src, "nope"), DstDir: src})
	assert.ErrorIs(t, err, ErrSourceMissing)

	_, err = Make(context.Background(), &Runner{Program: "rsync-that-is-not-installed"}, Job{SrcDir: src, DstDir: t.TempDir()})
	assert.ErrorIs(t, err, ErrNoRsync)
}

func TestPlanCountsTheDestination(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	n := len(snapshot(t, dst)) // with the root itself, as rsync counts
	assert.Equal(t, n, p.DstEntries)
	assert.Empty(t, p.Warnings, "the stats block is not a warning")
}

func TestNamesThatArePaths(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "trash"), filepath.Join(root, "loc")
	write(t, filepath.Join(src, "taxes", "a.pdf"), "a")
	write(t, filepath.Join(src, "taxes", "b.pdf"), "b")
	write(t, filepath.Join(src, "top.txt"), "t")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Names: []string{"taxes/a.pdf", "top.txt"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]Class{"taxes": NewDir, "taxes/a.pdf": NewFile, "top.txt": NewFile}, classes(p))
	execute(t, p, Approval{})
	after := snapshot(t, dst)
	assert.Contains(t, after, "taxes/a.pdf")
	assert.NotContains(t, after, "taxes/b.pdf", "only the named path")
	assert.Contains(t, after, "top.txt")
}

func TestOverwrites(t *testing.T) {
	for _, c := range []struct {
		name   string
		totals map[Class]int
		want   int
	}{
		{"an empty plan", nil, 0},
		{"nothing destructive", map[Class]int{NewFile: 3, NewDir: 2, NewLink: 1, Meta: 4}, 0},
		{"deletions are not overwrites", map[Class]int{Deleted: 5}, 0},
		{"modified files", map[Class]int{Modified: 2}, 2},
		{"type changes", map[Class]int{Replaced: 3}, 3},
		{"both, among the rest", map[Class]int{NewFile: 1, Modified: 2, Replaced: 3, Deleted: 4, Meta: 5}, 5},
	} {
		var p Plan
		for class, n := range c.totals {
			p.Totals[class] = Total{Count: n, Bytes: int64(10 * n)}
		}
		assert.Equal(t, c.want, p.Overwrites(), c.name)
	}
}

func TestOnlyInDstIsToldNeverDeleted(t *testing.T) {
	src, dst := everyChange(t)
	write(t, filepath.Join(dst, "odd", "old\xffname"), "only here")
	before := snapshot(t, dst)
	j := Job{SrcDir: src, DstDir: dst, OnlyInDst: true}
	assert.Contains(t, PlanArgs(j, nil, nil), "--delete", "the dry run finds them")
	for _, parts := range []int{1, 2} { // one dry run, and parts at the same time
		func() {
			defer func(n int) { planParts = n }(planParts)
			planParts = parts
			p, err := Make(context.Background(), &Runner{}, j)
			require.NoError(t, err)
			var only []string
			for _, it := range p.OnlyInDst {
				assert.Equal(t, Deleted, it.Class)
				only = append(only, it.Name)
			}
			assert.ElementsMatch(t, []string{"gone\nfile.txt", "gonedir", "gonedir/inner.txt", "odd/old\xffname"}, only,
				"what d2f held goes with its type change")
			assert.False(t, p.Has(Deleted), "nothing to delete")
			assert.NotContains(t, classes(p), "gonedir")
			assert.Equal(t, Replaced, classes(p)["d2f/inside.txt"])
			plain, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
			require.NoError(t, err)
			assert.Equal(t, plain.Totals, p.Totals, "what a type change destroys is still sized")
			assert.NotZero(t, p.Totals[Replaced].Bytes)
			assert.Equal(t, len(before), p.DstEntries, "entries only in the destination count")

			steps, err := p.Steps(Approval{Overwrite: true, Delete: true}, t.TempDir())
			require.NoError(t, err)
			for _, s := range steps {
				assert.NotEqual(t, "delete", s.Name)
				for _, a := range s.Args {
					assert.NotContains(t, []string{"--delete", "--delete-missing-args", "--delete-after", "--del"}, a, s.Name)
				}
			}
		}()
	}
	p, err := Make(context.Background(), &Runner{}, j)
	require.NoError(t, err)
	execute(t, p, Approval{Overwrite: true, Delete: true})
	after := snapshot(t, dst)
	for _, n := range []string{"gone\nfile.txt", "gonedir/inner.txt", "odd/old\xffname"} {
		assert.Equal(t, before[n], after[n], "%q is still there", n)
	}
	assert.Contains(t, after, "newdir/sub/deep.txt", "the rest was copied")

	p, err = Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	assert.Empty(t, p.OnlyInDst, "only when the job asks")
}
