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
