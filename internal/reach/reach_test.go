package reach

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/locations"
	"micsync/rsyncplan"
)

func TestLocalLocationIsLookedAtEveryTime(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	disk := mkdir(t, f.home, "disk")
	l := f.load(t, []string{work}, []string{disk}, nil).Configs[0].Backup[0]
	c := newChecker(t)

	assert.Empty(t, c.Unreachable(l))
	require.NoError(t, os.Remove(disk))
	assert.Equal(t, "not created yet", c.Unreachable(l), "not the answer remembered from before; HOME, its parent, is there and holds files")
	assert.True(t, NotCreated(l))
	assert.Equal(t, "create it: mkdir -p "+disk, Hint(l, ""))
	require.NoError(t, os.WriteFile(disk, nil, 0o644))
	assert.Equal(t, "not a directory", c.Unreachable(l))
	require.NoError(t, os.Remove(disk))
	mkdir(t, disk)
	assert.Empty(t, c.Unreachable(l))

	l.MarkerID = "0123"
	assert.Equal(t, "its marker .micsync-location is missing, so its disc is probably not mounted", c.Unreachable(l))
	writeMarker(t, disk, locations.Marker{Config: "docs", Role: "BACKUP", ID: "0123"})
	assert.Empty(t, c.Unreachable(l))
	assert.NoFileExists(t, f.path("calls"), "no ssh for a location here")
}

func TestRemoteLocationIsAskedOncePerRun(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	nas := mkdir(t, f.home, "nas")
	l := f.load(t, []string{work}, []string{"nas:" + nas}, nil).Configs[0].Backup[0]
	c := newChecker(t)

	for range 3 {
		assert.Empty(t, c.Unreachable(l))
	}
	c.Probe(l, l)
	assert.Equal(t, []locations.Location{l}, c.Reachable([]locations.Location{l}))
	assert.Len(t, f.calls(t, "nas"), 1, "one connection per host and run, however often it is asked")

	// The answer holds for the run: the host is not asked again when the directory goes.
	require.NoError(t, os.Remove(nas))
	assert.Empty(t, c.Unreachable(l))
	assert.Len(t, f.calls(t, "nas"), 1)

	// The next run asks again, and then about the parent: the directory is missing from a
	// disc that is there.
	assert.Equal(t, "not created yet on nas", newChecker(t).Unreachable(l))
	assert.Len(t, f.calls(t, "nas"), 3)
}

func TestProbeAsksSeveralHostsAtOnce(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	var backup []string
	for _, h := range []string{"together1", "together2", "together3"} {
		backup = append(backup, h+":"+mkdir(t, f.home, h))
	}
	// The fake ssh of each host waits until all three connections have started.
	t.Setenv("FAKE_SSH_TOGETHER", "3")
	file := f.load(t, []string{work}, backup, nil)
	c := newChecker(t)

	c.ProbeAll(file)
	met, err := os.ReadFile(f.path("met"))
	require.NoError(t, err)
	lines := strings.Fields(string(met))
	assert.ElementsMatch(t, []string{"together1", "met", "together2", "met", "together3", "met"}, lines,
		"the three hosts are asked at the same time, not one after the other")
	for _, l := range file.Configs[0].Backup {
		assert.Empty(t, c.Unreachable(l), l.Path)
	}
	for _, h := range []string{"together1", "together2", "together3"} {
		assert.Len(t, f.calls(t, h), 1, h)
	}
}

func TestReachableKeepsTheUsableLocationsInOrder(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	there := mkdir(t, f.home, "there")
	backup := []string{"nas:" + there, filepath.Join(f.home, "media", "unplugged"), "nas:" + filepath.Join(f.home, "gone"), "me@down:/srv/b", there}
	ls := f.load(t, []string{work}, backup, nil).Configs[0].All()
	c := newChecker(t)

	got := c.Reachable(ls)
	assert.Equal(t, []locations.Location{ls[0], ls[1], ls[5]}, got)
	assert.Equal(t, "does not exist (disc not mounted?)", c.Unreachable(ls[2]))
	assert.Equal(t, "not created yet on nas", c.Unreachable(ls[3]))
	assert.Equal(t, "no connection: ssh: connect to host down port 22: Connection refused", c.Unreachable(ls[4]))
	assert.Len(t, f.calls(t, "nas"), 3, "one connection for each location on the host, one for the missing one's parent")
	assert.Len(t, f.calls(t, "down"), 1)
}

func TestRunnerReachesTheHostWithTheConfiguredSSH(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	nas := mkdir(t, f.home, "nas")
	ssh := map[string]any{"port": 2222, "identity": "~/.ssh/id_backup", "options": []string{"-o", "Compression=yes"}, "timeout": 0.2}
	cfg := f.load(t, []string{work}, []string{"me@nas:" + nas}, ssh).Configs[0]
	local, remote := cfg.Work[0], cfg.Backup[0]
	base := rsyncplan.Runner{Program: "rsync", Stderr: os.Stderr}

	batch := New(t.Context(), base, true)
	assert.Nil(t, batch.Runner(local).Shell, "no ssh between directories here")
	r := batch.Runner(local, remote)
	want := []string{"ssh", "-o", "Compression=yes", "-p", "2222", "-i", filepath.Join(f.home, ".ssh", "id_backup"),
		"-o", "ConnectTimeout=1", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "-o", "BatchMode=yes"}
	assert.Equal(t, want, r.Shell)
	assert.Equal(t, "rsync", r.Program, "the run's rsync, as it is set up")
	assert.Equal(t, os.Stderr, r.Stderr)
	r.Program = "changed"
	assert.Equal(t, "rsync", batch.Runner(remote).Program, "a copy: the Checker's runner stays as it was")
	assert.NotContains(t, New(t.Context(), base, false).Runner(remote).Shell, "BatchMode=yes", "with a terminal ssh may ask")

	// The check itself connects with those settings.
	assert.Empty(t, batch.Unreachable(remote))
	calls := f.calls(t, "nas")
	require.Len(t, calls, 1)
	assert.True(t, strings.HasPrefix(calls[0], strings.Join(want[1:], " ")+" -l me nas rsync --server "), calls[0])
}

func TestHint(t *testing.T) {
	assert.Equal(t, "check that me@nas is up and that ssh me@nas works without a password",
		Hint(locations.Location{Path: "me@nas:/srv/b", Host: "me@nas"}, ""))
	assert.Equal(t, `create it: ssh -p 2222 me@nas 'mkdir -p '\''/srv/my b'\'''`,
		Hint(locations.Location{Path: "me@nas:/srv/my b", Host: "me@nas", SSH: &locations.SSH{Port: 2222}}, "not created yet on me@nas"))
	assert.Equal(t, "mount the disc that holds it", Hint(locations.Location{Path: "/nonexistent/media/disk"}, ""))
	assert.False(t, NotCreated(locations.Location{Path: "/nonexistent/media/disk"}))
	assert.False(t, NotCreated(locations.Location{Path: "me@nas:/srv/b", Host: "me@nas"}))

	// A location whose disc is there (/proc is a mount point) but whose directory is not.
	l := locations.Location{Path: "/proc/micsync's backup", Role: locations.Backup}
	assert.True(t, NotCreated(l))
	assert.Equal(t, `create it: mkdir -p '/proc/micsync'\''s backup'`, Hint(l, ""))
}

func TestCancelledRunReachesNoHost(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	l := f.load(t, []string{work}, []string{"nas:" + mkdir(t, f.home, "nas")}, nil).Configs[0].Backup[0]
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	assert.Equal(t, "context canceled", New(ctx, rsyncplan.Runner{}, true).Unreachable(l))
	assert.Empty(t, f.calls(t, "nas"))
}
