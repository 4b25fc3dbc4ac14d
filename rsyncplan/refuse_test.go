package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/disc"
)

// exfat is what exfat-fuse keeps, as Learn finds it.
var exfat = disc.Caps{BadChars: `:?*<>|"\`}

func TestDirsToCheck(t *testing.T) {
	items := []Item{{Name: ".", Class: Meta}, {Name: "a/b/c.txt", Class: NewFile}, {Name: "a/x", Class: Modified},
		{Name: "gone/old", Class: Deleted}, {Name: "top.txt", Class: NewLink}}
	assert.Equal(t, []string{".", "a", "a/b"}, DirsToCheck(items, true), "where the source's entries are")
	assert.Equal(t, []string{".", "a", "gone"}, DirsToCheck(items, false), "where the destination's are")
	assert.Empty(t, DirsToCheck(nil, true))
}

func TestCannot(t *testing.T) {
	f := func(names ...string) []Entry {
		var es []Entry
		for _, n := range names {
			typ := byte('f')
			if strings.HasSuffix(n, "/") {
				typ, n = 'd', strings.TrimSuffix(n, "/")
			}
			if strings.HasSuffix(n, "@") {
				typ, n = 'L', strings.TrimSuffix(n, "@")
			}
			es = append(es, Entry{Name: n, Type: typ})
		}
		return es
	}
	for _, tc := range []struct {
		name  string
		items []Item
		dirs  map[string][]Entry
		caps  disc.Caps
		want  []Refused
	}{
		{
			name:  "a name pair, both refused though only one changes",
			items: []Item{{Name: "report.txt", Class: Modified}, {Name: "other.txt", Class: NewFile}},
			dirs:  map[string][]Entry{".": f("Report.txt", "report.txt", "other.txt")},
			caps:  exfat,
			want:  []Refused{{Name: "Report.txt", Reason: SameFolded, Group: "REPORT.TXT"}, {Name: "report.txt", Reason: SameFolded, Group: "REPORT.TXT"}},
		},
		{
			name:  "directories that collide take what they hold with them",
			items: []Item{{Name: "dir/same", Class: Modified}, {Name: "Dir/same", Class: Meta}},
			dirs:  map[string][]Entry{".": f("Dir/", "dir/"), "Dir": f("same"), "dir": f("same")},
			caps:  exfat,
			want:  []Refused{{Name: "Dir", Reason: SameFolded, Group: "DIR"}, {Name: "dir", Reason: SameFolded, Group: "DIR"}},
		},
		{
			name:  "no fold on a case-sensitive disc",
			items: []Item{{Name: "report.txt", Class: NewFile}, {Name: "Report.txt", Class: NewFile}},
			dirs:  map[string][]Entry{".": f("Report.txt", "report.txt")},
			caps:  disc.Everything,
		},
		{
			name:  "case folding beyond ASCII",
			items: []Item{{Name: "ÉTÉ", Class: NewFile}},
			dirs:  map[string][]Entry{".": f("été", "ÉTÉ", "ete")},
			caps:  exfat,
			want:  []Refused{{Name: "ÉTÉ", Reason: SameFolded, Group: "ÉTÉ"}, {Name: "été", Reason: SameFolded, Group: "ÉTÉ"}},
		},
		{
			name: "characters it cannot store, each named once",
			items: []Item{{Name: "a:b", Class: NewFile}, {Name: "q?", Class: NewFile}, {Name: "x/st*r:*", Class: NewFile},
				{Name: "fine.txt", Class: NewFile}, {Name: "gone:d", Class: Deleted}},
			dirs: map[string][]Entry{".": f("a:b", "q?", "x/", "fine.txt"), "x": f("st*r:*")},
			caps: exfat,
			want: []Refused{{Name: "a:b", Reason: BadChars, Chars: ":"}, {Name: "q?", Reason: BadChars, Chars: "?"},
				{Name: "x/st*r:*", Reason: BadChars, Chars: ":*"}},
		},
		{
			name:  "a directory it cannot name, and nothing below it listed apart",
			items: []Item{{Name: "p|p", Class: NewDir, Dir: true}, {Name: "p|p/in:side", Class: NewFile}},
			dirs:  map[string][]Entry{".": f("p|p/"), "p|p": f("in:side")},
			caps:  exfat,
			want:  []Refused{{Name: "p|p", Reason: BadChars, Chars: "|"}},
		},
		{
			name:  "symlinks, new or replacing a file",
			items: []Item{{Name: "link", Class: NewLink}, {Name: "was-file", Class: Replaced}, {Name: "file", Class: Modified}},
			dirs:  map[string][]Entry{".": f("link@", "was-file@", "file")},
			caps:  exfat,
			want:  []Refused{{Name: "link", Reason: NoSymlink}, {Name: "was-file", Reason: NoSymlink}},
		},
		{
			name:  "symlinks where it holds them",
			items: []Item{{Name: "link", Class: NewLink}},
			dirs:  map[string][]Entry{".": f("link@")},
			caps:  disc.Caps{CaseSensitive: true, Symlinks: true, BadChars: ":"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Cannot(tc.items, true, tc.dirs, tc.caps))
		})
	}
}

func TestLimited(t *testing.T) {
	assert.False(t, Limited(disc.Everything))
	assert.True(t, Limited(exfat))
	assert.True(t, Limited(disc.Caps{CaseSensitive: true, Symlinks: true, BadChars: "?"}))
	assert.True(t, Limited(disc.Caps{CaseSensitive: true}), "no symlinks")
}

func TestRefuseLeavesEntriesOutOfEveryRun(t *testing.T) {
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	// A new tree large enough for a run of its own, holding an entry that is refused.
	for i := range newTreeMin + 2 {
		write(t, filepath.Join(src, "tree", fmt.Sprintf("f%03d", i)), "x")
	}
	write(t, filepath.Join(src, "tree", "a:b"), "colon")
	write(t, filepath.Join(src, "Dir", "same"), "upper")
	write(t, filepath.Join(src, "dir", "same"), "lower")
	write(t, filepath.Join(src, "plain.txt"), "plain")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	before := p.Totals[NewFile].Count
	p.Refuse([]Refused{{Name: "tree/a:b", Reason: BadChars, Chars: ":"}, {Name: "Dir", Reason: SameFolded, Group: "Dir"}, {Name: "dir", Reason: SameFolded, Group: "Dir"}})
	assert.Equal(t, before-3, p.Totals[NewFile].Count, "the totals are counted again")
	assert.Len(t, p.Refused, 3)
	assert.False(t, p.Empty())

	steps, err := p.Steps(Approval{}, t.TempDir())
	require.NoError(t, err)
	var listed []string
	for _, s := range steps {
		assert.NotEqual(t, "newdirs", s.Name, "a new tree that holds a refused entry is not copied whole")
		if s.List != "" {
			data, err := os.ReadFile(s.List)
			require.NoError(t, err)
			listed = append(listed, strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")...)
		}
	}
	assert.Contains(t, listed, "plain.txt")
	assert.Contains(t, listed, "tree/f000")
	for _, n := range []string{"tree/a:b", "Dir", "dir", "Dir/same", "dir/same"} {
		assert.NotContains(t, listed, n)
	}

	require.NoError(t, p.Execute(context.Background(), &Runner{}, steps, &Done{}))
	assert.FileExists(t, filepath.Join(dst, "plain.txt"))
	assert.FileExists(t, filepath.Join(dst, "tree", "f000"))
	assert.NoFileExists(t, filepath.Join(dst, "tree", "a:b"))
	assert.NoDirExists(t, filepath.Join(dst, "Dir"))
	assert.NoDirExists(t, filepath.Join(dst, "dir"))
}

func TestKeepLeavesDeletionsAndTheDirectoriesAboveThem(t *testing.T) {
	p := &Plan{Items: []Item{{Name: "sub", Class: Deleted, Dir: true}, {Name: "sub/a:b", Class: Deleted, Size: 3},
		{Name: "sub/other", Class: Deleted, Size: 5}, {Name: "Report.txt", Class: Modified, Size: 7}, {Name: "new", Class: NewFile}}}
	p.Keep([]Refused{{Name: "sub/a:b", Reason: BadChars, Chars: ":"}, {Name: "Report.txt", Reason: SameFolded, Group: "REPORT.TXT"}})
	assert.Equal(t, []Item{{Name: "sub/other", Class: Deleted, Size: 5}, {Name: "new", Class: NewFile}}, p.Items)
	assert.Equal(t, Total{Count: 1, Bytes: 5}, p.Totals[Deleted])
	assert.Equal(t, 0, p.Overwrites())
	assert.Len(t, p.Kept, 2)
	p.Items = nil
	assert.True(t, p.Empty(), "what is kept is no failure")
}

func TestCannotAtTheDestination(t *testing.T) {
	items := []Item{{Name: "a:b", Class: Deleted}, {Name: "new:x", Class: NewFile}, {Name: "link", Class: Deleted},
		{Name: "Report.txt", Class: Modified}, {Name: "report.txt", Class: Deleted}}
	dirs := map[string][]Entry{".": {{Name: "a:b", Type: 'f'}, {Name: "link", Type: 'L'}, {Name: "Report.txt", Type: 'f'}, {Name: "report.txt", Type: 'f'}}}
	assert.Equal(t, []Refused{{Name: "Report.txt", Reason: SameFolded, Group: "REPORT.TXT"}, {Name: "a:b", Reason: BadChars, Chars: ":"},
		{Name: "link", Reason: NoSymlink}, {Name: "report.txt", Reason: SameFolded, Group: "REPORT.TXT"}},
		Cannot(items, false, dirs, exfat), "new entries are not at the destination")
}

func TestCannotTimesAndSizes(t *testing.T) {
	fat := disc.Caps{FileMode: 0o700, DirMode: 0o700, TimeStep: 2 * time.Second, BadChars: disc.NameChars,
		MinTime: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), MaxTime: time.Date(2107, 12, 30, 0, 0, 0, 0, time.UTC), MaxFileSize: 1<<32 - 1}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	old := time.Unix(0, 0)
	big := Entry{Name: "big.iso", Type: 'f', Size: 1 << 32, ModTime: now}
	dated := Entry{Name: "from-a-zip.txt", Type: 'f', Size: 3, ModTime: old}
	dirs := map[string][]Entry{
		".":   {big, dated, {Name: "fine.txt", Type: 'f', Size: 1, ModTime: now}, {Name: "olddir", Type: 'd', ModTime: old}},
		"old": {},
	}
	items := []Item{{Name: "big.iso", Class: NewFile, Size: 1 << 32}, {Name: "from-a-zip.txt", Class: Modified, Size: 3},
		{Name: "fine.txt", Class: NewFile, Size: 1}, {Name: "olddir", Class: NewDir, Dir: true}}
	assert.True(t, Limited(disc.Caps{CaseSensitive: true, Symlinks: true, MaxFileSize: 1}))
	assert.Equal(t, []Refused{{Name: "big.iso", Reason: TooBig, Entry: big}, {Name: "from-a-zip.txt", Reason: OutOfTime, Entry: dated}},
		Cannot(items, true, dirs, fat), "a directory's time is no reason to leave it out")
	assert.Empty(t, Cannot(items, false, dirs, fat), "at the destination, a time or a size is no reason to keep an entry")
	assert.Empty(t, Cannot(items, true, dirs, disc.Everything))
}
