package run

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusDocumentSaysWhichCountsTheTimeLimitCutShort(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := docsWorld(t)
	w.write("w/taxes/2024.txt", "income")
	e, out, _ := w.env(scripted(t))
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/taxes")))
	defer func(d time.Duration) { statusLimit = d }(statusLimit)
	statusLimit = time.Nanosecond

	out.b.Reset()
	var doc bytes.Buffer
	e.Doc = &doc
	require.NoError(t, Status(e, ""))
	var got struct {
		CutShort       bool `json:"cut_short"`
		Configurations []struct {
			Folders []struct {
				Copies []struct {
					Changed  *int    `json:"changed"`
					CutShort bool    `json:"cut_short"`
					Note     *string `json:"note"`
				} `json:"copies"`
			} `json:"folders"`
		} `json:"configurations"`
	}
	require.NoError(t, json.Unmarshal(doc.Bytes(), &got), doc.String())
	assert.True(t, got.CutShort)
	require.Len(t, got.Configurations, 1)
	require.Len(t, got.Configurations[0].Folders, 1)
	copies := got.Configurations[0].Folders[0].Copies
	require.Len(t, copies, 2)
	for _, cp := range copies {
		assert.Nil(t, cp.Changed)
		assert.True(t, cp.CutShort)
		require.NotNil(t, cp.Note)
		assert.Equal(t, notCounted, *cp.Note)
	}
	assert.NotContains(t, out.String(), "note:", "the document instead of the text")
}
