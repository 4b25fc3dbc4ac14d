package locations

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderNewFile(t *testing.T) {
	data, err := Render(nil, Entry{Name: "docs", Work: []string{"~/Documents"}, Backup: []string{"/mnt/a&b/Documents"}})
	require.NoError(t, err)
	assert.Equal(t, `{
  "configs": [
    {
      "name": "docs",
      "work": [
        "~/Documents"
      ],
      "backup": [
        "/mnt/a&b/Documents"
      ]
    }
  ]
}
`, string(data))
}

func TestRenderKeepsWhatIsThere(t *testing.T) {
	existing := `{"version": 2, "configs": [{"name": "photos", "comment": "kept", "work": ["~/Pictures"], "backup": ["/mnt/p"]}]}`
	data, err := Render([]byte(existing), Entry{Name: "docs", Work: []string{"/w"}, Backup: []string{"/b"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"version": 2, "configs": [
		{"name": "photos", "comment": "kept", "work": ["~/Pictures"], "backup": ["/mnt/p"]},
		{"name": "docs", "work": ["/w"], "backup": ["/b"]}]}`, string(data))
}

func TestRenderRefusesBrokenFile(t *testing.T) {
	_, err := Render([]byte(`{"configs": [`), Entry{Name: "docs"})
	assert.ErrorContains(t, err, "read the existing configurations")
	_, err = Render([]byte(`{"configs": {"name": "x"}}`), Entry{Name: "docs"})
	assert.ErrorContains(t, err, `"configs"`)
}

func TestCheckLocations(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", tmp)
	tests := []struct {
		work, backup []string
		err          string
	}{
		{[]string{"~/Documents"}, nil, ""},
		{nil, []string{"/mnt/disk/Documents"}, ""},
		{[]string{"~/Documents"}, []string{"/mnt/disk/Documents", "rel/dir"}, ""},
		{[]string{""}, nil, `"work" holds an empty path`},
		{nil, []string{"/"}, "BACKUP / is a filesystem root: a whole filesystem cannot be a location"},
		{[]string{"~/Documents"}, []string{"~/Documents/backup"}, "BACKUP " + tmp + "/Documents/backup is inside WORKING " + tmp + "/Documents"},
		{[]string{"/w", "/w/"}, nil, "WORKING /w and WORKING /w/ are both /w"},
		{[]string{"rel"}, []string{tmp + "/conf/rel"}, "WORKING rel and BACKUP " + tmp + "/conf/rel are both " + tmp + "/conf/rel"},
	}
	for _, tt := range tests {
		err := CheckLocations(tt.work, tt.backup, filepath.Join(tmp, "conf"), nil)
		if tt.err == "" {
			assert.NoError(t, err, tt)
		} else {
			assert.EqualError(t, err, tt.err, tt)
		}
	}

	// The answers are checked against the configurations there are already.
	others := []*Config{{Name: "photos",
		Work:   []Location{{Path: tmp + "/Pictures", Raw: "~/Pictures", Role: Work}},
		Backup: []Location{{Path: "/mnt/disk/photos", Raw: "/mnt/disk/photos", Role: Backup}}}}
	for _, tt := range []struct {
		work, backup []string
		err          string
	}{
		{[]string{"~/Pictures"}, []string{"/mnt/nas/photos"}, ""},
		{[]string{"~/Pictures/"}, nil, ""},
		{[]string{"~/Pictures/raw"}, nil, `WORKING ` + tmp + `/Pictures/raw is inside WORKING ` + tmp + `/Pictures of configuration "photos"`},
		{[]string{"~"}, nil, `WORKING ` + tmp + `/Pictures of configuration "photos" is inside WORKING ` + tmp},
		{nil, []string{"/mnt/disk/photos/x"}, `BACKUP /mnt/disk/photos/x is inside BACKUP /mnt/disk/photos of configuration "photos"`},
		{[]string{"/mnt/disk"}, nil, `BACKUP /mnt/disk/photos of configuration "photos" is inside WORKING /mnt/disk`},
		{nil, []string{"~/Pictures"}, `BACKUP ~/Pictures and WORKING ~/Pictures of configuration "photos" are both ` + tmp + "/Pictures"},
	} {
		err := CheckLocations(tt.work, tt.backup, filepath.Join(tmp, "conf"), others)
		if tt.err == "" {
			assert.NoError(t, err, tt)
		} else {
			assert.EqualError(t, err, tt.err, tt)
		}
	}
}

func TestWriteFile(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", tmp)
	t.Setenv("XDG_STATE_HOME", filepath.Join(tmp, "state"))
	path := filepath.Join(tmp, "micsync.json")
	data, err := Render(nil, Entry{Name: "docs", Work: []string{"~/Documents"}, Backup: []string{"disk/Documents"}})
	require.NoError(t, err)

	f, err := WriteFile(path, data)
	require.NoError(t, err)
	assert.Equal(t, path, f.Path)
	require.Len(t, f.Configs, 1)
	assert.Equal(t, filepath.Join(tmp, "disk", "Documents"), f.Configs[0].Backup[0].Path, "relative to the config file's directory")
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(written))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assertOnly(t, tmp, "micsync.json")
}

func TestWriteFileReplacesWithMode0600(t *testing.T) {
	tmp := tempDir(t)
	path := filepath.Join(tmp, "micsync.json")
	writeFile(t, path, "old") // mode 0644
	_, err := WriteFile(path, []byte(`{"configs": [{"name": "n", "work": ["/w"], "backup": ["/b"]}]}`))
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestWriteFileRefusesInvalid(t *testing.T) {
	tmp := tempDir(t)
	path := filepath.Join(tmp, "micsync.json")
	writeFile(t, path, "old")
	for data, msg := range map[string]string{
		`{"configs": [{"name": "n", "work": ["/w"], "backup": ["/w/b"]}]}`:                                                `config ` + path + `: configuration "n": BACKUP /w/b is inside WORKING /w`,
		`{"configs": [{"name": "n", "work": ["/w"], "backup": ["/b"]}, {"name": "n", "work": ["/x"], "backup": ["/y"]}]}`: `config ` + path + `: configuration "n": the name is also used by configuration #1`,
		`{"configs": [`: `config ` + path + `: invalid JSON at line 1, column 13: unexpected end of JSON input`,
	} {
		_, err := WriteFile(path, []byte(data))
		assert.EqualError(t, err, msg)
		old, rerr := os.ReadFile(path)
		require.NoError(t, rerr)
		assert.Equal(t, "old", string(old), "an invalid file is never written")
	}
	assertOnly(t, tmp, "micsync.json")
}

func TestWriteFileThroughSymlink(t *testing.T) {
	tmp := tempDir(t)
	target := filepath.Join(tmp, "dotfiles", "micsync.json")
	writeFile(t, target, "old")
	link := filepath.Join(tmp, "micsync.json")
	require.NoError(t, os.Symlink(target, link))
	data := `{"configs": [{"name": "n", "work": ["/w"], "backup": ["/b"]}]}`
	_, err := WriteFile(link, []byte(data))
	require.NoError(t, err)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.Equal(t, os.ModeSymlink, fi.Mode().Type(), "the link stays")
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, data, string(got))
	assertOnly(t, filepath.Dir(target), "micsync.json")
}

// assertOnly checks that dir holds name and nothing else: no temporary file is left behind.
func assertOnly(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	assert.Equal(t, []string{name}, names)
}
