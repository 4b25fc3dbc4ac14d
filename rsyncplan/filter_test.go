package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ignoreRules = []string{"- *.tmp", "dir-merge,- .micsyncignore"}

func TestFilterRulesComeAfterTheExcludesInEveryRun(t *testing.T) {
	j := Job{SrcDir: "/s", DstDir: "/d", Exclude: []string{"/.micsync-trash/"}, Filter: ignoreRules}
	assert.Equal(t, []string{"-n", "-a", "--force", "--stats", "--no-human-readable", outFormat,
		"--exclude=/.micsync-trash/", "--filter=- *.tmp", "--filter=dir-merge,- .micsyncignore", "--", "/s/", "/d/"},
		PlanArgs(j, nil, nil))

	j.Tree = true
	args := PlanArgs(j, nil, nil)
	assert.Less(t, slices.Index(args, "--filter=- *.tmp"), slices.Index(args, "--include=*/"), "the tree's own filter comes last")

	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true, Filter: ignoreRules, Trash: t.TempDir()})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true, Delete: true}, t.TempDir())
	require.NoError(t, err)
	require.NotEmpty(t, steps)
	for _, s := range steps {
		if s.Name == "root" {
			continue // --exclude=* leaves the rules nothing to match
		}
		assert.Contains(t, s.Args, "--filter=- *.tmp", s.Name)
		assert.Contains(t, s.Args, "--filter=dir-merge,- .micsyncignore", s.Name)
	}
}

func TestDirMergeRules(t *testing.T) {
	for rule, want := range map[string][2]string{
		"dir-merge,- .micsyncignore": {",-", ".micsyncignore"},
		":- .gitignore":              {",-", ".gitignore"},
		"dir-merge .rules":           {"", ".rules"},
	} {
		mods, name, ok := dirMerge(rule)
		assert.True(t, ok, rule)
		assert.Equal(t, want, [2]string{mods, name}, rule)
	}
	for _, rule := range []string{"- *.tmp", "merge /etc/rules", "dir-merge", "+ */"} {
		_, _, ok := dirMerge(rule)
		assert.False(t, ok, rule)
	}
}

// filteredTree makes a source and a destination where the rules leave out entries on both sides.
func filteredTree(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "s"), filepath.Join(root, "d")
	write(t, filepath.Join(src, "keep.txt"), "k")
	write(t, filepath.Join(src, "scratch.tmp"), "left out by a rule")
	write(t, filepath.Join(src, "sub", ".micsyncignore"), "*.log\n# a comment\ncache/\n")
	write(t, filepath.Join(src, "sub", "a.txt"), "a")
	write(t, filepath.Join(src, "sub", "run.log"), "left out by the ignore file")
	write(t, filepath.Join(src, "sub", "cache", "big"), "left out by the ignore file")
	write(t, filepath.Join(src, "other", "run.log"), "the ignore file is for sub only")
	write(t, filepath.Join(dst, "old.tmp"), "excluded in the destination")
	write(t, filepath.Join(dst, "gone", "x.tmp"), "excluded, in a directory the source lacks")
	write(t, filepath.Join(dst, "gone", "y.txt"), "to delete")
	write(t, filepath.Join(dst, "sub", "old.log"), "excluded by the source's ignore file")
	write(t, filepath.Join(dst, "sub", "stale.txt"), "to delete once the ignore file is there")
	write(t, filepath.Join(src, "keptdir", "a"), "a")
	write(t, filepath.Join(dst, "keptdir", "a"), "a")
	write(t, filepath.Join(dst, "keptdir", "x.tmp"), "excluded")
	write(t, filepath.Join(dst, "keptdir", "y.txt"), "to delete")
	return src, dst
}

func TestFilteredEntriesAreNeitherCopiedNorDeleted(t *testing.T) {
	src, dst := filteredTree(t)
	trash := filepath.Join(t.TempDir(), "T")
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true, Filter: ignoreRules, Trash: trash})
	require.NoError(t, err)
	got := classes(p)
	delete(got, ".")
	assert.Equal(t, map[string]Class{
		"keep.txt": NewFile, "sub/.micsyncignore": NewFile, "sub/a.txt": NewFile,
		"other": NewDir, "other/run.log": NewFile, "keptdir/y.txt": Deleted,
	}, got, "gone and keptdir hold excluded files: rsync keeps them, and the plan does not count them as deleted")
	assert.Equal(t, 1, p.Totals[Deleted].Count)
	assert.Equal(t, []string{"gone"}, p.Held)
	assert.Equal(t, []string{"sub"}, p.Deferred)
	assert.Empty(t, p.Warnings, "a directory kept for what it holds is no rsync warning")

	done := execute(t, p, Approval{Delete: true, Overwrite: true})
	assert.Empty(t, done.Warnings)
	assert.NoFileExists(t, filepath.Join(dst, "scratch.tmp"))
	assert.NoFileExists(t, filepath.Join(dst, "sub", "run.log"))
	assert.NoDirExists(t, filepath.Join(dst, "sub", "cache"))
	assert.FileExists(t, filepath.Join(dst, "other", "run.log"))
	assert.FileExists(t, filepath.Join(dst, "old.tmp"))
	assert.FileExists(t, filepath.Join(dst, "gone", "x.tmp"))
	assert.FileExists(t, filepath.Join(dst, "sub", "old.log"))
	assert.FileExists(t, filepath.Join(dst, "gone", "y.txt"))
	assert.FileExists(t, filepath.Join(dst, "keptdir", "x.tmp"))
	assert.NoFileExists(t, filepath.Join(dst, "keptdir", "y.txt"))
	assert.FileExists(t, filepath.Join(trash, "keptdir", "y.txt"), "the deleted file is kept")
	assert.NoFileExists(t, filepath.Join(trash, "keptdir", "x.tmp"), "the trash gets nothing excluded")

	// With the ignore file in place, the next run deletes what it does not leave out.
	write(t, filepath.Join(dst, "sub", "stale.txt"), "to delete")
	again, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true, Filter: ignoreRules})
	require.NoError(t, err)
	assert.Equal(t, map[string]Class{"sub/stale.txt": Deleted}, classes(again))
}

func TestANewTreeIsCopiedWithoutWhatItsIgnoreFilesLeaveOut(t *testing.T) {
	src, dst := bigNewTree(t)
	write(t, filepath.Join(src, "new1", ".micsyncignore"), "f1*\n")
	write(t, filepath.Join(src, "new2", "sub", ".micsyncignore"), "*.o\n")
	write(t, filepath.Join(src, "new2", "sub", "x.o"), "o")
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Filter: ignoreRules})
	require.NoError(t, err)
	for _, it := range p.Items {
		assert.False(t, strings.HasPrefix(filepath.Base(it.Name), "f1"), it.Name)
	}
	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(steps, func(s Step) bool { return s.Name == "newdirs" }),
		"new trees get their recursive run; the check before it finds what the rules leave out")
	done := execute(t, p, Approval{})
	assert.Equal(t, 300-111+1+300+1, done.Files, "new1 without its 111 f1* files, new2 without x.o, both with their ignore file")
	assert.FileExists(t, filepath.Join(dst, "new1", "sub0", "f0"))
	assert.NoFileExists(t, filepath.Join(dst, "new1", "sub3", "f10"))
	assert.NoFileExists(t, filepath.Join(dst, "new2", "sub", "x.o"))
	again, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Filter: ignoreRules})
	require.NoError(t, err)
	assert.Empty(t, again.Items)
}

func TestNamesReadTheIgnoreFileOfTheirDirectory(t *testing.T) {
	src, dst := filteredTree(t)
	write(t, filepath.Join(src, ".micsyncignore"), "/sub/a.txt\nkeep.txt\n")
	for _, names := range [][]string{{"sub", "keep.txt"}, {"sub/a.txt", "sub/run.log"}} {
		p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Names: names, Filter: ignoreRules})
		require.NoError(t, err)
		for _, it := range p.Items {
			assert.NotContains(t, []string{"keep.txt", "sub/a.txt", "sub/run.log"}, it.Name, names)
		}
	}
}

func TestAnExcludedNameOfALinkedFileIsNotCopied(t *testing.T) {
	for _, rules := range [][]string{{"- big2"}, {"dir-merge,- .micsyncignore"}} {
		t.Run(rules[0], func(t *testing.T) {
			src, dst := linkedTree(t)
			write(t, filepath.Join(src, "b", ".micsyncignore"), "big2\n")
			// The file is in the destination already: only its other names are to go there.
			require.NoError(t, os.MkdirAll(filepath.Join(dst, "a"), 0o755))
			job := Job{SrcDir: src, DstDir: dst, HardLinks: true, Filter: rules}
			p, err := Make(context.Background(), &Runner{}, job)
			require.NoError(t, err)
			execute(t, p, Approval{})
			assert.FileExists(t, filepath.Join(dst, "a", "big"))
			assert.FileExists(t, filepath.Join(dst, "c", "sub", "big3"))
			assert.NoFileExists(t, filepath.Join(dst, "b", "big2"))

			// Names of a file that is there already, the excluded one among them.
			require.NoError(t, os.Remove(filepath.Join(dst, "c", "sub", "big3")))
			p, err = Make(context.Background(), &Runner{}, job)
			require.NoError(t, err)
			execute(t, p, Approval{})
			assert.FileExists(t, filepath.Join(dst, "c", "sub", "big3"))
			assert.NoFileExists(t, filepath.Join(dst, "b", "big2"))
		})
	}
}

func TestSplitPlanWithFilterRulesEqualsOneDryRun(t *testing.T) {
	src, dst := filteredTree(t)
	for i := range 3 {
		write(t, filepath.Join(src, fmt.Sprintf("d%d", i), "f.txt"), "f")
		write(t, filepath.Join(src, fmt.Sprintf("d%d", i), "f.tmp"), "f")
		write(t, filepath.Join(dst, fmt.Sprintf("d%d", i), "extra.tmp"), "e")
	}
	write(t, filepath.Join(src, ".micsyncignore"), "/d1/f.txt\nrun.log\n")
	job := Job{SrcDir: src, DstDir: dst, Delete: true, Filter: append(slices.Clone(ignoreRules), "+ */", "+ *.txt", "+ .micsyncignore", "- *")}
	one, split, runs := planOnceAndInParts(t, job)
	assert.Greater(t, runs, int32(1), "planned in parts")
	assert.Equal(t, classes(one), classes(split))
	assert.NotContains(t, classes(one), "d1/f.txt", "the root's ignore file")
	assert.NotContains(t, classes(one), "other/run.log", "the root's ignore file")
	assert.Contains(t, classes(one), "d0/f.txt")
	assert.NotContains(t, classes(one), "d0/f.tmp")
}

func TestPlanBelowOneDirectoryIsSplitWhenTheRulesHoldThere(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "s"), filepath.Join(root, "d")
	for i := range 3 {
		write(t, filepath.Join(src, "top", fmt.Sprintf("d%d", i), "f.txt"), "f")
		write(t, filepath.Join(src, "top", fmt.Sprintf("d%d", i), "f.tmp"), "f")
		write(t, filepath.Join(src, "top", fmt.Sprintf("d%d", i), "f.log"), "f")
		write(t, filepath.Join(dst, "top", fmt.Sprintf("d%d", i), "extra.tmp"), "e")
		write(t, filepath.Join(dst, "top", fmt.Sprintf("d%d", i), "extra.txt"), "e")
	}
	write(t, filepath.Join(src, "top", ".micsyncignore"), "*.log\n")
	write(t, filepath.Join(src, "top", "d1", ".micsyncignore"), "f.txt\n")
	for _, tc := range []struct {
		rules []string
		split bool
	}{
		{ignoreRules, true},
		{[]string{"dir-merge,- .micsyncignore", "+ */", "+ *.txt", "+ .micsyncignore", "- *"}, true},
		{[]string{"- /top/d0/", "dir-merge,- .micsyncignore"}, false}, // anchored at s, not at s/top
		{[]string{"- d0/f.txt", "dir-merge,- .micsyncignore"}, false},
	} {
		one, split, runs := planOnceAndInParts(t, Job{SrcDir: src, DstDir: dst, Delete: true, Filter: tc.rules})
		assert.Equal(t, tc.split, runs > 1, "%v", tc.rules)
		assert.Equal(t, classes(one), classes(split), "%v", tc.rules)
		assert.NotContains(t, classes(one), "top/d0/f.log", "%v", tc.rules)
		assert.NotContains(t, classes(one), "top/d1/f.txt", "%v", tc.rules)
	}

	// An ignore file in the source directory itself is not read by dry runs below it.
	write(t, filepath.Join(src, ".micsyncignore"), "extra*\n")
	assert.False(t, Job{SrcDir: src, Filter: ignoreRules}.rulesHoldBelow())
}

func TestAnExcludedEntryThatAppearsInADirectoryToDeleteKeepsIt(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "s"), filepath.Join(root, "d")
	write(t, filepath.Join(src, "keep.txt"), "k")
	write(t, filepath.Join(dst, "old", "a.txt"), "a")
	job := Job{SrcDir: src, DstDir: dst, Delete: true, Filter: ignoreRules}
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	require.Equal(t, Deleted, classes(p)["old"])

	write(t, filepath.Join(dst, "old", "late.tmp"), "left out, written after planning")
	done := execute(t, p, Approval{Delete: true})
	assert.Equal(t, []string{"old"}, done.Kept)
	assert.FileExists(t, filepath.Join(dst, "old", "late.tmp"))
	assert.Empty(t, done.Warnings)
}

// planOnceAndInParts plans job with one dry run, then as Make splits it in three parts where it
// can, and returns both plans and how many rsync runs the second took.
func planOnceAndInParts(t *testing.T, job Job) (one, split *Plan, runs int32) {
	t.Helper()
	defer func(n int) { planParts = n }(planParts)
	var n atomic.Int32
	r := &Runner{Trace: func(string) { n.Add(1) }}
	planParts = 1
	one, err := Make(context.Background(), r, job)
	require.NoError(t, err)
	planParts = 3
	n.Store(0)
	split, err = Make(context.Background(), r, job)
	require.NoError(t, err)
	return one, split, n.Load()
}
