package rsyncplan

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var oddNames = []string{"space name", "new\nline", "tab\there", `back\slash`, "-leading-dash", "--delete",
	"caf\u00e9 \u65e5\u672c", "latin1-\xe9", "lone-\xff", `literal\#012esc`, `quote'"`, "star*?[", " lead-and-trail ", "arrow -> x"}

func write(t *testing.T, p, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

// everyChange builds a source and a destination that differ in every way a plan knows.
func everyChange(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "src"), filepath.Join(root, "dst")
	for _, n := range oddNames {
		write(t, filepath.Join(src, "odd", n), "new")
	}
	write(t, filepath.Join(src, "mod.txt"), "new content")
	write(t, filepath.Join(dst, "mod.txt"), "old")
	write(t, filepath.Join(src, "same.txt"), "same")
	write(t, filepath.Join(dst, "same.txt"), "same")
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(src, "same.txt"), old, old))
	require.NoError(t, os.Chtimes(filepath.Join(dst, "same.txt"), old, old))
	require.NoError(t, os.Chmod(filepath.Join(dst, "same.txt"), 0o600))
	write(t, filepath.Join(dst, "gone\nfile.txt"), "bye")
	write(t, filepath.Join(dst, "gonedir", "inner.txt"), "bye2")
	write(t, filepath.Join(src, "f2d", "inside.txt"), "i")
	write(t, filepath.Join(dst, "f2d"), "was a file")
	write(t, filepath.Join(src, "d2f"), "now a file")
	write(t, filepath.Join(dst, "d2f", "inside.txt"), "was in dir")
	require.NoError(t, os.Symlink("same.txt", filepath.Join(src, "newlink")))
	require.NoError(t, os.Symlink("same.txt", filepath.Join(src, "chglink")))
	require.NoError(t, os.Symlink("mod.txt", filepath.Join(dst, "chglink")))
	write(t, filepath.Join(src, "newdir", "sub", "deep.txt"), "deep")
	return src, dst
}

// snapshot describes every entry below dir: type, content or link target, and mode.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			require.NoError(t, err)
			out[rel] = "link:" + target
		case fi.IsDir():
			out[rel] = fmt.Sprintf("dir:%v", fi.Mode().Perm())
		default:
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			out[rel] = fmt.Sprintf("file:%v:%s:%d", fi.Mode().Perm(), b, fi.ModTime().Unix())
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func classes(p *Plan) map[string]Class {
	m := map[string]Class{}
	for _, it := range p.Items {
		m[it.Name] = it.Class
	}
	return m
}

func execute(t *testing.T, p *Plan, a Approval) Done {
	t.Helper()
	return executeWith(t, &Runner{}, p, a)
}

// executeWith runs every step of the approved plan with r.
func executeWith(t *testing.T, r *Runner, p *Plan, a Approval) Done {
	t.Helper()
	steps, err := p.Steps(a, t.TempDir())
	require.NoError(t, err)
	var done Done
	require.NoError(t, p.Execute(context.Background(), r, steps, nil, &done))
	return done
}

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

func TestExecuteOnlyWhatWasPlanned(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	// Changes between planning and execution.
	write(t, filepath.Join(src, "late.txt"), "late")
	write(t, filepath.Join(src, "newdir", "late.txt"), "late")
	write(t, filepath.Join(dst, "gonedir", "late.txt"), "appeared in the destination")
	done := execute(t, p, Approval{Overwrite: true, Delete: true})

	after := snapshot(t, dst)
	assert.NotContains(t, after, "late.txt")
	assert.NotContains(t, after, "newdir/late.txt")
	assert.Contains(t, after, "gonedir/late.txt", "a file that appeared in a directory to delete is kept")
	assert.Contains(t, after, "gonedir/inner.txt")
	assert.Equal(t, []string{"gonedir"}, done.Kept)
	assert.NotContains(t, after, "gone\nfile.txt", "the other deletions are done")
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

func TestArgs(t *testing.T) {
	assert.Equal(t, []string{"-n", "-a", "--force", "--stats", "--no-human-readable", outFormat, "--", "/s/", "/d/"}, PlanArgs(Job{SrcDir: "/s", DstDir: "/d"}, nil, nil))
	assert.Equal(t, []string{"-n", "-a", "--force", "--stats", "--no-human-readable", outFormat, "--delete", "--delete-missing-args", "--", "/s/-x", "/s/y", "/d/"},
		PlanArgs(Job{SrcDir: "/s", DstDir: "/d", Names: []string{"-x", "y"}, Delete: true}, []string{"-x"}, []string{"y"}))
	assert.Equal(t, []string{"-n", "-a", "--force", "--stats", "--no-human-readable", outFormat, "--include=*/", "--exclude=*", "--", "/s/a", "/d/"},
		PlanArgs(Job{SrcDir: "/s", DstDir: "/d", Names: []string{"a"}, Tree: true}, []string{"a"}, nil))

	defer func(n int) { planParts = n }(planParts)
	planParts = 1 // one part: a delete run, then a copy run
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true, Delete: true}, t.TempDir())
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(steps), 2)
	assert.Equal(t, "delete", steps[0].Name)
	assert.Equal(t, "copy", steps[1].Name)
	for _, s := range steps {
		for _, a := range s.Args {
			assert.NotContains(t, []string{"-r", "--recursive", "--delete", "--partial", "-P"}, a, s.Name)
		}
		assert.Equal(t, "--", s.Args[len(s.Args)-3], "roots come after --")
	}
	assert.Contains(t, steps[0].Args, "--max-delete=3", "the deletion below the replaced d2f is the copy run's")
	assert.Contains(t, steps[1].Args, "--force", "replacing the directory d2f needs --force")
	list, err := os.ReadFile(steps[0].List)
	require.NoError(t, err)
	tops := slices.Sorted(slices.Values(splitNUL(list)))
	assert.Equal(t, []string{"gone\nfile.txt", "gonedir"}, tops, "only top-most deletions, none below a replaced entry")
}

func splitNUL(b []byte) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	return out
}

func TestQuoteRoundTripsThroughBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	args := append([]string{"plain", "--out-format=::RS:: %i", ""}, oddNames...)
	out, err := exec.Command(bash, "-c", `printf '%s\0' `+Quote(args)).Output()
	require.NoError(t, err)
	assert.Equal(t, args, splitNUL(out))
}

func TestRunnerReportsExitAndMessage(t *testing.T) {
	res, err := (&Runner{}).Run(context.Background(), []string{"-a", "--", "/nonexistent-src/", t.TempDir()}, func([]byte) {})
	require.NoError(t, err)
	assert.Equal(t, 23, res.Code)
	e := &Error{Step: "copy", Code: res.Code, Stderr: res.Stderr}
	assert.Contains(t, e.Error(), "rsync copy failed with exit status 23 (some files could not be transferred)")
	assert.Contains(t, e.Error(), "nonexistent-src")
}

func TestPlanCountsTheDestination(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	n := len(snapshot(t, dst)) // with the root itself, as rsync counts
	assert.Equal(t, n, p.DstEntries)
	assert.Empty(t, p.Warnings, "the stats block is not a warning")
}

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

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
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

// bigNewTree makes a source with two new directories of many files each and a destination
// that has neither.
func bigNewTree(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "s"), filepath.Join(root, "d")
	for i := 0; i < 300; i++ {
		write(t, filepath.Join(src, "new1", fmt.Sprintf("sub%d", i%7), fmt.Sprintf("f%d", i)), "x")
		write(t, filepath.Join(src, "new2", fmt.Sprintf("g%d", i)), "y")
	}
	require.NoError(t, os.Symlink("f0", filepath.Join(src, "new1", "sub0", "link")))
	write(t, filepath.Join(src, "old", "kept.txt"), "k")
	write(t, filepath.Join(dst, "old", "kept.txt"), "k")
	return src, dst
}

func TestNewTreesAreCopiedRecursivelyAndExactly(t *testing.T) {
	src, dst := bigNewTree(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	var names []string
	for _, s := range steps {
		names = append(names, s.Name)
	}
	require.Contains(t, names, "newdirs")
	done := execute(t, p, Approval{})
	// Counted from rsync's --stats, not from a line per file.
	assert.Equal(t, 600, done.Files)
	assert.Equal(t, int64(600), done.Bytes)
	assert.Equal(t, 9, done.Dirs, "new1, its 7 subdirectories, new2")
	assert.Equal(t, 1, done.Links)
	assert.Empty(t, done.Warnings, "the stats block is not a warning")
	assert.Equal(t, snapshot(t, src), snapshot(t, dst))
}

func TestNewTreeThatChangedAfterPlanningIsCopiedAsPlanned(t *testing.T) {
	src, dst := bigNewTree(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	write(t, filepath.Join(src, "new1", "sub3", "late.txt"), "appeared after planning")
	execute(t, p, Approval{})
	after := snapshot(t, dst)
	assert.NotContains(t, after, "new1/sub3/late.txt", "not copied: it was not in the plan")
	assert.Contains(t, after, "new1/sub3/f3")
	assert.Contains(t, after, "new2/g299", "the unchanged new tree is copied too")
	assert.Len(t, after, len(snapshot(t, src))-1, "everything but late.txt, as planned")
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

func TestNewTreeRunNeverOverwrites(t *testing.T) {
	src, dst := bigNewTree(t)
	job := Job{SrcDir: src, DstDir: dst, Trash: filepath.Join(dst, ".micsync-trash", "T")}
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true}, t.TempDir())
	require.NoError(t, err)
	i := slices.IndexFunc(steps, func(s Step) bool { return s.Name == "newdirs" })
	require.GreaterOrEqual(t, i, 0)
	assert.Contains(t, steps[i].Args, "--ignore-existing")
	assert.NotContains(t, steps[i].Args, "--backup", "nothing to keep, and it is slow")

	// A file that appears in the destination after the check, right before rsync starts.
	late := filepath.Join(dst, "new1", "sub3", "f3")
	script := filepath.Join(t.TempDir(), "rsync")
	write(t, script, fmt.Sprintf("#!/bin/sh\ncase \" $* \" in *\" --recursive \"*) mkdir -p %q && echo mine > %q;; esac\nexec rsync \"$@\"\n",
		filepath.Dir(late), late))
	require.NoError(t, os.Chmod(script, 0o755))
	done := executeWith(t, &Runner{Program: script}, p, Approval{Overwrite: true})
	assert.Equal(t, "mine\n", readFile(t, late), "never overwritten")
	assert.Equal(t, 599, done.Files, "everything else is copied")
	assert.Equal(t, "x", readFile(t, filepath.Join(dst, "new1", "sub4", "f4")))
}

// TestSplitPlanEqualsOneDryRun plans the same job with one dry run and with a dry run per group
// of directories, which must find exactly the same changes and count the same.
func TestSplitPlanEqualsOneDryRun(t *testing.T) {
	names := []string{"odd", "mod.txt", "newdir", "d2f", "f2d", "gonedir", "in both"}
	for _, tc := range []struct {
		job  Job
		runs int
		top  bool // the tree is below one directory "top" of the roots
	}{
		{Job{Delete: true}, 4, false}, // the rest and three groups
		{Job{}, 4, false},
		{Job{Tree: true, Delete: true}, 4, false},
		{Job{Names: names, Delete: true}, 3, false}, // three groups, the first with the files and gonedir
		{Job{Names: names}, 3, false},
		{Job{Names: []string{"top"}, Delete: true}, 4, true}, // one named directory: the rest and three groups below it
		{Job{Names: []string{"top"}, Tree: true}, 4, true},
		{Job{Delete: true}, 4, true}, // a location that holds one directory
	} {
		job := tc.job
		t.Run(fmt.Sprintf("delete=%v tree=%v names=%v top=%v", job.Delete, job.Tree, job.Names != nil, tc.top), func(t *testing.T) {
			src, dst := everyChange(t)
			write(t, filepath.Join(src, "in both", "mod.txt"), "new")
			write(t, filepath.Join(dst, "in both", "mod.txt"), "older")
			write(t, filepath.Join(dst, "in both", "sub", "extra.txt"), "extra")
			write(t, filepath.Join(src, "star*?[", "f"), "f")
			write(t, filepath.Join(dst, "star*?[", "g"), "g")
			write(t, filepath.Join(src, ".micsync-trash", "x"), "x")
			write(t, filepath.Join(dst, ".micsync-trash", "y"), "y")
			require.NoError(t, os.Symlink("odd", filepath.Join(src, "linkdir")))
			job.SrcDir, job.DstDir = src, dst
			// As for every job in a location's root: micsync's own files there are not synced.
			job.Exclude = []string{"/.micsync-trash/", "/.micsync-location"}
			sub := ""
			if tc.top {
				job.SrcDir, job.DstDir = filepath.Join(t.TempDir(), "s"), filepath.Join(t.TempDir(), "d")
				require.NoError(t, os.Mkdir(job.SrcDir, 0o755))
				require.NoError(t, os.Mkdir(job.DstDir, 0o755))
				require.NoError(t, os.Rename(src, filepath.Join(job.SrcDir, "top")))
				require.NoError(t, os.Rename(dst, filepath.Join(job.DstDir, "top")))
				sub = "top"
			}

			defer func(n int) { planParts = n }(planParts)
			planParts = 1
			var runs atomic.Int32
			r := &Runner{Trace: func(string) { runs.Add(1) }}
			one, err := Make(context.Background(), r, job)
			require.NoError(t, err)
			require.EqualValues(t, 1, runs.Load())

			planParts = 3
			if job.Names == nil && !tc.top {
				assert.Equal(t, [][]string{{"f2d", "in both"}, {"newdir"}, {"odd"}}, topGroups(job, ""),
					"directories only, no pattern characters, nothing excluded")
			}
			if sub != "" {
				assert.Equal(t, [][]string{{".micsync-trash", "f2d"}, {"in both", "newdir"}, {"odd"}}, topGroups(job, sub),
					"the job's excludes are for the top level, not below the named directory")
			}
			runs.Store(0)
			split, err := Make(context.Background(), r, job)
			require.NoError(t, err)
			assert.EqualValues(t, tc.runs, runs.Load())

			byName := func(a, b Item) int { return strings.Compare(a.Name, b.Name) }
			slices.SortFunc(one.Items, byName)
			slices.SortFunc(split.Items, byName)
			assert.NotEmpty(t, one.Items)
			assert.Equal(t, one.Items, split.Items)
			assert.Equal(t, one.Totals, split.Totals)
			assert.Positive(t, one.DstEntries)
			assert.Equal(t, one.DstEntries, split.DstEntries)
			assert.Equal(t, one.Missing, split.Missing)
			assert.ElementsMatch(t, one.Warnings, split.Warnings)

			if sub != "" {
				found, err := r.Stat(context.Background(), job.SrcDir, job.Names)
				require.NoError(t, err)
				require.Len(t, dryRunArgs(job, found, job.Names, nil), 4)
				write(t, filepath.Join(job.SrcDir, "top.txt"), "files beside the directory do not matter")
				require.Len(t, dryRunArgs(job, found, job.Names, nil), 4)
				require.NoError(t, os.Rename(filepath.Join(job.DstDir, sub), filepath.Join(job.DstDir, "elsewhere")))
				assert.Len(t, dryRunArgs(job, found, job.Names, nil), 1, "a directory new to the destination is planned whole")
			}
		})
	}
}

func TestSplitPlanFailsWhenOneDryRunFails(t *testing.T) {
	src, dst := everyChange(t)
	// This rsync fails the dry run of the group that holds odd/ and runs the others.
	script := filepath.Join(t.TempDir(), "rsync")
	write(t, script, "#!/bin/sh\nfor a; do case \"$a\" in */odd) echo 'rsync: odd: Input/output error' >&2; exit 23;; esac; done\nexec rsync \"$@\"\n")
	require.NoError(t, os.Chmod(script, 0o755))
	defer func(n int) { planParts = n }(planParts)
	planParts = 2
	require.Len(t, topGroups(Job{SrcDir: src, DstDir: dst}, ""), 2)

	p, err := Make(context.Background(), &Runner{Program: script}, Job{SrcDir: src, DstDir: dst, Delete: true})
	assert.Nil(t, p)
	var re *Error
	require.ErrorAs(t, err, &re, "the failure, not that the other runs were stopped")
	assert.Equal(t, 23, re.Code)
	assert.Contains(t, err.Error(), "odd: Input/output error")
}

// TestPartsRunAtOnceAndDoExactlyThePlan executes a plan whose changes are spread over several
// top-level directories: the parts run at the same time, touch different top-level entries,
// and leave the destination equal to the source, directory times included.
func TestPartsRunAtOnceAndDoExactlyThePlan(t *testing.T) {
	for _, tc := range []struct {
		name  string
		below string // the directory that holds the changes, "" for the root
		names bool   // the job names that directory
	}{
		{"a location", "", false},
		{"a location that holds one directory", "top", false},
		{"one named directory", "top", true},
	} {
		t.Run(tc.name, func(t *testing.T) { partsRunAtOnce(t, tc.below, tc.names) })
	}
}

func partsRunAtOnce(t *testing.T, below string, names bool) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	in := func(dir string, elem ...string) string {
		return filepath.Join(append([]string{dir, below}, elem...)...)
	}
	for i := range 300 {
		write(t, in(src, "a", "new", fmt.Sprintf("sub%d", i%7), fmt.Sprintf("f%d", i)), "x")
	}
	write(t, in(src, "a", "mod.txt"), "new a")
	write(t, in(dst, "a", "mod.txt"), "old")
	write(t, in(src, "b", "new.txt"), "new b")
	write(t, in(dst, "b", "gone.txt"), "gone b")
	write(t, in(dst, "b", "gonedir", "x"), "gone x")
	write(t, in(src, "c", "mod.txt"), "new c")
	write(t, in(dst, "c", "mod.txt"), "older c")
	write(t, in(dst, "c", "extra"), "extra c")
	write(t, in(src, "root.txt"), "root")
	write(t, in(dst, "rootgone.txt"), "rootgone")
	trash := filepath.Join(dst, ".micsync-trash", "stamp")
	job := Job{SrcDir: src, DstDir: dst, Delete: true, Trash: trash, Exclude: []string{"/.micsync-trash/"}}
	if names {
		job.Names = []string{below}
	}

	defer func(n int) { planParts = n }(planParts)
	planParts = 3
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true, Delete: true}, t.TempDir())
	require.NoError(t, err)
	owner := map[string]int{} // top-level name below the directory: its part
	var after []string        // the steps after the parts
	for _, s := range steps {
		if s.Part == 0 {
			after = append(after, s.Name)
			continue
		}
		require.Empty(t, after, "the parts come first")
		b, err := os.ReadFile(s.List)
		require.NoError(t, err)
		for _, n := range splitNUL(b) {
			rel, ok := strings.CutPrefix(n, below+"/")
			require.True(t, ok || below == "", "%s is the directory itself, in a part", n)
			if part, ok := owner[topName(rel)]; ok {
				assert.Equal(t, part, s.Part, "%s is in two parts", n)
			}
			owner[topName(rel)] = s.Part
		}
	}
	switch {
	case below == "":
		assert.Equal(t, []string{"root"}, after)
	case names:
		assert.Equal(t, []string{"directory"}, after, "the directory's attributes")
	default:
		assert.Equal(t, []string{"directory", "root"}, after)
	}
	assert.Len(t, slices.Compact(slices.Sorted(maps.Values(owner))), 3)

	// This rsync makes the first run of each part wait until another part has started. It
	// notes a run that would create the trash's root: rsync fails to keep a file when two runs
	// create the same directory at once.
	started, notes := t.TempDir(), t.TempDir()
	script := filepath.Join(t.TempDir(), "rsync")
	write(t, script, fmt.Sprintf(`#!/bin/sh
[ -d %[2]q ] || touch %[3]q/no-trash-root
for a; do case "$a" in --files-from=*) part=${a##*-}; part=${part%%.list};; esac; done
if [ -n "$part" ] && [ ! -e %[1]q/part$part ]; then
	touch %[1]q/part$part
	i=0
	while [ $(ls %[1]q | wc -l) -lt 2 ]; do
		i=$((i+1)); if [ $i -gt 100 ]; then touch %[1]q/alone; break; fi
		sleep 0.05
	done
fi
exec rsync "$@"
`, started, trash, notes))
	require.NoError(t, os.Chmod(script, 0o755))
	var done Done
	require.NoError(t, p.Execute(context.Background(), &Runner{Program: script}, steps, nil, &done))
	assert.NoFileExists(t, filepath.Join(started, "alone"), "a part ran alone")
	assert.NoFileExists(t, filepath.Join(notes, "no-trash-root"), "the trash's root is made before the parts run")

	assert.Equal(t, 300+4, done.Files)
	assert.Equal(t, 5, done.Deleted, "b/gone.txt, b/gonedir/x, b/gonedir, c/extra, rootgone.txt")
	assert.Equal(t, "old", readFile(t, in(trash, "a", "mod.txt")))
	assert.Equal(t, "older c", readFile(t, in(trash, "c", "mod.txt")))
	assert.Equal(t, "gone x", readFile(t, in(trash, "b", "gonedir", "x")))
	assert.Equal(t, "rootgone", readFile(t, in(trash, "rootgone.txt")))
	again, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	assert.Empty(t, again.Items, "directory times too")
	require.NoError(t, os.RemoveAll(filepath.Join(dst, ".micsync-trash")))
	assert.Equal(t, snapshot(t, src), snapshot(t, dst))
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

func TestManyTopLevelDirectoriesAreNotSplit(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	for i := range maxSplitDirs {
		require.NoError(t, os.Mkdir(filepath.Join(src, fmt.Sprintf("d%d", i)), 0o755))
	}
	defer func(n int) { planParts = n }(planParts)
	planParts = 2
	assert.Len(t, topGroups(Job{SrcDir: src, DstDir: dst}, ""), 2)
	require.NoError(t, os.Mkdir(filepath.Join(src, "one-more"), 0o755))
	assert.Nil(t, topGroups(Job{SrcDir: src, DstDir: dst}, ""), "as many names as that would make long command lines")

	long := t.TempDir()
	for i := range 3 {
		require.NoError(t, os.Mkdir(filepath.Join(long, fmt.Sprintf("%0200d", i)), 0o755))
	}
	assert.Len(t, topGroups(Job{SrcDir: long, DstDir: dst}, ""), 2)
	for i := 3; i < 700; i++ {
		require.NoError(t, os.Mkdir(filepath.Join(long, fmt.Sprintf("%0200d", i)), 0o755))
	}
	assert.Nil(t, topGroups(Job{SrcDir: long, DstDir: dst}, ""), "700 names of 200 bytes, twice, are over the limit")
}

// lineRecorder records each Write it gets.
type lineRecorder struct {
	mu     sync.Mutex
	writes []string
}

func (l *lineRecorder) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, string(b))
	return len(b), nil
}

func TestStderrGetsWholeLinesFromRunsAtOnce(t *testing.T) {
	// This rsync writes each message in pieces, and its last one without a newline.
	script := filepath.Join(t.TempDir(), "rsync")
	write(t, script, "#!/bin/sh\nfor i in $(seq 200); do printf 'run %s line %s' \"$1\" $i >&2; printf ' end\\n' >&2; done\nprintf 'run %s last' \"$1\" >&2\n")
	require.NoError(t, os.Chmod(script, 0o755))
	var rec lineRecorder
	r := &Runner{Program: script, Stderr: &rec}
	var wg sync.WaitGroup
	for _, run := range []string{"A", "B"} {
		wg.Go(func() {
			_, err := r.Run(context.Background(), []string{run}, func([]byte) {})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	want := map[string]bool{}
	for _, run := range []string{"A", "B"} {
		for i := 1; i <= 200; i++ {
			want[fmt.Sprintf("run %s line %d end\n", run, i)] = true
		}
		want["run "+run+" last\n"] = true
	}
	got := map[string]bool{}
	for _, w := range rec.writes {
		assert.True(t, want[w], "not one whole line: %q", w)
		got[w] = true
	}
	assert.Len(t, got, len(want))
}
