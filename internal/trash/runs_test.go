package trash

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ui"
	"micsync/rsyncplan"
)

const (
	s1 = "20240101T000001Z"
	s2 = "20240101T000002Z"
	s3 = "20240101T000003Z"
	s4 = "20240101T000004Z"
	s5 = "20240101T000005Z"
)

func TestRunsListsMicsyncsRunsOldestFirst(t *testing.T) {
	f := newFixture(t)
	here := filepath.Join(f.local.Location.Path, Name)
	mkdir(t, here, s4)
	mkdir(t, here, s2)
	mkdir(t, here, "notes")                     // not a stamp
	mkdir(t, here, "2024-01-01T00:00:03Z")      // not micsync's layout
	write(t, filepath.Join(here, s5), "a file") // a stamp, but not a directory
	write(t, filepath.Join(here, s2, "a"), "x")
	there := filepath.Join(f.nasDir, Name)
	mkdir(t, there, s3)
	mkdir(t, there, s1)
	write(t, filepath.Join(there, "README"), "")
	unused := Place{Config: f.cfg, Location: f.cfg.Work[0]}
	unused.Location.Path = mkdir(t, f.home, "no-trash")
	remoteUnused := f.remote
	remoteUnused.Location.Path = "nas:" + mkdir(t, f.home, "nas-no-trash")

	runs, err := Runs(t.Context(), f.checker, []Place{f.local, unused, f.remote, remoteUnused})
	require.NoError(t, err)
	when := func(s string) time.Time { w, _ := time.Parse(stampLayout, s); return w }
	want := []Run{
		{Place: f.remote, Stamp: s1, Dir: f.remote.Location.Path + "/" + Name + "/" + s1, When: when(s1)},
		{Place: f.local, Stamp: s2, Dir: filepath.Join(here, s2), When: when(s2)},
		{Place: f.remote, Stamp: s3, Dir: f.remote.Location.Path + "/" + Name + "/" + s3, When: when(s3)},
		{Place: f.local, Stamp: s4, Dir: filepath.Join(here, s4), When: when(s4)},
	}
	assert.Equal(t, want, runs)
	assert.Equal(t, time.Date(2024, 1, 1, 0, 0, 1, 0, time.UTC), runs[0].When)

	runs, err = Runs(t.Context(), f.checker, []Place{unused, remoteUnused})
	require.NoError(t, err)
	assert.Empty(t, runs, "no trash, no runs")
}

func TestRunsFailsWhenATrashCannotBeRead(t *testing.T) {
	f := newFixture(t)
	write(t, filepath.Join(f.local.Location.Path, Name), "not a directory")
	_, err := Runs(t.Context(), f.checker, []Place{f.local})
	assert.ErrorContains(t, err, "read trash: ")
	assert.ErrorContains(t, err, "not a directory")

	_, err = Runs(t.Context(), f.checker, []Place{f.down})
	// rsync says 255 or 12, as the end of the connection reaches it.
	assert.ErrorContains(t, err, "read trash: rsync listing of down:/srv/docs/.micsync-trash failed with exit status ")
	assert.ErrorContains(t, err, "connection unexpectedly closed")
}

// fillRun makes a trash run: two files of 3 and 5 bytes, an empty directory and a symlink,
// which counts as a file without bytes.
func fillRun(t *testing.T, dir string) {
	t.Helper()
	write(t, filepath.Join(dir, "a"), "aaa")
	write(t, filepath.Join(dir, "sub", "b"), "bbbbb")
	mkdir(t, dir, "sub", "empty")
	require.NoError(t, os.Symlink("sub/b-with-a-long-name", filepath.Join(dir, "link")))
}

func TestSize(t *testing.T) {
	f := newFixture(t)
	fillRun(t, filepath.Join(f.local.Location.Path, Name, s1))
	fillRun(t, filepath.Join(f.nasDir, Name, s2))
	for _, r := range []Run{run(f.local, s1), run(f.remote, s2)} {
		files, bytes := Size(t.Context(), f.checker, r)
		assert.Equal(t, 3, files, r.Dir)
		assert.Equal(t, int64(8), bytes, r.Dir)
	}
	files, bytes := Size(t.Context(), f.checker, run(f.local, s3))
	assert.Zero(t, files, "a run that is gone has nothing")
	assert.Zero(t, bytes)
}

func TestNames(t *testing.T) {
	f := newFixture(t)
	root := f.local.Location.Path
	r := run(f.local, s1)
	fillRun(t, r.Dir)
	tests := []struct {
		paths []string
		want  []string
	}{
		{[]string{"a"}, []string{"a"}},
		{[]string{"sub/b", "./sub/../a", "sub/"}, []string{"sub/b", "a", "sub"}},
		{[]string{filepath.Join(r.Dir, "sub", "b")}, []string{"sub/b"}},
		{[]string{filepath.Join(root, "sub", "b")}, []string{"sub/b"}},
		{[]string{"link"}, []string{"link"}},
	}
	for _, tt := range tests {
		got, err := Names(t.Context(), f.checker, r, tt.paths)
		if assert.NoError(t, err, tt.paths) {
			assert.Equal(t, tt.want, got, tt.paths)
		}
	}
	all, err := Names(t.Context(), f.checker, r, nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"a", "sub", "link"}, all, "no paths: everything in the run")
}

func TestNamesRefusesPathsOutsideTheRun(t *testing.T) {
	f := newFixture(t)
	root := f.local.Location.Path
	r := run(f.local, s1)
	fillRun(t, r.Dir)
	tests := []struct {
		path, err string
		hints     []string
	}{
		{"../elsewhere", "../elsewhere is not inside " + root, nil},
		{"/elsewhere/a", "/elsewhere/a is not inside " + root, nil},
		{root + "x/a", root + "x/a is not inside " + root, nil},
		{".", ". is not inside " + root, nil},
		{root, root + " is not inside " + root, nil},
		{"", `"" is not inside ` + root, nil},
		{"missing", "missing is not in trash run " + s1, []string{"micsync trash list shows the runs"}},
		{filepath.Join(root, "sub", "missing"), "sub/missing is not in trash run " + s1, []string{"micsync trash list shows the runs"}},
	}
	for _, tt := range tests {
		_, err := Names(t.Context(), f.checker, r, []string{"a", tt.path})
		require.Error(t, err, tt.path)
		assert.EqualError(t, err, tt.err)
		var ue *ui.Error
		if assert.True(t, errors.As(err, &ue), tt.path) {
			assert.True(t, ue.Usage, "%s: the user's mistake", tt.path)
		}
		assert.Equal(t, tt.hints, ui.Hints(err), tt.path)
	}
}

func TestNamesOnAnotherHost(t *testing.T) {
	f := newFixture(t)
	r := run(f.remote, s1)
	fillRun(t, filepath.Join(f.nasDir, Name, s1))

	got, err := Names(t.Context(), f.checker, r, []string{"sub/b", "a"})
	require.NoError(t, err)
	assert.Equal(t, []string{"sub/b", "a"}, got)
	all, err := Names(t.Context(), f.checker, r, nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"a", "sub", "link"}, all)
	_, err = Names(t.Context(), f.checker, r, []string{"a", "missing"})
	assert.EqualError(t, err, "missing is not in trash run "+s1)
}

func TestNamesFailures(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name  string
		r     Run
		paths []string
	}{
		{"the run is gone", run(f.local, s1), nil},
		{"the host cannot be reached", run(f.down, s1), nil},
		{"the host cannot be reached to look", run(f.down, s1), []string{"a"}},
	} {
		_, err := Names(t.Context(), f.checker, tt.r, tt.paths)
		require.Error(t, err, tt.name)
		var ue *ui.Error
		if assert.True(t, errors.As(err, &ue), tt.name) {
			assert.False(t, ue.Usage, "%s: a failure, not the user's mistake", tt.name)
		}
	}
}

func TestFetchCopiesTheNamedEntriesHere(t *testing.T) {
	f := newFixture(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := filepath.Join(f.nasDir, Name, s1)
	fillRun(t, dir)
	write(t, filepath.Join(dir, "sub", "c"), "ccc")
	write(t, filepath.Join(dir, "left"), "stays there")

	got, err := Fetch(t.Context(), f.checker, run(f.remote, s1), []string{"a", "sub/b", "link"})
	require.NoError(t, err)
	assert.Equal(t, tmp, filepath.Dir(filepath.Dir(got)), "in a new directory of its own, for the caller to remove")
	assert.Equal(t, map[string]string{"a": "aaa", "sub/": "", "sub/b": "bbbbb", "link": "-> sub/b-with-a-long-name"}, tree(t, got))

	got, err = Fetch(t.Context(), f.checker, run(f.remote, s1), []string{"sub"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"sub/": "", "sub/b": "bbbbb", "sub/c": "ccc", "sub/empty/": ""}, tree(t, got), "a directory with all it holds")
	assert.Contains(t, tree(t, dir), "left", "the run is left as it was")
}

func TestFetchFailureLeavesNothingBehind(t *testing.T) {
	f := newFixture(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	_, err := Fetch(t.Context(), f.checker, run(f.down, s1), []string{"a"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rsync copy of the trash run from down failed with exit status ")
	assert.Contains(t, err.Error(), "connection unexpectedly closed")
	var ue *ui.Error
	if assert.True(t, errors.As(err, &ue)) {
		assert.False(t, ue.Usage)
	}
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the temporary directory is removed")
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d":   30 * 24 * time.Hour,
		"0d":    0,
		"12h":   12 * time.Hour,
		"90m":   90 * time.Minute,
		"1h30m": 90 * time.Minute,
		"45s":   45 * time.Second,
	} {
		got, err := ParseAge(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "d", "-1d", "1.5d", "30", "30 d", "-5m", "week", "3w", "d30"} {
		_, err := ParseAge(in)
		require.Error(t, err, in)
		assert.EqualError(t, err, "--older-than takes a duration such as 30d, 12h or 90m, not "+ui.Show(in))
		var ue *ui.Error
		if assert.True(t, errors.As(err, &ue), in) {
			assert.True(t, ue.Usage, in)
		}
	}
}

func TestRemoveDeletesOneRun(t *testing.T) {
	f := newFixture(t)
	for _, p := range []Place{f.local, f.remote} {
		t.Run(p.Location.Path, func(t *testing.T) {
			root := strings.TrimPrefix(p.Location.Path, "nas:")
			trash := filepath.Join(root, Name)
			for _, s := range []string{s1, s2, s3} {
				fillRun(t, filepath.Join(trash, s))
				write(t, filepath.Join(trash, s, "sub", "deep", "er"), "x")
			}
			mkdir(t, trash, s2+"-notes")
			write(t, filepath.Join(trash, s2+".txt"), "")
			write(t, filepath.Join(root, "kept"), "the location's own")
			write(t, filepath.Join(root, s2), "named like the run")
			before := tree(t, root)

			require.NoError(t, Remove(t.Context(), f.checker, run(p, s2)))
			want := map[string]string{}
			for k, v := range before {
				if !strings.HasPrefix(k, Name+"/"+s2+"/") {
					want[k] = v
				}
			}
			assert.Equal(t, want, tree(t, root), "the run is gone, everything else is as it was")
			assert.NoDirExists(t, filepath.Join(trash, s2))
		})
	}
}

func TestRemoveOnAHostThatCannotBeReached(t *testing.T) {
	f := newFixture(t)
	err := Remove(t.Context(), f.checker, run(f.down, s1))
	assert.ErrorContains(t, err, "rsync deletion of trash run "+s1+" failed with exit status ")
	assert.ErrorContains(t, err, "connection unexpectedly closed")
}

func TestIsStamp(t *testing.T) {
	assert.True(t, IsStamp("20250101T000000Z"))
	for _, s := range []string{"", "2025-01-01T00:00:00Z", "20250101T000000", "20251301T000000Z", "/mnt/b1", "20250101T000000Zx"} {
		assert.False(t, IsStamp(s), s)
	}
}

func TestByLocationGroupsRunsInTheirOrder(t *testing.T) {
	f := newFixture(t)
	runs := []Run{run(f.remote, s1), run(f.local, s2), run(f.remote, s3), run(f.local, s4)}
	assert.Equal(t, [][]Run{{runs[0], runs[2]}, {runs[1], runs[3]}}, ByLocation(runs))
	assert.Empty(t, ByLocation(nil))
}

func TestFilesOfARunInReadingOrder(t *testing.T) {
	f := newFixture(t)
	for _, dir := range []string{filepath.Join(f.local.Location.Path, Name, s1), filepath.Join(f.nasDir, Name, s2)} {
		fillRun(t, dir)
		write(t, filepath.Join(dir, "sub", "scan 10"), "1234567890")
		write(t, filepath.Join(dir, "sub", "scan 2"), "12")
	}
	for _, r := range []Run{run(f.local, s1), run(f.remote, s2)} {
		files, err := Files(t.Context(), f.checker, r)
		require.NoError(t, err, r.Dir)
		for i := range files {
			assert.False(t, files[i].ModTime.IsZero(), "listed with its time")
			files[i].ModTime = time.Time{}
		}
		assert.Equal(t, []rsyncplan.Entry{{Name: "a", Type: 'f', Size: 3}, {Name: "link", Type: 'L', Size: int64(len("sub/b-with-a-long-name"))},
			{Name: "sub/b", Type: 'f', Size: 5}, {Name: "sub/scan 2", Type: 'f', Size: 2}, {Name: "sub/scan 10", Type: 'f', Size: 10}}, files, r.Dir)
	}
	_, err := Files(t.Context(), f.checker, run(f.down, s1))
	assert.ErrorContains(t, err, "read trash run "+s1+": ")
}
