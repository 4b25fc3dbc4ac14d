package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"micsync/internal/disc"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Lstat(p)
	require.NoError(t, err)
	return fi.Sys().(*syscall.Stat_t).Ino
}

func link(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.Link(from, to))
}

// linkedTree makes a source with one file of three names in three top-level directories, many
// entries in each (so that a plan splits into parts and new trees), and an empty destination.
func linkedTree(t *testing.T) (src, dst string) {
	root := t.TempDir()
	src, dst = filepath.Join(root, "src"), filepath.Join(root, "dst")
	for _, top := range []string{"a", "b", "c"} {
		for i := range 150 {
			write(t, filepath.Join(src, top, fmt.Sprintf("f%d", i)), top)
		}
	}
	write(t, filepath.Join(src, "a", "big"), strings.Repeat("x", 100_000))
	link(t, filepath.Join(src, "a", "big"), filepath.Join(src, "b", "big2"))
	link(t, filepath.Join(src, "a", "big"), filepath.Join(src, "c", "sub", "big3"))
	require.NoError(t, os.MkdirAll(dst, 0o755))
	return src, dst
}

func TestHardLinksStayLinkedAcrossParts(t *testing.T) {
	src, dst := linkedTree(t)
	defer func(n int) { planParts = n }(planParts)
	planParts = 3
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, HardLinks: true})
	require.NoError(t, err)
	assert.Len(t, p.links, 1)
	assert.Equal(t, 453, p.Totals[NewFile].Count, "every name is a new file")
	assert.Equal(t, int64(100_000+450), p.Totals[NewFile].Bytes, "the linked file is counted once")

	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	for _, s := range steps {
		assert.LessOrEqual(t, s.Part, 1, "%s: one part keeps the names together", s.Name)
		assert.Contains(t, s.Args, "--hard-links", s.Name)
	}
	done := execute(t, p, Approval{})
	want := inode(t, filepath.Join(dst, "a", "big"))
	assert.Equal(t, want, inode(t, filepath.Join(dst, "b", "big2")))
	assert.Equal(t, want, inode(t, filepath.Join(dst, "c", "sub", "big3")))
	assert.Equal(t, int64(100_000+450), done.Bytes, "a link is not a copy")

	again, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, HardLinks: true})
	require.NoError(t, err)
	assert.Empty(t, again.Items)
}

func TestWithoutHardLinksTheNamesAreCopies(t *testing.T) {
	src, dst := linkedTree(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	assert.Empty(t, p.links, "no walk when the destination cannot link")
	execute(t, p, Approval{})
	assert.NotEqual(t, inode(t, filepath.Join(dst, "a", "big")), inode(t, filepath.Join(dst, "b", "big2")))
}

func TestANewNameOfAFileThatIsThereIsLinkedToIt(t *testing.T) {
	for _, rules := range [][]string{nil, {"- *.tmp", "dir-merge,- .micsyncignore"}} {
		t.Run(fmt.Sprint(rules), func(t *testing.T) { newNameIsLinked(t, rules) })
	}
}

// newNameIsLinked is TestANewNameOfAFileThatIsThereIsLinkedToIt with the rules: without ignore
// files in the tree they change nothing.
func newNameIsLinked(t *testing.T, rules []string) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	write(t, filepath.Join(src, "a", "x"), "content")
	write(t, filepath.Join(src, "other"), "o")
	job := Job{SrcDir: src, DstDir: dst, HardLinks: true, Filter: rules}
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	execute(t, p, Approval{})

	link(t, filepath.Join(src, "a", "x"), filepath.Join(src, "b", "y"))
	p, err = Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	c := classes(p)
	assert.Equal(t, NewFile, c["b/y"])
	assert.NotContains(t, c, "a/x", "the first name is as it was")
	for _, it := range p.Items {
		if it.Name == "b/y" {
			assert.Zero(t, it.Size, "a hard link writes nothing")
		}
	}
	execute(t, p, Approval{})
	assert.Equal(t, inode(t, filepath.Join(dst, "a", "x")), inode(t, filepath.Join(dst, "b", "y")))
}

func TestSeparateCopiesBecomeLinks(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	write(t, filepath.Join(src, "a", "x"), "content")
	link(t, filepath.Join(src, "a", "x"), filepath.Join(src, "b", "y"))
	// A copy made without -H: two files.
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	execute(t, p, Approval{})
	require.NotEqual(t, inode(t, filepath.Join(dst, "a", "x")), inode(t, filepath.Join(dst, "b", "y")))

	p, err = Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, HardLinks: true})
	require.NoError(t, err)
	assert.Equal(t, map[string]Class{"b/y": Meta}, classes(p), "the second name becomes a link, nothing else")
	execute(t, p, Approval{})
	assert.Equal(t, inode(t, filepath.Join(dst, "a", "x")), inode(t, filepath.Join(dst, "b", "y")))
}

func TestAModifiedLinkedFileIsModifiedUnderEveryName(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	write(t, filepath.Join(src, "a", "x"), "old")
	link(t, filepath.Join(src, "a", "x"), filepath.Join(src, "b", "y"))
	job := Job{SrcDir: src, DstDir: dst, HardLinks: true}
	p, err := Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	execute(t, p, Approval{})
	require.NoError(t, os.WriteFile(filepath.Join(src, "a", "x"), []byte("new content"), 0o644))

	p, err = Make(context.Background(), &Runner{}, job)
	require.NoError(t, err)
	c := classes(p)
	assert.Equal(t, Modified, c["a/x"])
	assert.Equal(t, Modified, c["b/y"], "hf.st: overwritten too, so it needs the approval")
	assert.Equal(t, int64(len("new content")), p.Totals[Modified].Bytes, "written once")

	execute(t, p, Approval{})
	assert.Equal(t, "old", readFile(t, filepath.Join(dst, "b", "y")), "not approved: left as it was")
	execute(t, p, Approval{Overwrite: true})
	assert.Equal(t, "new content", readFile(t, filepath.Join(dst, "b", "y")))
	assert.Equal(t, inode(t, filepath.Join(dst, "a", "x")), inode(t, filepath.Join(dst, "b", "y")))
}

func TestLinkGroupsLeaveOutExcludedEntries(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "src")
	write(t, filepath.Join(src, "a"), "x")
	link(t, filepath.Join(src, "a"), filepath.Join(src, ".micsync", "b"))
	link(t, filepath.Join(src, "a"), filepath.Join(src, "c"))
	g := linkGroups(Job{SrcDir: src, HardLinks: true, Exclude: []string{"/.micsync/"}}, nil)
	require.Len(t, g, 1)
	assert.ElementsMatch(t, []string{"a", "c"}, g[0])
	assert.Empty(t, linkGroups(Job{SrcDir: src, HardLinks: true, Names: []string{"a"}}, []string{"a"}), "one name of it in the job")
	assert.Empty(t, linkGroups(Job{SrcDir: src}, nil), "no walk without -H")
}

func TestUnkeptNamesWhatTheDestinationLoses(t *testing.T) {
	j := Job{Xattrs: true, ACLs: true}
	assert.Equal(t, []string{"xattrs", "acls"}, j.Unkept(disc.Caps{Perms: true, HardLinks: true}))
	assert.Equal(t, []string{"acls"}, j.Unkept(disc.Caps{Xattrs: true}))
	assert.Nil(t, j.Unkept(disc.Everything))
	assert.Equal(t, []string{"--xattrs", "--acls"}, j.timeArgs())
}

func TestWithLinksNeverAddsWhatASideCannotHold(t *testing.T) {
	p := Plan{
		links:   [][]string{{"a", "b", "dir/c", "d"}},
		Items:   []Item{{Name: "a", Class: NewFile}},
		Kept:    []Refused{{Name: "b", Reason: BadChars}},
		Refused: []Refused{{Name: "dir", Reason: SameFolded}},
	}
	assert.Equal(t, []string{"a", "d"}, p.withLinks([]string{"a"}))
	assert.Equal(t, []string{"x"}, p.withLinks([]string{"x"}), "no name of the file is copied: nothing is added")
}
