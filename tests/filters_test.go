package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filtered is a HOME with one configuration, WORKING ~/Documents and one BACKUP
// ~/disk1/Documents; each test writes the configuration's patterns.
func filtered(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"]}]}`)
	for _, d := range []string{"Documents", "disk1/Documents"} {
		require.NoError(t, os.MkdirAll(e.path(d), 0o755))
	}
	return e
}

func TestFiltersLeaveOutWhatTheConfigurationAndIgnoreFilesName(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"],
		"exclude": ["*.tmp", "node_modules/", "/Downloads/cache/"], "gitignore": true}]}`)
	for _, f := range []string{"a.txt", "scratch.tmp", "web/node_modules/x.js", "web/app.js", "Downloads/cache/big",
		"Downloads/keep.pdf", "other/Downloads/cache/kept", "proj/.micsyncignore", "proj/run.log", "proj/main.go",
		"proj/sub/deep.log", "code/.gitignore", "code/build/out", "code/src.c"} {
		e.mkfile(t, "Documents/"+f, f)
	}
	e.mkfile(t, "Documents/proj/.micsyncignore", "*.log\n")
	e.mkfile(t, "Documents/code/.gitignore", "build/\n")

	r := e.run(t, "backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	b := func(rel string) string { return e.path("disk1/Documents", rel) }
	for _, f := range []string{"a.txt", "web/app.js", "Downloads/keep.pdf", "other/Downloads/cache/kept",
		"proj/.micsyncignore", "proj/main.go", "code/.gitignore", "code/src.c"} {
		assert.FileExists(t, b(f))
	}
	for _, f := range []string{"scratch.tmp", "web/node_modules", "Downloads/cache", "proj/run.log", "proj/sub/deep.log", "code/build"} {
		assert.False(t, exists(b(f)), "%s is left out", f)
		assert.NotContains(t, r.Stdout, "+ "+f)
	}

	r = e.run(t, "backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stdout, "new files", "nothing left to do: what is left out is not planned again")
}

func TestExcludeFlagAddsPatternsForOneRunAndVerbosePrintsTheRules(t *testing.T) {
	e := filtered(t)
	e.mkfile(t, "Documents/a.txt", "a")
	e.mkfile(t, "Documents/big.iso", "iso")
	e.mkfile(t, "Documents/media/film.mkv", "mkv")

	r := e.run(t, "backup", "-v", "--yes", "--exclude", "*.iso", "--exclude=media/", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "filter rule: - *.iso\nfilter rule: - media/\nfilter rule: dir-merge,- .micsyncignore\n")
	assert.Less(t, strings.Index(r.Stdout, "filter rule:"), strings.Index(r.Stdout, "to BACKUP"), "before the plan")
	assert.Contains(t, r.Stdout, "'--filter=- *.iso'", "in rsync's command line")
	assert.FileExists(t, e.path("disk1/Documents/a.txt"))
	assert.False(t, exists(e.path("disk1/Documents/big.iso")))
	assert.False(t, exists(e.path("disk1/Documents/media")))

	// Another run without them copies what they left out.
	r = e.run(t, "backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.FileExists(t, e.path("disk1/Documents/big.iso"))
	assert.FileExists(t, e.path("disk1/Documents/media/film.mkv"))
}

func TestOnlyKeepsTheNamedFilesAndTheDirectories(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "photos", "work": ["~/Documents"], "backup": ["~/disk1/Documents"], "only": ["*.jpg", "*.cr2"]}]}`)
	e.mkfile(t, "Documents/2024/a.jpg", "a")
	e.mkfile(t, "Documents/2024/a.cr2", "a")
	e.mkfile(t, "Documents/2024/a.xmp", "sidecar")
	e.mkfile(t, "Documents/notes.txt", "n")

	r := e.run(t, "backup", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.FileExists(t, e.path("disk1/Documents/2024/a.jpg"))
	assert.FileExists(t, e.path("disk1/Documents/2024/a.cr2"))
	assert.False(t, exists(e.path("disk1/Documents/2024/a.xmp")))
	assert.False(t, exists(e.path("disk1/Documents/notes.txt")))

	// Back from the BACKUP, deleting what it lacks: what "only" leaves out is not deleted.
	e.mkfile(t, "Documents/2024/gone.jpg", "a photo the BACKUP lacks")
	r = e.run(t, "work", "-D", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "- 2024/gone.jpg")
	assert.NotContains(t, r.Stdout, "notes.txt")
	assert.False(t, exists(e.path("Documents/2024/gone.jpg")))
	assert.FileExists(t, e.path("Documents/notes.txt"))
	assert.FileExists(t, e.path("Documents/2024/a.xmp"))

	r = e.run(t, "backup", e.path("Documents/notes.txt"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `micsync: error: `+e.path("Documents/notes.txt")+` is none of the files that the "only" of configuration "photos" keeps (*.jpg, *.cr2)`)
}

func TestAnchoredPatternsMeanTheLocationsRootWhenASubpathIsNamed(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"],
		"exclude": ["/Downloads/cache/", "/top.txt", "sub/deeper/z"]}]}`)
	e.mkfile(t, "Documents/Downloads/cache/big", "left out")
	e.mkfile(t, "Documents/Downloads/sub/cache/small", "not the anchored one")
	e.mkfile(t, "Documents/Downloads/f.pdf", "f")
	e.mkfile(t, "Documents/Downloads/top.txt", "not the anchored one")
	e.mkfile(t, "Documents/Downloads/.micsyncignore", "/sub/x\n")
	e.mkfile(t, "Documents/Downloads/sub/x", "left out by the ignore file above the named directory")
	e.mkfile(t, "Documents/Downloads/sub/y", "y")
	e.mkfile(t, "Documents/Downloads/sub/deeper/z", "left out by a pattern with a slash inside")
	e.mkfile(t, "Documents/Downloads/sub/deeper/w", "w")
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents/Downloads/sub"), 0o755))

	// A file below Downloads/sub is named: the job's source is Downloads/sub, and the patterns
	// are written from there.
	r := e.run(t, "backup", "-v", "--yes", e.path("Documents/Downloads/sub/cache"), e.path("Documents/Downloads/sub/y"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "filter rule: - /x\n", "the ignore file's anchored pattern, from the named directory")
	assert.NotContains(t, r.Stdout, "filter rule: - /cache/", "the configuration's /Downloads/cache/ is not below Downloads/sub")
	assert.FileExists(t, e.path("disk1/Documents/Downloads/sub/cache/small"))
	assert.FileExists(t, e.path("disk1/Documents/Downloads/sub/y"))

	r = e.run(t, "backup", e.path("Documents/Downloads/sub/deeper"))
	require.Equal(t, 0, r.Code, r)
	assert.FileExists(t, e.path("disk1/Documents/Downloads/sub/deeper/w"))
	assert.False(t, exists(e.path("disk1/Documents/Downloads/sub/deeper/z")), "sub/deeper/z, from below sub")

	r = e.run(t, "backup", e.path("Documents/Downloads"))
	require.Equal(t, 0, r.Code, r)
	assert.FileExists(t, e.path("disk1/Documents/Downloads/f.pdf"))
	assert.FileExists(t, e.path("disk1/Documents/Downloads/top.txt"))
	assert.False(t, exists(e.path("disk1/Documents/Downloads/cache")))
	assert.False(t, exists(e.path("disk1/Documents/Downloads/sub/x")))

	// Naming what a pattern leaves out is a mistake, said plainly.
	r = e.run(t, "backup", e.path("Documents/Downloads/cache/big"))
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: "+e.path("Documents/Downloads/cache")+` is left out by the pattern "/Downloads/cache/" of the "exclude" of configuration "documents"`+"\n"+
		"micsync: hint: a run never copies, deletes or counts what is left out: remove the pattern to sync it\n", r.Stderr)
	r = e.run(t, "backup", e.path("Documents/Downloads/sub/x"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `sub/x is left out by the pattern "/sub/x" of `+e.path("Documents/Downloads/.micsyncignore"))
}

func TestExcludedEntriesOnTheDestinationSurviveDeletion(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"], "exclude": ["*.tmp"]}]}`)
	e.mkfile(t, "disk1/Documents/proj/a.txt", "a")
	e.mkfile(t, "Documents/proj/a.txt", "a")
	e.mkfile(t, "Documents/proj/stale.txt", "not in the BACKUP: deleted")
	e.mkfile(t, "Documents/proj/work.tmp", "left out: never deleted")
	e.mkfile(t, "Documents/proj/.micsyncignore", "local/\n")
	e.mkfile(t, "disk1/Documents/proj/.micsyncignore", "local/\n")
	e.mkfile(t, "Documents/proj/local/state", "left out by the ignore file")
	e.mkfile(t, "Documents/old/x.tmp", "in a directory the BACKUP lacks")
	e.mkfile(t, "Documents/old/y.txt", "y")
	e.mkfile(t, "Documents/gone/z.txt", "a directory the BACKUP lacks, nothing left out in it")
	setMtime(t, e.path("Documents/proj/a.txt"), past)
	setMtime(t, e.path("disk1/Documents/proj/a.txt"), past)

	r := e.run(t, "--work", "-D", "-n", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "- proj/stale.txt")
	assert.Contains(t, r.Stdout, "- gone/")
	for _, s := range []string{"work.tmp", "local", "x.tmp", "y.txt", "- old/"} {
		assert.NotContains(t, r.Stdout, s, "neither deleted nor counted")
	}
	assert.Contains(t, r.Stdout, "  old is not in the source but holds entries that the rules leave out: it is kept as it is\n")
	assert.NotContains(t, r.Stdout, "rsync: ", "no message of rsync's is left")

	r = e.run(t, "--work", "-D", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.False(t, exists(e.path("Documents/proj/stale.txt")))
	assert.False(t, exists(e.path("Documents/gone")))
	for _, f := range []string{"proj/work.tmp", "proj/local/state", "old/x.tmp", "old/y.txt"} {
		assert.FileExists(t, e.path("Documents", f))
	}
	// The trash holds what was deleted, and nothing that was left out.
	var trashed []string
	filepath.WalkDir(e.path("Documents/.micsync-trash"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			trashed = append(trashed, filepath.Base(p))
		}
		return nil
	})
	assert.ElementsMatch(t, []string{"stale.txt", "z.txt"}, trashed)
}

func TestTreeHonoursTheRules(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"], "exclude": ["cache/"]}]}`)
	e.mkfile(t, "disk1/Documents/a/b/f.txt", "f")
	e.mkfile(t, "disk1/Documents/a/cache/c/f", "f")
	e.mkfile(t, "disk1/Documents/a/.micsyncignore", "private/\n")
	e.mkfile(t, "disk1/Documents/a/private/p/f", "f")

	// The skeleton of the BACKUP goes to WORKING.
	r := e.run(t, "tree", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.DirExists(t, e.path("Documents/a/b"))
	assert.False(t, exists(e.path("Documents/a/b/f.txt")), "a tree has no files")
	assert.False(t, exists(e.path("Documents/a/cache")))
	assert.False(t, exists(e.path("Documents/a/private")))
}

func TestNonUTF8NameExcludedByAGlob(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"]}]}`)
	e.mkfile(t, "Documents/caf\xe9.bak", "latin-1 name")
	e.mkfile(t, "Documents/caf\xe9.txt", "latin-1 name")
	e.mkfile(t, "Documents/\xff/x", "lone byte directory")

	r := e.run(t, "backup", "--exclude", "*.bak", "--exclude", "/\xff/", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.FileExists(t, e.path("disk1/Documents/caf\xe9.txt"))
	assert.False(t, exists(e.path("disk1/Documents/caf\xe9.bak")))
	assert.False(t, exists(e.path("disk1/Documents/\xff")))

	r = e.run(t, "backup", "--exclude", "caf?.bak", e.path("Documents/caf\xe9.bak"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, `is left out by the pattern "caf?.bak" of --exclude`)
}

func TestCheckReportsABadPattern(t *testing.T) {
	e := filtered(t)
	long := strings.Repeat("a", 5000)
	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"], "exclude": ["*.tmp", "`+long+`"]}]}`)
	r := e.run(t, "check")
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error: config "+e.path(".micsync.json")+`: configuration "documents": "exclude" holds the pattern "`+long+`", which rsync refuses: discarding over-long filter`)

	e.writeConfig(t, `{"configs": [{"name": "documents", "work": ["~/Documents"], "backup": ["~/disk1/Documents"], "only": ["*.jpg", ""]}]}`)
	r = e.run(t, "check")
	assert.Equal(t, 2, r.Code, r)
	assert.Equal(t, "micsync: error: config "+e.path(".micsync.json")+`: configuration "documents": "only" holds an empty pattern`+"\n"+
		"micsync: hint: fix the file, then run micsync check again\n", r.Stderr)
	r = e.run(t, "backup", e.path("Documents"))
	assert.Equal(t, 2, r.Code, "every run refuses it")
	assert.Contains(t, r.Stderr, `"only" holds an empty pattern`)
}

func TestANewIgnoreFileHoldsDeletionsBelowItForOneRun(t *testing.T) {
	e := filtered(t)
	e.mkfile(t, "disk1/Documents/proj/a.txt", "a")
	e.mkfile(t, "disk1/Documents/proj/.micsyncignore", "*.bak\n")
	e.mkfile(t, "Documents/proj/a.txt", "a")
	setMtime(t, e.path("Documents/proj/a.txt"), past)
	setMtime(t, e.path("disk1/Documents/proj/a.txt"), past)
	e.mkfile(t, "Documents/proj/x.bak", "left out by the new ignore file")
	e.mkfile(t, "Documents/proj/stale.txt", "not in the BACKUP")

	r := e.run(t, "--work", "-D", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "  nothing below proj is deleted in this run: its ignore file is new or changed; the next run deletes what the file does not leave out\n")
	assert.FileExists(t, e.path("Documents/proj/.micsyncignore"))
	assert.FileExists(t, e.path("Documents/proj/x.bak"))
	assert.FileExists(t, e.path("Documents/proj/stale.txt"))

	r = e.run(t, "--work", "-D", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "- proj/stale.txt")
	assert.NotContains(t, r.Stdout, "x.bak")
	assert.False(t, exists(e.path("Documents/proj/stale.txt")))
	assert.FileExists(t, e.path("Documents/proj/x.bak"), "the ignore file in place leaves it out")
}

func TestATreeHasNoFilesWhateverOnlyKeeps(t *testing.T) {
	e := filtered(t)
	e.writeConfig(t, `{"configs": [{"name": "photos", "work": ["~/Documents"], "backup": ["~/disk1/Documents"], "only": ["*.jpg"], "exclude": ["raw/"]}]}`)
	e.mkfile(t, "disk1/Documents/2024/a.jpg", "a")
	e.mkfile(t, "disk1/Documents/2024/raw/a.cr2", "a")

	r := e.run(t, "tree", e.path("Documents"))
	require.Equal(t, 0, r.Code, r)
	assert.DirExists(t, e.path("Documents/2024"))
	assert.False(t, exists(e.path("Documents/2024/a.jpg")))
	assert.False(t, exists(e.path("Documents/2024/raw")))
}
