package locations

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRemoteLocations(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	cfg := filepath.Join(tmp, "micsync.json")
	writeFile(t, cfg, `{"configs": [
  {"name": "docs", "work": ["~/Documents"],
   "backup": ["nas:/srv/backup/Docs/", "me@server:/data//Docs", "ssh://me@10.0.0.2:2222/data/Docs", "ssh://box/b"],
   "ssh": {"port": 2200, "identity": "~/.ssh/id_backup", "options": ["-o", "Compression=yes"], "timeout": 2.5}}
]}`)
	f, err := Load(cfg)
	require.NoError(t, err)
	c := f.Configs[0]
	s := &SSH{Port: 2200, Identity: filepath.Join(tmp, "home", ".ssh", "id_backup"), Options: []string{"-o", "Compression=yes"}, Timeout: 2.5}
	assert.Equal(t, s, c.SSH, "the identity is made absolute")
	assert.Equal(t, Location{Path: "nas:/srv/backup/Docs", Raw: "nas:/srv/backup/Docs/", Role: Backup, Host: "nas", SSH: s}, c.Backup[0])
	assert.Equal(t, "me@server:/data/Docs", c.Backup[1].Path, "the path is cleaned")
	assert.Equal(t, "me@server", c.Backup[1].Host)
	b2 := c.Backup[2]
	assert.Equal(t, "me@10.0.0.2:/data/Docs", b2.Path, "rsync's address; the port goes to ssh")
	assert.Equal(t, 2222, b2.SSH.Port, "the port of an ssh:// address beats the configuration's")
	assert.Equal(t, 2200, c.SSH.Port, "and leaves the configuration's settings alone")
	assert.Equal(t, "box:/b", c.Backup[3].Path)
	assert.True(t, b2.Remote())
	assert.False(t, c.Work[0].Remote())
	assert.Equal(t, "/data/Docs", b2.Dir())
	assert.Equal(t, c.Work[0].Path, c.Work[0].Dir())

	assert.Equal(t, []string{"ssh", "-o", "Compression=yes", "-p", "2222", "-i", s.Identity, "-o", "ConnectTimeout=3",
		"-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "-o", "BatchMode=yes"},
		b2.SSH.Command(true), "the user's options first: ssh takes the first value of a setting")
	assert.Equal(t, []string{"ssh", "-o", "ConnectTimeout=5", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"}, (*SSH)(nil).Command(false))
	assert.Equal(t, 2500*time.Millisecond, s.ConnectTimeout())
	assert.Equal(t, DefaultTimeout, (*SSH)(nil).ConnectTimeout())
	assert.Equal(t, "on another host, not checked", b2.Unreachable(), "never taken as reachable without asking the host")
}

func TestRemoteLocationErrors(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", tmp)
	tests := []struct{ backup, ssh, problem string }{
		{`"nas:backup"`, ``, `BACKUP nas:backup: the path on nas must be absolute, like nas:/home/me/backup`},
		{`"nas:~/backup"`, ``, `the path on nas must be absolute`},
		{`"nas::module"`, ``, `rsync daemon addresses (host::module) are not supported`},
		{`"-oProxyCommand=x:/a"`, ``, `a user or host name cannot start with a dash`},
		{`"@nas:/a"`, ``, `has no host name`},
		{`"me;rm@nas:/a"`, ``, `cannot hold ';'`},
		{`"nas:/"`, ``, `is a filesystem root`},
		{`"ssh://nas:99999/a"`, ``, `99999`},
		{`"ssh://nas"`, ``, `must be absolute`},
		{`"ssh://nas/a?x=1"`, ``, `write it ssh://user@host:port/path`},
		{`"nas:/a", "me@nas:/a/b"`, ``, `BACKUP me@nas:/a/b is inside BACKUP nas:/a`},
		{`"nas:/a", "ssh://nas:22/a"`, `"ssh": {"port": 22},`, `are both nas:/a`},
		{`"nas:/a"`, `"ssh": {"port": -1},`, `"ssh": port -1 is not a port number`},
		{`"nas:/a"`, `"ssh": {"timeout": -1},`, `"ssh": timeout -1 is negative`},
		{`"nas:/a"`, `"ssh": {"options": [""]},`, `"ssh": options holds an empty string`},
		{`"nas:/a"`, `"ssh": {"port": "22"},`, `"ssh": "port" must be a number`},
		{`"nas:/a"`, `"ssh": ["-p", "22"],`, `"ssh" must be an object`},
	}
	for _, tt := range tests {
		t.Run(tt.backup+tt.ssh, func(t *testing.T) {
			cfg := filepath.Join(tmp, "micsync.json")
			writeFile(t, cfg, `{"configs": [{"name": "docs", `+tt.ssh+` "work": ["`+tmp+`/w"], "backup": [`+tt.backup+`]}]}`)
			_, err := Load(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
			assert.Contains(t, err.Error(), `configuration "docs"`)
		})
	}
}

func TestRemoteOverlapIsPerHost(t *testing.T) {
	tmp := tempDir(t)
	cfg := filepath.Join(tmp, "micsync.json")
	// The same paths on two hosts, or on one host behind two ports, are different directories;
	// a local path equal to a remote one is too.
	writeFile(t, cfg, `{"configs": [{"name": "docs", "work": ["/data/w", "nas:/data/w/x"],
	  "backup": ["other:/data/w", "ssh://nas:2222/data/w", "/data/b", "nas:/data/b"]}]}`)
	_, err := Load(cfg)
	require.NoError(t, err)
}
