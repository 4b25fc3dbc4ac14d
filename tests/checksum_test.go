package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameSizeAndTime leaves a BACKUP copy of Documents/photo.raw whose content differs from
// WORKING's while its size and time are the same: rsync's quick check sees nothing.
func sameSizeAndTime(t *testing.T, e *env) {
	t.Helper()
	e.mkfile(t, "Documents/photo.raw", "good pixels")
	e.mkfile(t, "disk1/Documents/photo.raw", "bad! pixels")
	setMtime(t, e.path("Documents/photo.raw"), past)
	setMtime(t, e.path("disk1/Documents/photo.raw"), past)
}

func TestChecksumFindsAndCopiesAChangeOfContentOnly(t *testing.T) {
	e := docsOneBackup(t)
	sameSizeAndTime(t, e)

	r := e.run(t, "--backup", "-m", e.path("Documents/photo.raw"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "up to date")
	assert.Equal(t, "bad! pixels", readFile(t, e.path("disk1/Documents/photo.raw")), "without -c nothing is copied")

	r = e.run(t, "--backup", "-c", "-n", e.path("Documents/photo.raw"))
	require.Equal(t, 0, r.Code, r)
	assert.Contains(t, r.Stdout, "modified")
	assert.Contains(t, r.Stdout, "photo.raw")

	r = e.run(t, "backup", "--checksum", "-m", e.path("Documents/photo.raw"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "good pixels", readFile(t, e.path("disk1/Documents/photo.raw")))
	kept, err := filepath.Glob(e.path("disk1/Documents/.micsync-trash/*/photo.raw"))
	require.NoError(t, err)
	require.Len(t, kept, 1)
	assert.Equal(t, "bad! pixels", readFile(t, kept[0]), "what -c overwrote is in the trash")
}

func TestChecksumOnWorkAndTransferButNotTree(t *testing.T) {
	e := docs(t)
	sameSizeAndTime(t, e)
	require.NoError(t, os.MkdirAll(e.path("disk2/Documents"), 0o755))

	r := e.run(t, "--work", "-c", "-m", "--from", e.path("disk1/Documents"), e.path("Documents/photo.raw"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "bad! pixels", readFile(t, e.path("Documents/photo.raw")))

	e.mkfile(t, "disk2/Documents/photo.raw", "good pixels")
	setMtime(t, e.path("disk2/Documents/photo.raw"), past)
	r = e.run(t, "--transfer", "-c", "-m", "--to", e.path("disk2/Documents"), e.path("disk1/Documents/photo.raw"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "bad! pixels", readFile(t, e.path("disk2/Documents/photo.raw")))

	r = e.run(t, "--tree", "-c", e.path("disk1/Documents"))
	assert.Equal(t, 2, r.Code, r)
	assert.Contains(t, r.Stderr, "micsync: error:")
}
