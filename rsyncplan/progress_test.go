package rsyncplan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseProgress(t *testing.T) {
	p, ok := parseProgress([]byte("    300,000,002 100%  454.85MB/s    0:00:00 (xfr#2, to-chk=0/2)"))
	require.True(t, ok)
	assert.Equal(t, Progress{Bytes: 300000002, Percent: 100, Rate: "454.85MB/s", Time: "0:00:00"}, p)
	p, ok = parseProgress([]byte("              2   0%    0.00kB/s    0:00:00  "))
	require.True(t, ok)
	assert.Equal(t, 0, p.Percent)
	for _, not := range []string{"::RS:: >f+++++++++ 2 a", "cannot delete non-empty directory: x", "", "12 files 100%"} {
		_, ok := parseProgress([]byte(not))
		assert.False(t, ok, not)
	}
}

func TestPlanBytes(t *testing.T) {
	p := Plan{Items: []Item{
		{Name: "new", Class: NewFile, Size: 100},
		{Name: "m1", Class: Modified, Size: 20},
		{Name: "dir/m2", Class: Modified, Size: 7},
		{Name: "r", Class: Replaced, Size: 3},
		{Name: "gone", Class: Deleted, Size: 4000},
	}}
	p.Totals[NewFile].Bytes = 100
	p.Totals[Modified].Bytes = 27
	p.Totals[Replaced].Bytes = 3
	p.Totals[Deleted].Bytes = 4000
	assert.Equal(t, int64(100), p.Bytes(Approval{}))
	assert.Equal(t, int64(130), p.Bytes(Approval{Overwrite: true, Delete: true}))
	assert.Equal(t, int64(103), p.Bytes(Approval{Overwrite: true, Skip: map[string]bool{"m1": true, "dir": true}}), "what the user left out is not written")
}
