package run

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
)

func TestStatusCountsChangesSinceEachCopy(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := docsWorld(t)
	w.write("w/taxes/2024.txt", "income")
	e, _, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/taxes")))
	w.write("w/taxes/2025.txt", "more")

	data, err := e.Status("")
	require.NoError(t, err)
	require.Len(t, data.Configs, 1)
	c := data.Configs[0]
	assert.Equal(t, "docs", c.Name)
	require.Len(t, c.Folders, 1)
	f := c.Folders[0]
	assert.Equal(t, jsonout.Name("taxes"), f.Path)
	require.Len(t, f.Copies, 2)
	for _, cp := range f.Copies {
		assert.WithinDuration(t, time.Now(), time.Time(cp.Last), time.Minute)
		require.NotNil(t, cp.Changed, cp.Note)
		assert.Equal(t, 1, *cp.Changed)
	}
	assert.Empty(t, c.NoDisc)
	assert.Empty(t, c.OneDisc)
	assert.False(t, data.CutShort)

	doc, err := json.Marshal(data)
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"folders":[{"path":"taxes","copies":[{"root":`, "a marshal away from a JSON form")
}

func TestStatusTimeLimitCutsTheCountShort(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := docsWorld(t)
	w.write("w/taxes/2024.txt", "income")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/taxes")))
	defer func(d time.Duration) { statusLimit = d }(statusLimit)
	statusLimit = time.Nanosecond

	out.b.Reset()
	require.NoError(t, Status(e, ""))
	assert.Contains(t, out.String(), "; changes not counted (time limit)\n")
	assert.Contains(t, out.String(), "\nnote: the changes in WORKING were counted for 1ns only; the others were not checked\n")
}
