package disc

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLearnOnAFilesystemThatKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	caps, ok := Learn(dir)
	require.True(t, ok)
	assert.Equal(t, Everything, caps)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "only the two files that keep the edge times stay")
}

func TestLearnWhereNothingCanBeWritten(t *testing.T) {
	caps, ok := Learn("/nonexistent/.micsync")
	assert.False(t, ok)
	assert.Equal(t, Everything, caps, "what cannot be tried is assumed kept")
}

func TestKeepsTimeAndCanName(t *testing.T) {
	fat := Caps{MinTime: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), MaxTime: time.Date(2107, 12, 30, 0, 0, 0, 0, time.UTC), BadChars: NameChars}
	assert.True(t, fat.KeepsTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.False(t, fat.KeepsTime(time.Unix(0, 0)))
	assert.False(t, fat.KeepsTime(time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.True(t, Everything.KeepsTime(time.Unix(0, 0)))
	assert.False(t, fat.CanName("a:b"))
	assert.True(t, fat.CanName("a b"))
	assert.True(t, Everything.CanName(`a:b?"`))
}
