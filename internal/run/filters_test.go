package run

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/locations"
)

func TestRebaseWritesAnchoredPatternsFromTheSyncedDirectory(t *testing.T) {
	for _, tc := range []struct {
		p, base, rel, want string
		ok                 bool
	}{
		{"*.tmp", "", "a/b", "*.tmp", true},
		{"/Downloads/cache/", "", "", "/Downloads/cache/", true},
		{"/Downloads/cache/", "", "Downloads", "/cache/", true},
		{"/Downloads/cache/", "", "Photos", "", false},
		{"/Downloads/cache/", "", "Downloads/cache", "", false},
		{"/Down*/cache", "", "Downloads", "/cache", true},
		{"/**/cache/", "", "a/b", "/**/cache/", true},
		{"/a/**/c", "", "a/b", "/**/c", true},
		{"/deep/x", "sub", "sub/deep", "/x", true},
		{"/deep/x", "sub", "sub", "/deep/x", true},
	} {
		got, ok := rebase(tc.p, tc.base, tc.rel)
		assert.Equal(t, tc.ok, ok, "%+v", tc)
		assert.Equal(t, tc.want, got, "%+v", tc)
	}
}

func TestRebasedKeepsWhatAPatternWithASlashMatches(t *testing.T) {
	assert.Equal(t, []string{"Downloads/cache/", "/cache/"}, rebased("Downloads/cache/", "", "Downloads"))
	assert.Equal(t, []string{"a/b/*.o", "/*.o"}, rebased("a/b/*.o", "", "x/a/b"))
	assert.Equal(t, []string{"a/b/*.o", "/b/*.o"}, rebased("a/b/*.o", "", "x/a"))
	assert.Equal(t, []string{"a/b/*.o"}, rebased("a/b/*.o", "", "x/y"))
	assert.Equal(t, []string{"*.o"}, rebased("*.o", "", "x/y"))
	assert.Equal(t, []string{"/c"}, rebased("/x/c", "", "x"))
	assert.Empty(t, rebased("/y/c", "", "x"))
}

func TestFilterRulesInOrder(t *testing.T) {
	root := t.TempDir()
	write := func(p, s string) {
		full := filepath.Join(root, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(s), 0o644))
	}
	write(".micsyncignore", "# comment\n\n/a/b/x\n*.o\n")
	write("a/.micsyncignore", "/b/y/\n")
	write("a/b/.micsyncignore", "read by rsync\n")
	cfg := &locations.Config{Name: "c", Exclude: []string{"/a/b/cache/", "/z/"}, Only: []string{"*.jpg", "/a/b/top.cr2"}, GitIgnore: true}
	f, err := newFilters(cfg, []string{"*.tmp"}, locations.Location{Path: root}, "a/b")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"- *.tmp", "- /cache/", "- /x", "- *.o", "- /y/",
		"dir-merge,- .micsyncignore", ":- .gitignore",
		"+ */", "+ *.jpg", "+ /top.cr2", "- *",
	}, f.rules)

	loc := locations.Location{Path: root}
	err = f.leftOut(loc, "a/b/y", nil)
	var ue *ui.Error
	require.ErrorAs(t, err, &ue)
	assert.True(t, ue.Usage)
	assert.Contains(t, err.Error(), `a/b/y is left out by the pattern "/b/y/" of `+filepath.Join(root, "a", ".micsyncignore"))
	assert.ErrorContains(t, f.leftOut(loc, "a", []string{"p.tmp"}), `is left out by the pattern "*.tmp" of --exclude`)
	assert.ErrorContains(t, f.leftOut(loc, "a", []string{"p.txt"}), `is none of the files that the "only" of configuration "c" keeps (*.jpg, /a/b/top.cr2)`)
	assert.NoError(t, f.leftOut(loc, "a/b", []string{"p.jpg"}))
}
