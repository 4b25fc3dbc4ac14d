package rsyncplan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// changingRsync returns an rsync that runs the real one, and after the first run that copies
// from a list, runs change (shell): what a program that writes a file while rsync copies it
// does, as rsync listed the file before.
func changingRsync(t *testing.T, change string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nrsync \"$@\"\nrc=$?\ncase \" $* \" in\n*\" -n \"*) ;;\n*--files-from=*)\n" +
		"\tmkdir " + dir + "/done 2>/dev/null && { " + change + "; } ;;\nesac\nexit $rc\n"
	p := filepath.Join(dir, "rsync")
	require.NoError(t, os.WriteFile(p, []byte(script), 0o755))
	return p
}

// modifiedAndNew makes a source whose a.txt is newer than the destination's and whose b.txt is
// new.
func modifiedAndNew(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "src"), filepath.Join(root, "dst")
	write(t, filepath.Join(src, "a.txt"), "new a")
	write(t, filepath.Join(src, "b.txt"), "b")
	write(t, filepath.Join(dst, "a.txt"), "old a")
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(dst, "a.txt"), old, old))
	return src, dst
}

func TestFilesThatChangedWhileCopiedAreReportedAndCopiedNextTime(t *testing.T) {
	src, dst := modifiedAndNew(t)
	job := Job{SrcDir: src, DstDir: dst}
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	r := &Runner{Program: changingRsync(t, "printf ' and more' >>"+Quote([]string{filepath.Join(src, "a.txt")}))}
	done := executeWith(t, r, p, Approval{Overwrite: true})
	assert.Equal(t, []string{"a.txt"}, done.Changed)
	assert.EqualError(t, done.Incomplete(), "1 file changed during the copy")
	assert.Equal(t, 2, done.Files, "both were copied")

	again, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	assert.Equal(t, map[string]Class{"a.txt": Modified}, classes(again), "the next plan copies it again")
	done = execute(t, again, Approval{Overwrite: true})
	assert.Empty(t, done.Changed)
	assert.NoError(t, done.Incomplete())
	assert.Equal(t, "new a and more", readFile(t, filepath.Join(dst, "a.txt")))
}

func TestAFileGoneFromTheSourceDidNotChange(t *testing.T) {
	src, dst := modifiedAndNew(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	r := &Runner{Program: changingRsync(t, "rm "+Quote([]string{filepath.Join(src, "b.txt")}))}
	done := executeWith(t, r, p, Approval{Overwrite: true})
	assert.Empty(t, done.Changed, "the next plan deletes it or not, as the user says")
}

func TestASecondSaveInTheSameSecondIsSeenWhereTimesAreExact(t *testing.T) {
	for _, exact := range []bool{true, false} {
		src, dst := modifiedAndNew(t)
		saved := time.Unix(1700000000, 100_000_000)
		require.NoError(t, os.Chtimes(filepath.Join(src, "a.txt"), saved, saved))
		job := Job{SrcDir: src, DstDir: dst, ExactTimes: exact}
		p, err := Make(context.Background(), &Runner{}, job)
		require.NoError(t, err)
		a := Quote([]string{filepath.Join(src, "a.txt")})
		// The same size, and the same second.
		r := &Runner{Program: changingRsync(t, "printf 'NEW A' >"+a+"; touch -d @1700000000.7 "+a)}
		done := executeWith(t, r, p, Approval{Overwrite: true})
		if exact {
			assert.Equal(t, []string{"a.txt"}, done.Changed, "nanoseconds tell")
			again, err := Make(context.Background(), &Runner{}, job)
			require.NoError(t, err)
			assert.Equal(t, Modified, classes(again)["a.txt"])
		} else {
			assert.Empty(t, done.Changed, "rsync compares whole seconds then, and so does the check")
		}
	}
}

func TestFilesOfNewTreesThatChangedWhileCopied(t *testing.T) {
	src, dst := bigNewTree(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	require.True(t, hasStep(steps, "newdirs"))
	r := &Runner{Program: changingRsync(t, "printf more >>"+Quote([]string{filepath.Join(src, "new2", "g7")}))}
	done := executeWith(t, r, p, Approval{})
	assert.Equal(t, []string{"new2/g7"}, done.Changed, "a file that the recursive run copied")
}

func TestChangedWhileCopiedOnAnotherHost(t *testing.T) {
	for _, side := range []string{"source", "destination"} {
		t.Run(side, func(t *testing.T) {
			src, dst := modifiedAndNew(t)
			job := Job{SrcDir: src, DstDir: remote(dst)}
			if side == "source" {
				job = Job{SrcDir: remote(src), DstDir: dst}
			}
			p, err := Make(context.Background(), fakeRemote(), job)
			require.NoError(t, err)
			r := fakeRemote()
			r.Program = changingRsync(t, "printf ' and more' >>"+Quote([]string{filepath.Join(src, "a.txt")}))
			var checks []string
			r.Trace = func(cmd string) {
				if strings.Contains(cmd, "--ignore-missing-args") {
					checks = append(checks, cmd)
				}
			}
			done := executeWith(t, r, p, Approval{Overwrite: true})
			assert.Equal(t, []string{"a.txt"}, done.Changed)
			assert.Len(t, checks, 1, "one rsync dry run checks the copied files")
		})
	}
}

func TestSameTimeIsRsyncs(t *testing.T) {
	at := func(sec, nsec int64) time.Time { return time.Unix(sec, nsec) }
	assert.True(t, sameTime(at(10, 1), at(10, 9), 0), "whole seconds by default")
	assert.False(t, sameTime(at(10, 1), at(11, 1), 0))
	assert.False(t, sameTime(at(10, 1), at(10, 9), -1), "nanoseconds with a window below 0")
	assert.True(t, sameTime(at(10, 5), at(10, 5), -1))
	assert.True(t, sameTime(at(10, 0), at(12, 0), 2), "a window of seconds, either way")
	assert.True(t, sameTime(at(12, 0), at(10, 0), 2))
	assert.False(t, sameTime(at(13, 0), at(10, 0), 2))
	assert.Equal(t, -1, Job{ExactTimes: true}.modifyWindow())
	assert.Equal(t, 0, Job{}.modifyWindow())
}
