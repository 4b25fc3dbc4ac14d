package reach

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/locations"
	"micsync/rsyncplan"
)

func TestRemoteReasons(t *testing.T) {
	other := locations.Marker{Config: "x", Role: "BACKUP", ID: "4567"}
	mine := locations.Marker{Config: "docs", Role: "BACKUP", ID: "0123"}
	tests := []struct {
		name     string
		host     string                         // "nas" when empty
		setup    func(t *testing.T, dir string) // dir does not exist yet
		markerID string                         // the marker the location must hold
		why      string                         // what the user sees; DIR is the location's path
		under    string                         // the directory below home that holds DIR
	}{
		{name: "there", setup: mkdirT},
		{name: "marked and its marker there", setup: withMarker(mine), markerID: "0123"},
		{name: "unmarked needs no marker", setup: withMarker(other)},
		{name: "missing", under: "media/disk", why: "does not exist on nas (disc not mounted there?)"},
		{name: "missing from an empty mount point", under: "empty", why: "does not exist on nas (disc not mounted there?)",
			setup: func(t *testing.T, dir string) { mkdirT(t, filepath.Dir(dir)) }},
		{name: "not created yet", why: "not created yet on nas"},
		{name: "a file", setup: func(t *testing.T, dir string) { require.NoError(t, os.WriteFile(dir, nil, 0o644)) },
			why: "not a directory"},
		{name: "marker missing", setup: mkdirT, markerID: "0123",
			why: "its marker .micsync-location is missing, so its disc is probably not mounted"},
		{name: "marker of another location", setup: withMarker(other), markerID: "0123",
			why: "its marker .micsync-location belongs to another location (x BACKUP), so another disc is mounted there"},
		{name: "marker damaged", markerID: "0123", setup: func(t *testing.T, dir string) {
			mkdirT(t, dir)
			require.NoError(t, os.WriteFile(filepath.Join(dir, locations.MarkerName), []byte("{"), 0o644))
		}, why: "marker DIR/.micsync-location is damaged"},
		{name: "no key", host: "me@denied", setup: mkdirT,
			why: `ssh could not log in to me@denied without a password (me@denied: Permission denied (publickey).): set up a key: ssh-keygen, then ssh-copy-id me@denied, and "identity" in the configuration's "ssh" settings if it is not your default key`},
		{name: "unknown host key", host: "stranger", setup: mkdirT,
			why: "ssh does not know the host key of stranger: connect once with ssh stranger to check and accept it"},
		{name: "ssh says nothing", host: "mute", setup: mkdirT, why: "no connection: ssh to mute failed"},
		{name: "host down", host: "down", setup: mkdirT, why: "no connection: ssh: connect to host down port 22: Connection refused"},
		{name: "connection closed before rsync's first word", host: "closed", setup: mkdirT,
			why: "no connection: Connection closed by 10.0.0.9 port 22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			dir := filepath.Join(f.home, tt.under, "nas")
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			host := tt.host
			if host == "" {
				host = "nas"
			}
			l := f.load(t, []string{mkdir(t, f.home, "w")}, []string{host + ":" + dir}, nil).Configs[0].Backup[0]
			l.MarkerID = tt.markerID
			assert.Equal(t, strings.ReplaceAll(tt.why, "DIR", l.Path), newChecker(t).Unreachable(l))
		})
	}
}

func TestRemoteCheckFailures(t *testing.T) {
	t.Run("a shell that talks", func(t *testing.T) {
		f := newFixture(t)
		l := f.load(t, []string{mkdir(t, f.home, "w")}, []string{"chatty:" + mkdir(t, f.home, "nas")}, nil).Configs[0].Backup[0]
		why := newChecker(t).Unreachable(l)
		assert.True(t, strings.HasPrefix(why, "rsync check of "+l.Path+" failed with exit status 2 ("), why)
		assert.Contains(t, why, "protocol incompatibility")
	})
	t.Run("no rsync", func(t *testing.T) {
		f := newFixture(t)
		l := f.load(t, []string{mkdir(t, f.home, "w")}, []string{"nas:" + mkdir(t, f.home, "nas")}, nil).Configs[0].Backup[0]
		c := New(t.Context(), rsyncplan.Runner{Program: "no-such-rsync"}, true)
		assert.Equal(t, "no-such-rsync not found in PATH: rsync is not installed", c.Unreachable(l))
	})
}

func TestSSHProblem(t *testing.T) {
	l := locations.Location{Path: "me@nas:/srv/b", Host: "me@nas"}
	tests := []struct{ stderr, want string }{
		{"Received disconnect from 10.0.0.2 port 22:2: Too many authentication failures\nDisconnected from 10.0.0.2 port 22\n",
			"ssh could not log in to me@nas without a password (Received disconnect from 10.0.0.2 port 22:2: Too many authentication failures; Disconnected from 10.0.0.2 port 22): set up a key"},
		{"ssh: Could not resolve hostname nas: Name or service not known\r\nrsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\nrsync error: unexplained error (code 255) at io.c(232) [Receiver=3.2.7]\n",
			"no connection: ssh: Could not resolve hostname nas: Name or service not known"},
		{"rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n", "no connection: ssh to me@nas failed"},
		{"", "no connection: ssh to me@nas failed"},
	}
	for _, tt := range tests {
		got := sshProblem(l, tt.stderr)
		assert.True(t, strings.HasPrefix(got, tt.want), "%q\ngives %q", tt.stderr, got)
		assert.NotContains(t, got, "\n", "one line")
	}
}

func TestMarkRemote(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	nas := mkdir(t, f.home, "nas")
	file := f.load(t, []string{work}, []string{"nas:" + nas}, nil)
	cfg := file.Configs[0]

	m, adopted, err := newChecker(t).Mark(cfg, cfg.Backup[0])
	require.NoError(t, err)
	assert.False(t, adopted)
	assert.Equal(t, "docs", m.Config)
	assert.Equal(t, "BACKUP", m.Role)
	assert.Len(t, m.ID, 32)
	onDisc, err := locations.ReadMarker(nas)
	require.NoError(t, err, "the marker is written on the host")
	assert.Equal(t, m, onDisc)
	fi, err := os.Stat(filepath.Join(nas, locations.MarkerName))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())

	// It is remembered: the next run wants it there.
	l := f.load(t, []string{work}, []string{"nas:" + nas}, nil).Configs[0].Backup[0]
	assert.Equal(t, m.ID, l.MarkerID)
	assert.Empty(t, newChecker(t).Unreachable(l))
	require.NoError(t, os.Remove(filepath.Join(nas, locations.MarkerName)))
	assert.Contains(t, newChecker(t).Unreachable(l), "marker .micsync-location is missing")
}

func TestMarkRemoteAdoptsItsMarker(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	nas := mkdir(t, f.home, "nas")
	before := locations.Marker{Config: "old", Role: "BACKUP", ID: "89ab"}
	writeMarker(t, nas, before)
	data, err := os.ReadFile(filepath.Join(nas, locations.MarkerName))
	require.NoError(t, err)
	cfg := f.load(t, []string{work}, []string{"nas:" + nas}, nil).Configs[0]

	m, adopted, err := newChecker(t).Mark(cfg, cfg.Backup[0])
	require.NoError(t, err)
	assert.True(t, adopted, "the disc was marked before")
	assert.Equal(t, before, m)
	after, err := os.ReadFile(filepath.Join(nas, locations.MarkerName))
	require.NoError(t, err)
	assert.Equal(t, string(data), string(after), "the marker is kept as it is")
	assert.Equal(t, "89ab", f.load(t, []string{work}, []string{"nas:" + nas}, nil).Configs[0].Backup[0].MarkerID)
	assert.Len(t, f.calls(t, "nas"), 1, "one connection reads the marker; nothing is written")
}

func TestMarkRemoteFailures(t *testing.T) {
	tests := []struct {
		name, host string
		setup      func(t *testing.T, dir string)
		err        string // DIR is the location's path
	}{
		{name: "missing", host: "nas", err: "BACKUP DIR is unreachable: not created yet on nas"},
		{name: "no key", host: "denied", setup: mkdirT, err: "BACKUP DIR is unreachable: ssh could not log in to denied without a password"},
		{name: "damaged marker", host: "nas", setup: func(t *testing.T, dir string) {
			mkdirT(t, dir)
			require.NoError(t, os.WriteFile(filepath.Join(dir, locations.MarkerName), []byte("{"), 0o644))
		}, err: "marker DIR/.micsync-location is damaged"},
		{name: "connection lost before the write", host: "once", setup: mkdirT,
			err: "write marker: rsync writing the marker failed with exit status "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			work := mkdir(t, f.home, "w")
			dir := filepath.Join(f.home, "nas")
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			var before []byte
			if tt.setup != nil {
				before, _ = os.ReadFile(filepath.Join(dir, locations.MarkerName))
			}
			cfg := f.load(t, []string{work}, []string{tt.host + ":" + dir}, nil).Configs[0]
			_, _, err := newChecker(t).Mark(cfg, cfg.Backup[0])
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), strings.ReplaceAll(tt.err, "DIR", cfg.Backup[0].Path)), err.Error())

			after, _ := os.ReadFile(filepath.Join(dir, locations.MarkerName))
			assert.Equal(t, string(before), string(after), "no marker written or changed")
			assert.Empty(t, f.load(t, []string{work}, []string{tt.host + ":" + dir}, nil).Configs[0].Backup[0].MarkerID, "nothing remembered")
		})
	}
}

func mkdirT(t *testing.T, dir string) { mkdir(t, dir) }

func withMarker(m locations.Marker) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		mkdir(t, dir)
		writeMarker(t, dir, m)
	}
}
