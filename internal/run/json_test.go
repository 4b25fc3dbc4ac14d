package run

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

func TestOnlyInDestinationIsToldOnlyWhereItWasLookedFor(t *testing.T) {
	told := rsyncplan.Job{OnlyInDst: true}
	only := []rsyncplan.Item{{Name: "b.txt", Class: rsyncplan.Deleted}, {Name: "a", Class: rsyncplan.Deleted, Dir: true}, {Name: "a/x", Class: rsyncplan.Deleted}}

	pd := planDocument(&dest{plan: &rsyncplan.Plan{Job: told, OnlyInDst: only}})
	require.NotNil(t, pd.OnlyInDst)
	assert.Equal(t, 3, pd.OnlyInDst.Count)
	assert.Equal(t, []onlyDstItem{{Name: "a", Dir: true}, {Name: "a/x"}, {Name: "b.txt"}}, pd.OnlyInDst.Entries, "in the order of the lists")
	assert.False(t, pd.OnlyInDstUnknown)

	pd = planDocument(&dest{plan: &rsyncplan.Plan{Job: told}})
	require.NotNil(t, pd.OnlyInDst, "looked for, and none found")
	assert.Equal(t, 0, pd.OnlyInDst.Count)
	assert.NotNil(t, pd.OnlyInDst.Entries, "[] in JSON, not null")

	pd = planDocument(&dest{plan: &rsyncplan.Plan{Job: told, OnlyInDstUnknown: true}})
	assert.Nil(t, pd.OnlyInDst, "rsync could not look")
	assert.True(t, pd.OnlyInDstUnknown)

	for _, j := range []rsyncplan.Job{{}, {Delete: true}, {OnlyInDst: true, Delete: true}} {
		pd = planDocument(&dest{plan: &rsyncplan.Plan{Job: j}})
		assert.Nil(t, pd.OnlyInDst, "not looked for: %+v", j)
		assert.False(t, pd.OnlyInDstUnknown)
	}
}
