package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
)

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

func TestKeepAsksRsyncForWhatTheDiscsKeep(t *testing.T) {
	exfat := disc.Caps{FileMode: 0o777, DirMode: 0o777, TimeStep: time.Second, RenameKeepsTimes: true}
	fat := disc.Caps{FileMode: 0o700, DirMode: 0o700, TimeStep: 2 * time.Second}
	for _, c := range []struct {
		name     string
		dst, src disc.Caps
		want     []string
		fixTimes bool
	}{
		{"ext4 to ext4", disc.Everything, disc.Everything, []string{"--modify-window=-1", "--hard-links"}, false},
		{"to exFAT", exfat, disc.Everything, []string{"--no-perms", "--no-owner", "--no-group", "--chmod=Du=rwx,Dg=rwx,Do=rwx,Fu=rwx,Fg=rwx,Fo=rwx"}, false},
		{"to FAT", fat, disc.Everything, []string{"--modify-window=1", "--no-perms", "--no-owner", "--no-group", "--chmod=Du=rwx,Dg=,Do=,Fu=rwx,Fg=,Fo="}, true},
		{"from exFAT", disc.Everything, exfat, []string{"--no-perms", "--no-owner", "--no-group", "--chmod=Dugo=rwx,Fugo=rw", "--hard-links"}, false},
		{"from FAT", disc.Everything, fat, []string{"--modify-window=1", "--no-perms", "--no-owner", "--no-group", "--chmod=Dugo=rwx,Fugo=rw", "--hard-links"}, false},
		{"to a disc that keeps modes but not owners", func() disc.Caps { c := disc.Everything; c.Owners = false; return c }(), disc.Everything,
			[]string{"--modify-window=-1", "--no-owner", "--no-group", "--hard-links"}, false},
	} {
		var j Job
		j.Keep(c.dst, c.src)
		assert.Equal(t, c.want, j.timeArgs(), c.name)
		assert.Equal(t, c.fixTimes, j.FixTimes, c.name)
	}
}

func TestDeletionsOnlyCopiesNothing(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	p.DeletionsOnly()
	assert.Equal(t, map[string]Class{"gone\nfile.txt": Deleted, "gonedir": Deleted, "gonedir/inner.txt": Deleted}, classes(p),
		"what d2f held goes with its type change, which is not done")
	assert.Equal(t, 3, p.Totals[Deleted].Count)
	assert.Zero(t, p.Overwrites())
	before := snapshot(t, dst)
	steps, err := p.Steps(Approval{Overwrite: true, Delete: true}, t.TempDir())
	require.NoError(t, err)
	for _, s := range steps {
		assert.Contains(t, []string{"delete", "root"}, s.Name)
	}
	execute(t, p, Approval{Overwrite: true, Delete: true})
	after := snapshot(t, dst)
	assert.NotContains(t, after, "gonedir")
	assert.NotContains(t, after, "gone\nfile.txt")
	for _, n := range []string{"mod.txt", "d2f/inside.txt", "f2d", "chglink"} {
		assert.Equal(t, before[n], after[n], n)
	}
	assert.NotContains(t, after, "newdir")
	assert.NotContains(t, after, "odd")
}
