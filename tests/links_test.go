package tests

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// linkedWork writes a WORKING with a 2 MB file of three names in three top-level directories,
// and a file with a user xattr.
func linkedWork(t *testing.T, e *env, w string) {
	t.Helper()
	data := make([]byte, 2<<20)
	_, err := rand.Read(data)
	require.NoError(t, err)
	e.mkfile(t, filepath.Join(w, "photos", "big.raw"), string(data))
	for _, n := range []string{"albums/2024/big.raw", "share/big-copy.raw"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(w, n)), 0o755))
		require.NoError(t, os.Link(filepath.Join(w, "photos", "big.raw"), filepath.Join(w, n)))
	}
	e.mkfile(t, filepath.Join(w, "notes.txt"), "notes")
	require.NoError(t, unix.Setxattr(filepath.Join(w, "notes.txt"), "user.tag", []byte("blue"), 0))
}

func ino(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Stat(p)
	require.NoError(t, err)
	return fi.Sys().(*syscall.Stat_t).Ino
}

func keepConfig(t *testing.T, e *env, keep []string, work string, backups ...string) {
	t.Helper()
	c := map[string]any{"name": "c", "work": []string{work}, "backup": backups}
	if keep != nil {
		c["keep"] = keep
	}
	b, err := json.Marshal(map[string]any{"configs": []any{c}})
	require.NoError(t, err)
	e.writeConfig(t, string(b))
}

// TestLinksStayLinksOnExt4 backs up a file with three names to an ext4 disc: the copy is one
// file with three names, which takes the space of one, and the xattrs asked for are kept.
func TestLinksStayLinksOnExt4(t *testing.T) {
	e := newEnv(t)
	d := newDisc(t, ext4, 64)
	w, b := e.path("w"), d.path("b")
	require.NoError(t, os.Mkdir(b, 0o755))
	linkedWork(t, e, w)
	keepConfig(t, e, []string{"xattrs"}, w, b)

	free := freeBytes(t, d.Dir)
	r := e.run(t, "--backup", w)
	require.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stderr, "rsync")
	first := ino(t, filepath.Join(b, "photos", "big.raw"))
	assert.Equal(t, first, ino(t, filepath.Join(b, "albums", "2024", "big.raw")))
	assert.Equal(t, first, ino(t, filepath.Join(b, "share", "big-copy.raw")))
	used := free - freeBytes(t, d.Dir)
	assert.Less(t, used, int64(3<<20), "one copy of 2 MB, not three (%d bytes used)", used)
	buf := make([]byte, 16)
	n, err := unix.Getxattr(filepath.Join(b, "notes.txt"), "user.tag", buf)
	require.NoError(t, err, "the xattr is kept")
	assert.Equal(t, "blue", string(buf[:n]))

	r = e.run(t, "--backup", "-m", w)
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "nothing to do: up to date")
}

// TestLinksOnExFATAreCopiesAndXattrsAreRefused backs up to an ext4 disc and an exFAT disc at
// once. exFAT makes no hard links: each name is a file of its own there, and the run is right
// and quiet about it. With "keep": ["xattrs"] the exFAT disc is refused before anything is
// copied to it, with a clear error, and the ext4 disc gets its copy.
func TestLinksOnExFATAreCopiesAndXattrsAreRefused(t *testing.T) {
	e := newEnv(t)
	x := newDisc(t, exfat, 64)
	w, b := e.path("w"), x.path("b")
	require.NoError(t, os.Mkdir(b, 0o755))
	linkedWork(t, e, w)
	keepConfig(t, e, nil, w, b)

	r := e.run(t, "--backup", w)
	require.Equal(t, 0, r.Code, r)
	assert.NotContains(t, r.Stderr, "rsync", "no raw rsync message")
	assert.Empty(t, r.Stderr)
	assert.Equal(t, x.asOn(contents(t, w)), contents(t, b, micsyncsOwn...), "every name, with its content")
	r = e.run(t, "--backup", "-m", w)
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "nothing to do: up to date")

	e2 := newEnv(t)
	ext := newDisc(t, ext4, 64)
	x2 := newDisc(t, exfat, 64)
	w2, good, bad := e2.path("w"), ext.path("b"), x2.path("b")
	require.NoError(t, os.Mkdir(good, 0o755))
	require.NoError(t, os.Mkdir(bad, 0o755))
	linkedWork(t, e2, w2)
	keepConfig(t, e2, []string{"xattrs"}, w2, good, bad)
	r = e2.run(t, "--backup", w2)
	assert.Equal(t, 1, r.Code, r)
	assert.Contains(t, r.Stderr, "BACKUP "+bad+" cannot keep xattrs: its filesystem does not take them; nothing was copied there")
	assert.Contains(t, r.Stderr, `micsync: hint: remove "xattrs" from "keep" in the configuration`)
	assert.NotContains(t, r.Stderr, "panic")
	assert.Empty(t, contents(t, bad, micsyncsOwn...), "nothing copied to exFAT")
	assert.Equal(t, contents(t, w2), contents(t, good, micsyncsOwn...), "the other disc got its copy")
}
