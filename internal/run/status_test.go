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

func TestStatusNamesAFolderOnNoDisc(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := docsWorld(t)
	w.write("w/taxes/2024.txt", "income")
	w.writeOld("b1/taxes/2024.txt", "old")
	w.writeOld("b2/taxes/2024.txt", "old")
	e, out, _ := w.env(scripted(t, "^C"))
	require.Error(t, Run(e, w.req(Backup, Options{}, "w/taxes")))

	data, err := e.Status("")
	require.NoError(t, err)
	c := data.Configs[0]
	assert.Equal(t, []jsonout.Name{"taxes"}, c.NoDisc)
	for _, cp := range c.Folders[0].Copies {
		assert.True(t, time.Time(cp.Last).IsZero())
		require.NotNil(t, cp.Failed)
		assert.Equal(t, "interrupted", cp.Failed.Error)
		assert.Nil(t, cp.Changed, "nothing to count from")
	}
	out.b.Reset()
	require.NoError(t, Status(e, ""))
	assert.Contains(t, out.String(), "  no complete copy recorded; the last run, just now, stopped: interrupted\n")
	assert.Contains(t, out.String(), "\n  on no disc: taxes\n")
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		10 * time.Second: "just now", 5 * time.Minute: "5 minutes ago", time.Hour: "1 hour ago",
		47 * time.Hour: "47 hours ago", 12 * 24 * time.Hour: "12 days ago",
	} {
		assert.Equal(t, want, ago(now, now.Add(-d)))
	}
}
