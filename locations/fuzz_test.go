package locations

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any file content loads or fails with an error, never a panic, and whatever loads
// obeys every rule of the format.
func FuzzLoad(f *testing.F) {
	example, err := os.ReadFile("../micsync.json.example")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	for _, s := range []string{
		`{"configs": [{"name": "a", "work": ["~/w"], "backup": ["/b"]}]}`,
		`{"configs": [{"name": "a", "work": ["w"], "backup": ["w/b"]}]}`,
		`{"configs": [{"name": "a", "work": ["/x"], "backup": ["/y"]}, {"name": "a", "work": ["/x"], "backup": ["/z"]}]}`,
		`{"configs": [{"work": [], "backup": [""]}]}`,
		`{"configs": {}}`, `[]`, `{`, `{"configs": [{"name": "a", "work": "~", "backup": ["/"]}]}`,
		`{"configs": [{"name": "a", "work": ["~/w"], "backup": ["me@nas:/b", "ssh://nas:22/b/c"], "ssh": {"port": 22}}]}`,
		`{"configs": [{"name": "a", "work": ["nas:/w"], "backup": ["nas:/w/b"], "ssh": {"identity": "k", "options": ["-v"], "timeout": 1}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		t.Setenv("HOME", filepath.Join(dir, "home"))
		path := filepath.Join(dir, "config.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		file, err := Load(path)
		if err != nil {
			return
		}
		if len(file.Configs) == 0 {
			t.Fatal("loaded a file without configurations")
		}
		names := map[string]bool{}
		for _, c := range file.Configs {
			if c.Name == "" || names[c.Name] || len(c.Work) == 0 || len(c.Backup) == 0 {
				t.Fatalf("loaded an invalid configuration %+v", c)
			}
			names[c.Name] = true
			all := c.All()
			for i, a := range all {
				if !filepath.IsAbs(a.Dir()) || a.Dir() == "/" {
					t.Fatalf("location %q is not an absolute path below /", a.Path)
				}
				if a.Remote() && (checkHost(a.Host) != nil || a.Path != a.Host+":"+a.Dir()) {
					t.Fatalf("location %q has a bad host %q", a.Path, a.Host)
				}
				for _, b := range all[i+1:] {
					if a.hostKey() == b.hostKey() && (within(a.Dir(), b.Dir()) || within(b.Dir(), a.Dir())) {
						t.Fatalf("overlapping locations %q and %q loaded", a.Path, b.Path)
					}
				}
			}
		}
	})
}
