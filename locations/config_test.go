package locations

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultPath(t *testing.T) {
	t.Run("MICSYNC_CONFIG", func(t *testing.T) {
		t.Setenv("MICSYNC_CONFIG", "/etc/micsync.json")
		t.Setenv("HOME", "/home/me")
		p, err := DefaultPath()
		require.NoError(t, err)
		assert.Equal(t, "/etc/micsync.json", p)
	})
	t.Run("HOME", func(t *testing.T) {
		t.Setenv("MICSYNC_CONFIG", "")
		t.Setenv("HOME", "/home/me")
		p, err := DefaultPath()
		require.NoError(t, err)
		assert.Equal(t, "/home/me/.micsync.json", p)
	})
	t.Run("HOME empty", func(t *testing.T) {
		t.Setenv("MICSYNC_CONFIG", "")
		t.Setenv("HOME", "")
		_, err := DefaultPath()
		assert.EqualError(t, err, "HOME is not set")
	})
	t.Run("HOME unset", func(t *testing.T) {
		t.Setenv("MICSYNC_CONFIG", "")
		t.Setenv("HOME", "x") // restores HOME after the test
		require.NoError(t, os.Unsetenv("HOME"))
		_, err := DefaultPath()
		assert.EqualError(t, err, "HOME is not set")
	})
}

func TestLoad(t *testing.T) {
	tmp := tempDir(t)
	home := filepath.Join(tmp, "home")
	require.NoError(t, os.MkdirAll(filepath.Join(home, "Documents"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "disk", "Docs"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "real", "w"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "a", "b"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(tmp, "real"), filepath.Join(home, "link")))
	t.Setenv("HOME", home)
	cfg := filepath.Join(tmp, "conf", "micsync.json")
	writeFile(t, cfg, fmt.Sprintf(`{
  "configs": [
    {"name": "documents",
     "work": ["~/Documents"], "backup": ["../disk/Docs", "%[1]s/unplugged/Docs/"]},
    {"name": "linked", "work": ["~/Documents", "~/link/w"], "backup": ["~/link/../link/new/Sub"]},
    {"name": "misc", "work": ["%[1]s/misc"], "backup": ["%[1]s/a/bc", "%[1]s/a/b"]}
  ]
}`, tmp))
	t.Chdir(tmp)

	f, err := Load("conf/micsync.json")
	require.NoError(t, err)

	assert.Equal(t, cfg, f.Path, "the path is made absolute")
	require.Len(t, f.Configs, 3)
	docs, linked, misc := f.Configs[0], f.Configs[1], f.Configs[2]
	assert.Equal(t, &Config{
		Name: "documents",
		Work: []Location{{Path: filepath.Join(home, "Documents"), Raw: "~/Documents", Role: Work}},
		Backup: []Location{
			{Path: filepath.Join(tmp, "disk", "Docs"), Raw: "../disk/Docs", Role: Backup},
			{Path: filepath.Join(tmp, "unplugged", "Docs"), Raw: tmp + "/unplugged/Docs/", Role: Backup},
		},
	}, docs)
	assert.Equal(t, &Config{
		Name: "linked",
		Work: []Location{
			{Path: filepath.Join(home, "Documents"), Raw: "~/Documents", Role: Work},
			{Path: filepath.Join(tmp, "real", "w"), Raw: "~/link/w", Role: Work},
		},
		Backup: []Location{{Path: filepath.Join(tmp, "real", "new", "Sub"), Raw: "~/link/../link/new/Sub", Role: Backup}},
	}, linked, "symlinks are resolved, also in front of a part that does not exist")
	assert.Equal(t, []string{filepath.Join(tmp, "a", "bc"), filepath.Join(tmp, "a", "b")},
		[]string{misc.Backup[0].Path, misc.Backup[1].Path}, "/a/bc is not inside /a/b")

	assert.True(t, docs.Work[0].Reachable())
	assert.True(t, docs.Backup[0].Reachable())
	assert.False(t, docs.Backup[1].Reachable(), "a location that does not exist is valid but not reachable")
	assert.Same(t, linked, f.Lookup("linked"))
}

func TestLoadTildeAloneIsHome(t *testing.T) {
	tmp := tempDir(t)
	home := filepath.Join(tmp, "home")
	require.NoError(t, os.MkdirAll(home, 0o755))
	t.Setenv("HOME", home)
	cfg := filepath.Join(tmp, "micsync.json")
	writeFile(t, cfg, `{"configs": [{"name": "home", "work": ["~"], "backup": ["/mnt/home"]}]}`)

	f, err := Load(cfg)
	require.NoError(t, err)
	assert.Equal(t, home, f.Configs[0].Work[0].Path, `"~" alone is HOME`)
}

// A file saved with a UTF-8 byte-order mark (some Windows editors write one) loads; errors
// still point at the right line and column.
func TestLoadWithAByteOrderMark(t *testing.T) {
	tmp := tempDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "w"), 0o755))
	cfg := filepath.Join(tmp, "micsync.json")
	writeFile(t, cfg, "\uFEFF"+`{"configs": [{"name": "c", "work": ["w"], "backup": ["b"]}]}`)
	f, err := Load(cfg)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(tmp, "w"), f.Configs[0].Work[0].Path)

	writeFile(t, cfg, "\uFEFF"+"{\n  \"configs\": [,]\n}")
	_, err = Load(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
}

func TestLoadNotFound(t *testing.T) {
	p := filepath.Join(tempDir(t), "missing.json")
	_, err := Load(p)

	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, p, nf.Path)
	assert.EqualError(t, err, "config file "+p+" not found")
}

func TestLoadUnreadable(t *testing.T) {
	p := tempDir(t) // a directory cannot be read as a file, even by root
	_, err := Load(p)

	require.Error(t, err)
	var pe *fs.PathError
	assert.ErrorAs(t, err, &pe, "the os error is wrapped")
	assert.Contains(t, err.Error(), p)
	assert.Contains(t, err.Error(), "read config")
	var nf *NotFoundError
	assert.False(t, errors.As(err, &nf))
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		json    string // %[1]s is the temporary directory
		home    string // HOME; "" for the directory "home" in the temporary directory
		noHome  bool   // HOME empty
		config  string // the configuration label, "" for none
		problem string
	}{
		{name: "syntax", json: "{\n  \"configs\": [\n    {\"name\": \"a\" \"work\"}\n  ]\n}",
			problem: "invalid JSON at line 3, column 18: invalid character '\"' after object key:value pair"},
		{name: "trailing comma in an object", json: "{\n  \"configs\": [\n    {\"name\": \"a\",}\n  ]\n}",
			problem: "trailing comma at line 3, column 17: JSON allows no comma after the last item of a list or an object"},
		{name: "trailing comma in a list", json: "{\"configs\": [{\"name\": \"a\", \"work\": [\"/w\",\n  ], \"backup\": [\"/b\"]}]}",
			problem: "trailing comma at line 1, column 41: JSON allows no comma"},
		{name: "comma between items is no trailing comma", json: `{"configs": [1, , 2]}`,
			problem: "invalid JSON at line 1, column 17: invalid character ','"},
		{name: "unknown top-level key", json: `{"version": 1, "configs": [{"name": "a", "work": ["/w"], "backup": ["/b"]}]}`,
			problem: `unknown key "version" at line 1, column 2: the top level holds only "configs"`},
		{name: "misspelt top-level key", json: `{"config": [{"name": "a", "work": ["/w"], "backup": ["/b"]}]}`,
			problem: `unknown key "config" at line 1, column 2: did you mean "configs"?`},
		{name: "misspelt key of a configuration", json: "{\"configs\": [\n  {\"name\": \"a\", \"work\": [\"/w\"], \"backup\": [\"/b\"]},\n  {\"name\": \"b\", \"work\": [\"/w2\"],\n   \"bakup\": [\"/b2\"]}]}",
			config: `configuration "b"`, problem: `unknown key "bakup" at line 4, column 4: did you mean "backup"?`},
		{name: "key in another case", json: `{"configs": [{"Name": "a", "work": ["/w"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `unknown key "Name" at line 1, column 15: did you mean "name"?`},
		{name: "unknown key far from any", json: `{"configs": [{"name": "a", "comment": "x", "work": ["/w"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `unknown key "comment" at line 1, column 28: the keys of a configuration are "name", "work", "backup", "ssh", "keep", "exclude", "only" and "gitignore"`},
		{name: "misspelt ssh key", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "ssh": {"prot": 22}}]}`,
			config: `configuration "a"`, problem: `unknown key "prot" at line 1, column 70: did you mean "port"?`},
		{name: "unknown ssh key", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "ssh": {"user": "me"}}]}`,
			config: `configuration "a"`, problem: `unknown key "user" at line 1, column 70: the keys of "ssh" are "port", "identity", "options" and "timeout"`},
		{name: "key given twice", json: "{\"configs\": [{\"name\": \"a\",\n  \"work\": [\"/w\"],\n  \"backup\": [\"/b\"],\n  \"work\": [\"/w2\"]}]}",
			config: `configuration "a"`, problem: `key "work" given twice at line 4, column 3: it is also at line 2, column 3; keep one`},
		{name: "top-level key given twice", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"]}], "configs": []}`,
			problem: `key "configs" given twice at line 1, column 64: it is also at line 1, column 2; keep one`},
		{name: "ssh key given twice", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "ssh": {"port": 22, "port": 23}}]}`,
			config: `configuration "a"`, problem: `key "port" given twice at line 1, column 82: it is also at line 1, column 70; keep one`},
		{name: "escaped quote in an unknown key", json: `{"configs": [{"name": "a", "wo\"rk": ["/w"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `unknown key "wo\"rk" at line 1, column 28`},
		{name: "unknown keep value", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "keep": ["xatrs"]}]}`,
			config: `configuration "a"`, problem: `"keep" holds "xatrs", which micsync does not know: did you mean "xattrs"?`},
		{name: "keep value far from any", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "keep": ["owners"]}]}`,
			config: `configuration "a"`, problem: `"keep" holds "owners", which micsync does not know: it may hold "xattrs" and "acls"`},
		{name: "keep value twice", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "keep": ["acls", "acls"]}]}`,
			config: `configuration "a"`, problem: `"keep" holds "acls" twice`},
		{name: "keep not a list", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"], "keep": "xattrs"}]}`,
			config: `configuration "a"`, problem: `"keep" must be a list of strings: ["xattrs", "acls"]`},
		{name: "truncated", json: `{"configs": [`,
			problem: "invalid JSON at line 1, column 13: unexpected end of JSON input"},
		{name: "empty file", json: "",
			problem: "invalid JSON at line 1, column 1: unexpected end of JSON input"},
		{name: "column counts characters", json: `{"configs": [{"name": "café" x`,
			problem: "invalid JSON at line 1, column 30: invalid character 'x'"},
		{name: "top level not an object", json: `["a"]`,
			problem: "wrong type at line 1, column 1: the top level must be an object"},
		{name: "configs not a list", json: `{"configs": {"name": "a"}}`,
			problem: `wrong type at line 1, column 13: "configs" must be a list of objects`},
		{name: "configuration not an object", json: `{"configs": [7]}`, config: "configuration #1",
			problem: `wrong type at line 1, column 14: "configs" must be a list of objects`},
		{name: "name not a string", json: `{"configs": [{"name": 3, "work": ["/w"], "backup": ["/b"]}]}`, config: "configuration #1",
			problem: `wrong type at line 1, column 23: "name" must be a string`},
		{name: "work not a list", json: `{"configs": [
  {"name": "a", "work": ["/w"], "backup": ["/b"]},
  {"name": "b", "work": "/w2", "backup": ["/b2"]}
]}`, config: `configuration "b"`,
			problem: `wrong type at line 3, column 29: "work" must be a list of strings`},
		{name: "backup not a list of strings", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b", 2]}]}`,
			config: `configuration "a"`, problem: `wrong type at line 1, column 61: "backup" must be a list of strings`},
		{name: "no configs", json: `{}`, problem: `no configurations: "configs" is missing or empty`},
		{name: "empty configs", json: `{"configs": []}`, problem: `no configurations: "configs" is missing or empty`},
		{name: "null", json: `null`, problem: `no configurations: "configs" is missing or empty`},
		{name: "no name", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b"]}, {"work": ["/w"], "backup": ["/b"]}]}`,
			config: "configuration #2", problem: `"name" is missing or empty`},
		{name: "empty name", json: `{"configs": [{"name": "", "work": ["/w"], "backup": ["/b"]}]}`,
			config: "configuration #1", problem: `"name" is missing or empty`},
		{name: "no work", json: `{"configs": [{"name": "a", "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `"work" is missing`},
		{name: "no backup", json: `{"configs": [{"name": "a", "work": ["/w"]}]}`,
			config: `configuration "a"`, problem: `"backup" is missing`},
		{name: "empty work", json: `{"configs": [{"name": "a", "work": [], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `"work" is empty: a configuration needs at least one WORKING location`},
		{name: "empty backup", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": []}]}`,
			config: `configuration "a"`, problem: `"backup" is empty: a configuration needs at least one BACKUP location`},
		{name: "empty work path", json: `{"configs": [{"name": "a", "work": ["/w", ""], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `"work" holds an empty path`},
		{name: "empty backup path", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": [""]}]}`,
			config: `configuration "a"`, problem: `"backup" holds an empty path`},
		{name: "duplicate name", json: `{"configs": [
  {"name": "a", "work": ["/w1"], "backup": ["/b1"]},
  {"name": "b", "work": ["/w2"], "backup": ["/b2"]},
  {"name": "a", "work": ["/w3"], "backup": ["/b3"]}]}`,
			config: `configuration "a"`, problem: "the name is also used by configuration #1"},
		{name: "root", json: `{"configs": [{"name": "a", "work": ["/"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: "WORKING / is a filesystem root: a whole filesystem cannot be a location"},
		{name: "root after cleaning", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["/b/../.."]}]}`,
			config: `configuration "a"`, problem: "BACKUP /b/../.. is a filesystem root"},
		{name: "root as HOME", home: "/", json: `{"configs": [{"name": "a", "work": ["~"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: "WORKING ~ is a filesystem root"},
		{name: "no HOME", noHome: true, json: `{"configs": [{"name": "a", "work": ["~/w"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: `WORKING ~/w: HOME is not set, so "~" cannot be expanded`},
		{name: "WORKINGs equal", json: `{"configs": [{"name": "a", "work": ["%[1]s/w", "%[1]s/w/"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: "WORKING %[1]s/w and WORKING %[1]s/w/ are both %[1]s/w"},
		{name: "WORKINGs nested", json: `{"configs": [{"name": "a", "work": ["~/w", "~/w/sub"], "backup": ["/b"]}]}`,
			config: `configuration "a"`, problem: "WORKING %[1]s/home/w/sub is inside WORKING %[1]s/home/w"},
		{name: "BACKUPs nested", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["%[1]s/b/x", "%[1]s/b"]}]}`,
			config: `configuration "a"`, problem: "BACKUP %[1]s/b/x is inside BACKUP %[1]s/b"},
		{name: "BACKUPs equal", json: `{"configs": [{"name": "a", "work": ["/w"], "backup": ["%[1]s/b", "%[1]s/x/../b"]}]}`,
			config: `configuration "a"`, problem: "BACKUP %[1]s/b and BACKUP %[1]s/x/../b are both %[1]s/b"},
		{name: "BACKUP inside WORKING", json: `{"configs": [{"name": "a", "work": ["%[1]s/w"], "backup": ["%[1]s/w/b"]}]}`,
			config: `configuration "a"`, problem: "BACKUP %[1]s/w/b is inside WORKING %[1]s/w"},
		{name: "WORKING inside BACKUP", json: `{"configs": [{"name": "a", "work": ["%[1]s/b/w"], "backup": ["%[1]s/b"]}]}`,
			config: `configuration "a"`, problem: "WORKING %[1]s/b/w is inside BACKUP %[1]s/b"},
		{name: "WORKING and BACKUP equal", json: `{"configs": [{"name": "a", "work": ["%[1]s/d"], "backup": ["%[1]s/d"]}]}`,
			config: `configuration "a"`, problem: "WORKING %[1]s/d and BACKUP %[1]s/d are both %[1]s/d"},
		{name: "equal through a symlink", json: `{"configs": [{"name": "a", "work": ["%[1]s/real"], "backup": ["%[1]s/link"]}]}`,
			config: `configuration "a"`, problem: "WORKING %[1]s/real and BACKUP %[1]s/link are both %[1]s/real"},
		{name: "nested through a symlink", json: `{"configs": [{"name": "a", "work": ["%[1]s/link/sub"], "backup": ["%[1]s/real"]}]}`,
			config: `configuration "a"`, problem: "WORKING %[1]s/real/sub is inside BACKUP %[1]s/real"},
		{name: "BACKUP equal to another configuration's BACKUP", json: `{"configs": [
  {"name": "docs", "work": ["%[1]s/Documents"], "backup": ["%[1]s/disk/x"]},
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/disk/x/"]}]}`,
			config: `configuration "photos"`, problem: `BACKUP %[1]s/disk/x/ and BACKUP %[1]s/disk/x of configuration "docs" are both %[1]s/disk/x`},
		{name: "BACKUP inside another configuration's BACKUP", json: `{"configs": [
  {"name": "docs", "work": ["%[1]s/Documents"], "backup": ["%[1]s/disk"]},
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/disk/photos"]}]}`,
			config: `configuration "photos"`, problem: `BACKUP %[1]s/disk/photos is inside BACKUP %[1]s/disk of configuration "docs"`},
		{name: "BACKUP around another configuration's BACKUP", json: `{"configs": [
  {"name": "docs", "work": ["%[1]s/Documents"], "backup": ["%[1]s/disk/docs"]},
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/disk"]}]}`,
			config: `configuration "photos"`, problem: `BACKUP %[1]s/disk/docs of configuration "docs" is inside BACKUP %[1]s/disk`},
		{name: "BACKUP inside another configuration's WORKING", json: `{"configs": [
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/disk/photos"]},
  {"name": "docs", "work": ["%[1]s/Documents"], "backup": ["%[1]s/Pictures/docs"]}]}`,
			config: `configuration "docs"`, problem: `BACKUP %[1]s/Pictures/docs is inside WORKING %[1]s/Pictures of configuration "photos"`},
		{name: "WORKING inside another configuration's BACKUP", json: `{"configs": [
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/disk/photos"]},
  {"name": "docs", "work": ["%[1]s/disk/photos/docs"], "backup": ["%[1]s/disk/docs"]}]}`,
			config: `configuration "docs"`, problem: `WORKING %[1]s/disk/photos/docs is inside BACKUP %[1]s/disk/photos of configuration "photos"`},
		{name: "WORKING around another configuration's BACKUP", json: `{"configs": [
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/home/photos"]},
  {"name": "docs", "work": ["%[1]s/home"], "backup": ["%[1]s/disk/docs"]}]}`,
			config: `configuration "docs"`, problem: `BACKUP %[1]s/home/photos of configuration "photos" is inside WORKING %[1]s/home`},
		{name: "WORKING equal to another configuration's BACKUP", json: `{"configs": [
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/disk/photos"]},
  {"name": "docs", "work": ["%[1]s/disk/photos"], "backup": ["%[1]s/disk/docs"]}]}`,
			config: `configuration "docs"`, problem: `WORKING %[1]s/disk/photos and BACKUP %[1]s/disk/photos of configuration "photos" are both %[1]s/disk/photos`},
		{name: "WORKING inside another configuration's WORKING", json: `{"configs": [
  {"name": "home", "work": ["~"], "backup": ["%[1]s/disk/home"]},
  {"name": "docs", "work": ["~/Documents"], "backup": ["%[1]s/disk/docs"]}]}`,
			config: `configuration "docs"`, problem: `WORKING %[1]s/home/Documents is inside WORKING %[1]s/home of configuration "home"`},
		{name: "WORKING around another configuration's WORKING", json: `{"configs": [
  {"name": "docs", "work": ["~/Documents"], "backup": ["%[1]s/disk/docs"]},
  {"name": "home", "work": ["~"], "backup": ["%[1]s/disk/home"]}]}`,
			config: `configuration "home"`, problem: `WORKING %[1]s/home/Documents of configuration "docs" is inside WORKING %[1]s/home`},
		{name: "WORKING inside another configuration's WORKING through a symlink", json: `{"configs": [
  {"name": "real", "work": ["%[1]s/real"], "backup": ["%[1]s/disk/real"]},
  {"name": "sub", "work": ["%[1]s/link/sub"], "backup": ["%[1]s/disk/sub"]}]}`,
			config: `configuration "sub"`, problem: `WORKING %[1]s/real/sub is inside WORKING %[1]s/real of configuration "real"`},
		{name: "remote WORKING inside another configuration's WORKING on the same host", json: `{"configs": [
  {"name": "srv", "work": ["nas:/srv"], "backup": ["%[1]s/disk/srv"]},
  {"name": "www", "work": ["me@nas:/srv/www"], "backup": ["%[1]s/disk/www"]}]}`,
			config: `configuration "www"`, problem: `WORKING me@nas:/srv/www is inside WORKING nas:/srv of configuration "srv"`},
		{name: "BACKUP equal to another configuration's BACKUP through a symlink", json: `{"configs": [
  {"name": "docs", "work": ["%[1]s/Documents"], "backup": ["%[1]s/real"]},
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["%[1]s/link"]}]}`,
			config: `configuration "photos"`, problem: `BACKUP %[1]s/link and BACKUP %[1]s/real of configuration "docs" are both %[1]s/real`},
		{name: "remote BACKUP equal to another configuration's on the same host", json: `{"configs": [
  {"name": "docs", "work": ["%[1]s/Documents"], "backup": ["nas:/srv/b"]},
  {"name": "photos", "work": ["%[1]s/Pictures"], "backup": ["me@nas:/srv/b/photos"]}]}`,
			config: `configuration "photos"`, problem: `BACKUP me@nas:/srv/b/photos is inside BACKUP nas:/srv/b of configuration "docs"`},
		{name: "first problem of a later configuration", json: `{"configs": [
  {"name": "ok", "work": ["/w"], "backup": ["/b"]},
  {"name": "bad", "work": ["/w"], "backup": ["/w/b"]},
  {"name": "", "work": ["/w"], "backup": ["/"]}]}`,
			config: `configuration "bad"`, problem: "BACKUP /w/b is inside WORKING /w"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := tempDir(t)
			require.NoError(t, os.MkdirAll(filepath.Join(tmp, "real"), 0o755))
			require.NoError(t, os.Symlink(filepath.Join(tmp, "real"), filepath.Join(tmp, "link")))
			home := tt.home
			if home == "" {
				home = filepath.Join(tmp, "home")
			}
			if tt.noHome {
				home = ""
			}
			t.Setenv("HOME", home)
			path := filepath.Join(tmp, "micsync.json")
			writeFile(t, path, strings.ReplaceAll(tt.json, "%[1]s", tmp))
			problem := strings.ReplaceAll(tt.problem, "%[1]s", tmp)

			_, err := Load(path)

			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, path, ce.File)
			assert.Equal(t, tt.config, ce.Config)
			assert.Contains(t, ce.Problem, problem)
			msg := err.Error()
			assert.Contains(t, msg, "config "+path+": ")
			assert.Contains(t, msg, tt.config)
			assert.Contains(t, msg, problem)
			assert.NotContains(t, msg, "\n", "one line")
		})
	}
}

// Locations of different configurations may share directories only when both are WORKINGs and
// the same folder: every copy goes between a WORKING and a BACKUP of one configuration. Paths
// on other hosts share nothing.
func TestLoadAllowsSharedWorkings(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "home", "Pictures"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(tmp, "home", "Pictures"), filepath.Join(tmp, "pics")))
	cfg := filepath.Join(tmp, "micsync.json")
	writeFile(t, cfg, strings.ReplaceAll(`{"configs": [
  {"name": "usb", "work": ["~/Pictures"], "backup": ["%[1]s/disk1/photos", "nas:/srv/photos"]},
  {"name": "nas", "work": ["%[1]s/home/Pictures/"], "backup": ["%[1]s/disk2/photos", "other:/srv/photos"]},
  {"name": "link", "work": ["%[1]s/pics"], "backup": ["%[1]s/disk3/photos"]},
  {"name": "remote", "work": ["nas:/srv/www"], "backup": ["%[1]s/disk1/www"]},
  {"name": "remote2", "work": ["me@nas:/srv/www/"], "backup": ["%[1]s/disk2/www"]}
]}`, "%[1]s", tmp))
	f, err := Load(cfg)
	require.NoError(t, err, "the same WORKING, also through a symlink or on another host, the same path on other hosts")
	require.Len(t, f.Configs, 5)
	assert.Equal(t, f.Configs[0].Work[0].Path, f.Configs[2].Work[0].Path)
}
