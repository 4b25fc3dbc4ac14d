package rsyncplan

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	require.NoError(t, p.Execute(context.Background(), &Runner{Program: script}, steps, &done))
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
