package rsyncplan

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var oddNames = []string{"space name", "new\nline", "tab\there", `back\slash`, "-leading-dash", "--delete",
	"caf\u00e9 \u65e5\u672c", "latin1-\xe9", "lone-\xff", `literal\#012esc`, `quote'"`, "star*?[", " lead-and-trail ", "arrow -> x"}

func write(t *testing.T, p, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

// everyChange builds a source and a destination that differ in every way a plan knows.
func everyChange(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "src"), filepath.Join(root, "dst")
	for _, n := range oddNames {
		write(t, filepath.Join(src, "odd", n), "new")
	}
	write(t, filepath.Join(src, "mod.txt"), "new content")
	write(t, filepath.Join(dst, "mod.txt"), "old")
	write(t, filepath.Join(src, "same.txt"), "same")
	write(t, filepath.Join(dst, "same.txt"), "same")
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(src, "same.txt"), old, old))
	require.NoError(t, os.Chtimes(filepath.Join(dst, "same.txt"), old, old))
	require.NoError(t, os.Chmod(filepath.Join(dst, "same.txt"), 0o600))
	write(t, filepath.Join(dst, "gone\nfile.txt"), "bye")
	write(t, filepath.Join(dst, "gonedir", "inner.txt"), "bye2")
	write(t, filepath.Join(src, "f2d", "inside.txt"), "i")
	write(t, filepath.Join(dst, "f2d"), "was a file")
	write(t, filepath.Join(src, "d2f"), "now a file")
	write(t, filepath.Join(dst, "d2f", "inside.txt"), "was in dir")
	require.NoError(t, os.Symlink("same.txt", filepath.Join(src, "newlink")))
	require.NoError(t, os.Symlink("same.txt", filepath.Join(src, "chglink")))
	require.NoError(t, os.Symlink("mod.txt", filepath.Join(dst, "chglink")))
	write(t, filepath.Join(src, "newdir", "sub", "deep.txt"), "deep")
	return src, dst
}

// snapshot describes every entry below dir: type, content or link target, and mode.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			require.NoError(t, err)
			out[rel] = "link:" + target
		case fi.IsDir():
			out[rel] = fmt.Sprintf("dir:%v", fi.Mode().Perm())
		default:
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			out[rel] = fmt.Sprintf("file:%v:%s:%d", fi.Mode().Perm(), b, fi.ModTime().Unix())
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func classes(p *Plan) map[string]Class {
	m := map[string]Class{}
	for _, it := range p.Items {
		m[it.Name] = it.Class
	}
	return m
}

func execute(t *testing.T, p *Plan, a Approval) Done {
	t.Helper()
	return executeWith(t, &Runner{}, p, a)
}

// executeWith runs every step of the approved plan with r.
func executeWith(t *testing.T, r *Runner, p *Plan, a Approval) Done {
	t.Helper()
	steps, err := p.Steps(a, t.TempDir())
	require.NoError(t, err)
	var done Done
	require.NoError(t, p.Execute(context.Background(), r, steps, &done))
	return done
}

func splitNUL(b []byte) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	return out
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

// bigNewTree makes a source with two new directories of many files each and a destination
// that has neither.
func bigNewTree(t *testing.T) (src, dst string) {
	t.Helper()
	root := t.TempDir()
	src, dst = filepath.Join(root, "s"), filepath.Join(root, "d")
	for i := 0; i < 300; i++ {
		write(t, filepath.Join(src, "new1", fmt.Sprintf("sub%d", i%7), fmt.Sprintf("f%d", i)), "x")
		write(t, filepath.Join(src, "new2", fmt.Sprintf("g%d", i)), "y")
	}
	require.NoError(t, os.Symlink("f0", filepath.Join(src, "new1", "sub0", "link")))
	write(t, filepath.Join(src, "old", "kept.txt"), "k")
	write(t, filepath.Join(dst, "old", "kept.txt"), "k")
	return src, dst
}
