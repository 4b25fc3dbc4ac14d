package hang

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// short sets Timeout for one test.
func short(t *testing.T, d time.Duration) {
	old := Timeout
	Timeout = d
	t.Cleanup(func() { Timeout = old })
}

func TestCallReturnsWhatTheDiscSays(t *testing.T) {
	short(t, time.Minute)
	v, ok := Call(t.TempDir(), func() string { return "answer" })
	assert.True(t, ok)
	assert.Equal(t, "answer", v)
}

func TestADiscThatDoesNotAnswerIsNotWaitedForTwice(t *testing.T) {
	short(t, 50*time.Millisecond)
	path, other := t.TempDir(), t.TempDir()
	gate := make(chan struct{})
	t.Cleanup(func() { close(gate) })
	var calls atomic.Int32
	stuck := func() int { calls.Add(1); <-gate; return 1 }

	start := time.Now()
	v, ok := Call(path, stuck)
	assert.False(t, ok)
	assert.Zero(t, v)
	assert.GreaterOrEqual(t, time.Since(start), Timeout, "it gave up before its time")
	assert.True(t, Stuck(path))

	Timeout = time.Hour // asked again: it does not wait, not even for an hour
	_, ok = Call(path, func() int { calls.Add(1); return 2 })
	assert.False(t, ok)
	assert.Equal(t, int32(1), calls.Load(), "a disc with a stuck call was asked again")

	v, ok = Call(other, func() int { return 3 })
	assert.True(t, ok, "another disc is asked as usual")
	assert.Equal(t, 3, v)
	assert.False(t, Stuck(other))
}

func TestADiscThatAnswersAgainIsAskedAgain(t *testing.T) {
	short(t, 50*time.Millisecond)
	path := t.TempDir()
	gate := make(chan struct{})
	_, ok := Call(path, func() bool { <-gate; return true })
	require.False(t, ok)
	close(gate)
	require.Eventually(t, func() bool { return !Stuck(path) }, 10*time.Second, time.Millisecond)
	v, ok := Call(path, func() string { return "back" })
	assert.True(t, ok)
	assert.Equal(t, "back", v)
}

// A call waits for one about the same path that is still running, within its own Timeout: two
// looks at one disc never run at once, and a slow one does not make the next wait longer.
func TestCallsAboutOnePathTakeTurns(t *testing.T) {
	short(t, 200*time.Millisecond)
	path := t.TempDir()
	gate := make(chan struct{})
	var running, most atomic.Int32
	look := func() int {
		n := running.Add(1)
		if n > most.Load() {
			most.Store(n)
		}
		<-gate
		running.Add(-1)
		return int(n)
	}
	first := make(chan bool, 1)
	go func() { _, ok := Call(path, look); first <- ok }()
	require.Eventually(t, func() bool { return running.Load() == 1 }, 10*time.Second, time.Millisecond)
	second := make(chan bool, 1)
	go func() { _, ok := Call(path, look); second <- ok }()
	time.Sleep(50 * time.Millisecond)
	close(gate) // the first answers in time; the second runs after it
	assert.True(t, <-first)
	assert.True(t, <-second)
	assert.Equal(t, int32(1), most.Load(), "two looks at one disc ran at once")
}
