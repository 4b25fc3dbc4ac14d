package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSmoke runs the benchmark's smoke mode (-files 200 -dirs 10 -reps 1), as CI does, so that
// a change to micsync or to the benchmark that makes a scenario fail or leave a wrong
// destination is caught here and not in a long run. It checks no timings: the host is shared.
func TestSmoke(t *testing.T) {
	t.Parallel()
	var out, progress bytes.Buffer
	tmp := t.TempDir()
	r, err := run(context.Background(), options{files: 200, dirs: 10, changes: 1, reps: 1, tmp: tmp}, &out, &progress)
	require.NoError(t, err, progress.String())

	table := out.String()
	require.Len(t, r.Results, len(scenarioIDs))
	for _, res := range r.Results {
		assert.Regexp(t, `(?m)^\s*`+res.ID+`\s+\d+\.\d{3}\s`, table, "table row of %s", res.ID)
		assert.Len(t, res.Wall, 1, res.ID)
		// Every run, warm-up included, exited 0 and left the destination as expected.
		assert.Equal(t, 2, res.Verified, res.ID)
		assert.Positive(t, res.OwnKiB, res.ID)
		assert.Positive(t, res.rsyncPeak(), res.ID)
	}
	require.Len(t, r.Ratios, 19)
	for _, q := range r.Ratios {
		assert.True(t, q.Value > 0 && !math.IsInf(q.Value, 0), "ratio %s is %v", q.Name, q.Value)
		assert.Contains(t, table, q.Name)
	}
	assert.Equal(t, versionRuns, r.Version.N)
	assert.Equal(t, dataSet{Files: 200, Dirs: 10, Changes: 1, Bytes: r.Data.Bytes, Modified: 2, Missing: 2, Extra: 2, MetaDirs: r.Data.MetaDirs}, r.Data)

	path := filepath.Join(tmp, "results.json")
	require.NoError(t, r.writeJSON(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var back report
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Len(t, back.Results, len(scenarioIDs))

	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only results.json is left: the trees are removed without -keep")
}

// TestSmokeOnly runs two scenarios with a larger share of changes, as the 1M-file run does.
func TestSmokeOnly(t *testing.T) {
	t.Parallel()
	var out, progress bytes.Buffer
	o := options{files: 200, dirs: 10, changes: 5, reps: 1, only: []string{"rsync", "backup"}, tmp: t.TempDir()}
	r, err := run(context.Background(), o, &out, &progress)
	require.NoError(t, err, progress.String())

	var ids []string
	for _, res := range r.Results {
		ids = append(ids, res.ID)
		assert.Equal(t, 2, res.Verified, res.ID)
	}
	assert.Equal(t, []string{"backup", "rsync"}, ids, "in the order of a round")
	require.Len(t, r.Ratios, 1)
	assert.Equal(t, "a/b backup", r.Ratios[0].Name)
	assert.Equal(t, 10, r.Data.Modified)
	assert.Equal(t, 10, r.Data.Extra)
}

// TestCheckSpace: a run that cannot fit fails before writing anything.
func TestCheckSpace(t *testing.T) {
	dir := t.TempDir()
	b := newBench(dir)
	o := options{files: 1 << 40, dirs: 10, changes: 1, reps: 5}
	err := checkSpace(dir, o, b.scenarios())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-only")
	o.files = 200
	assert.NoError(t, checkSpace(dir, o, b.scenarios()))
}
