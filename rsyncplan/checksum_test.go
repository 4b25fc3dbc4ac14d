package rsyncplan

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChecksumIsPassedToThePlanAndTheCopyOnly(t *testing.T) {
	assert.Equal(t, []string{"-n", "-a", "--force", "--stats", "--no-human-readable", outFormat, "--checksum", "--", "/s/", "/d/"},
		PlanArgs(Job{SrcDir: "/s", DstDir: "/d", Checksum: true}, nil, nil))

	src, dst := sameSizeAndTime(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Checksum: true, FixTimes: true})
	require.NoError(t, err)
	steps, err := p.Steps(Approval{Overwrite: true}, t.TempDir())
	require.NoError(t, err)
	for _, s := range steps {
		if s.Name == "copy" {
			assert.Contains(t, s.Args, "--checksum", s.Name)
		} else {
			assert.NotContains(t, s.Args, "--checksum", s.Name)
		}
	}
}

func TestChecksumFindsAndCopiesWhatTheQuickCheckMisses(t *testing.T) {
	src, dst := sameSizeAndTime(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	assert.True(t, p.Empty(), "same size and time: the quick check sees nothing")

	p, err = Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Checksum: true})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, Item{Name: "f.txt", Size: 5, Class: Modified, ContentOnly: true}, p.Items[0])
	execute(t, p, Approval{Overwrite: true})
	assert.Equal(t, "fresh", readFile(t, filepath.Join(dst, "f.txt")))
}

// sameSizeAndTime builds a source and destination whose one file differs in content only.
func sameSizeAndTime(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "src"), filepath.Join(root, "dst")
	write(t, filepath.Join(src, "f.txt"), "fresh")
	write(t, filepath.Join(dst, "f.txt"), "stale")
	when := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, d := range []string{src, dst} {
		require.NoError(t, os.Chtimes(filepath.Join(d, "f.txt"), when, when))
		require.NoError(t, os.Chtimes(d, when, when))
	}
	return src, dst
}

func TestChecksumTellsAChangeOfContentOnlyFromAnEdit(t *testing.T) {
	src, dst := sameSizeAndTime(t)
	write(t, filepath.Join(src, "edited.txt"), "new text")
	write(t, filepath.Join(dst, "edited.txt"), "old text")
	write(t, filepath.Join(src, "longer.txt"), "longer text")
	write(t, filepath.Join(dst, "longer.txt"), "short")
	when := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(dst, "edited.txt"), when, when))
	require.NoError(t, os.Chtimes(filepath.Join(src, "longer.txt"), when, when))
	require.NoError(t, os.Chtimes(filepath.Join(dst, "longer.txt"), when, when))
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Checksum: true})
	require.NoError(t, err)
	only := map[string]bool{}
	for _, it := range p.Items {
		if it.Class == Modified {
			only[it.Name] = it.ContentOnly
		}
	}
	assert.Equal(t, map[string]bool{"f.txt": true, "edited.txt": false, "longer.txt": false}, only)
}

func TestChecksumCountsWhatItCompared(t *testing.T) {
	src, dst := sameSizeAndTime(t)
	write(t, filepath.Join(src, "same.txt"), "same content")
	write(t, filepath.Join(dst, "same.txt"), "same content")
	write(t, filepath.Join(src, "new.txt"), "new")
	var sum atomic.Int64
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Checksum: true, Checked: func(n int64) { sum.Add(n) }})
	require.NoError(t, err)
	assert.Equal(t, int64(5+12+3), sum.Load(), "every file, changed or not")
	var names []string
	for _, it := range p.Items {
		names = append(names, it.Name)
	}
	assert.ElementsMatch(t, []string{"f.txt", "new.txt"}, names, "what is the same is no item")
}

func TestNamesFromAList(t *testing.T) {
	src, dst := sameSizeAndTime(t)
	write(t, filepath.Join(src, "d", "new\nline"), "x")
	write(t, filepath.Join(dst, "d", "new\nline"), "y")
	write(t, filepath.Join(src, "d", "not named"), "z")
	write(t, filepath.Join(dst, "d", "gone"), "only in dst")
	var seen []string
	r := &Runner{Trace: func(line string) { seen = append(seen, line) }}
	p, err := Make(context.Background(), r, Job{SrcDir: src, DstDir: dst, Names: []string{"f.txt", "d/new\nline", "d/gone"},
		NamesFromList: true, Delete: true, Checksum: true})
	require.NoError(t, err)
	classes := map[string]Class{}
	for _, it := range p.Items {
		if !it.Dir {
			classes[it.Name] = it.Class
		}
	}
	assert.Equal(t, map[string]Class{"f.txt": Modified, "d/new\nline": Modified, "d/gone": Deleted}, classes, "only the listed names")
	require.NotEmpty(t, seen)
	assert.Contains(t, seen[len(seen)-1], "--files-from=")
	assert.NotContains(t, seen[len(seen)-1], "not named")
}
