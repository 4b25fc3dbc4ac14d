package run

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"micsync/rsyncplan"
)

func TestEveryClassAndReasonHasAJSONName(t *testing.T) {
	seen := map[string]bool{}
	for c := rsyncplan.NewFile; c <= rsyncplan.Meta; c++ {
		k := classKey(c)
		assert.Regexp(t, `^[a-z_]+$`, k, "class %s", c)
		assert.False(t, seen[k], "class %s has a name of its own", c)
		seen[k] = true
	}
	for r := rsyncplan.SameFolded; r <= rsyncplan.TooBig; r++ {
		assert.Regexp(t, `^[a-z_]+$`, refusedKeys[r], "reason %d", r)
	}
}
