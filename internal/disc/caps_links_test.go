package disc

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test machine's temporary directory is on ext4, which keeps hard links, user xattrs and
// ACLs; exFAT's lack of them is tried on a real disc in tests/.
func TestLearnFindsHardLinksXattrsAndACLs(t *testing.T) {
	dir := t.TempDir()
	caps, ok := Learn(dir)
	require.True(t, ok)
	assert.True(t, caps.HardLinks)
	assert.True(t, caps.Xattrs)
	assert.True(t, caps.ACLs)
}

func TestNoHardLinksWhereLinkFails(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/f"
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	assert.False(t, hardLinks(file, dir+"/missing/link"), "link fails: none")
	assert.False(t, keepsXattr(dir+"/missing"))
	assert.False(t, keepsACL(dir+"/missing"))
}
