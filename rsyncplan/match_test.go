package rsyncplan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatchesReadsPatternsAsRsyncDoes(t *testing.T) {
	for _, tc := range []struct {
		p, rel string
		dir    bool
		want   bool
	}{
		{"*.tmp", "a.tmp", false, true},
		{"*.tmp", "sub/a.tmp", false, true},
		{"*.tmp", "a.tmpx", false, false},
		{"node_modules/", "web/node_modules", true, true},
		{"node_modules/", "web/node_modules", false, false},
		{"/Downloads/cache/", "Downloads/cache", true, true},
		{"/Downloads/cache/", "x/Downloads/cache", true, false},
		{"doc/f", "a/doc/f", false, true},
		{"doc/f", "adoc/f", false, false},
		{"/a/*/c", "a/b/c", false, true},
		{"/a/*/c", "a/b/x/c", false, false},
		{"/a/**/c", "a/b/x/c", false, true},
		{"f[0-9]", "f7", false, true},
		{"f[!0-9]", "f7", false, false},
		{"?.txt", "ab.txt", false, false},
		{`\*`, "*", false, true},
		{`\*`, "x", false, false},
		{"caf\xe9*", "caf\xe9-latin1", false, true},
		{"/", "x", true, false},
	} {
		assert.Equal(t, tc.want, Matches(tc.p, tc.rel, tc.dir), "%q %q dir=%v", tc.p, tc.rel, tc.dir)
	}
}
