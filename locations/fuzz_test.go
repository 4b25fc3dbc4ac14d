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
			all := c.all()
			for i, a := range all {
				if !filepath.IsAbs(a.Path) || a.Path == "/" {
					t.Fatalf("location %q is not an absolute path below /", a.Path)
				}
				for _, b := range all[i+1:] {
					if within(a.Path, b.Path) || within(b.Path, a.Path) {
						t.Fatalf("overlapping locations %q and %q loaded", a.Path, b.Path)
					}
				}
			}
		}
	})
}
