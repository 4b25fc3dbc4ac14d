package locations

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeepAsksForXattrsAndACLs(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	path := filepath.Join(tmp, "micsync.json")
	writeFile(t, path, `{"configs": [
		{"name": "both", "work": ["/w1"], "backup": ["/b1"], "keep": ["xattrs", "acls"]},
		{"name": "x", "work": ["/w2"], "backup": ["/b2"], "keep": ["xattrs"]},
		{"name": "none", "work": ["/w3"], "backup": ["/b3"]},
		{"name": "empty", "work": ["/w4"], "backup": ["/b4"], "keep": []}]}`)
	f, err := Load(path)
	require.NoError(t, err)
	require.Len(t, f.Configs, 4)
	assert.Equal(t, Keep{Xattrs: true, ACLs: true}, f.Configs[0].Keep)
	assert.Equal(t, Keep{Xattrs: true}, f.Configs[1].Keep)
	assert.Equal(t, Keep{}, f.Configs[2].Keep)
	assert.Equal(t, Keep{}, f.Configs[3].Keep)
}
