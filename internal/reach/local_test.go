package reach

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/hang"
	"micsync/locations"
)

// hangDiscs makes the checks of the given roots hang, as on a disc that stopped answering,
// until the returned release is called (the test's end calls it too). calls counts the checks
// started on each root.
func hangDiscs(t *testing.T, timeout time.Duration, roots ...string) (release func(), calls func(root string) int) {
	t.Helper()
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	var mu sync.Mutex
	n := map[string]int{}
	stuck := map[string]bool{}
	for _, r := range roots {
		stuck[r] = true
	}
	oldCheck, oldTimeout := checkLocal, hang.Timeout
	block := func(root string) {
		mu.Lock()
		n[root]++
		mu.Unlock()
		if stuck[root] {
			<-gate
		}
	}
	checkLocal = func(l locations.Location) string { block(l.Path); return oldCheck(l) }
	hang.Timeout = timeout
	t.Cleanup(func() {
		release()
		checkLocal, hang.Timeout = oldCheck, oldTimeout
	})
	return release, func(root string) int {
		mu.Lock()
		defer mu.Unlock()
		return n[root]
	}
}

// within fails the test when fn does not return within a generous deadline: it hangs.
func within[T any](t *testing.T, fn func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(20 * time.Second):
		require.FailNow(t, "hangs")
	}
	panic("unreachable")
}

func TestHungDiscIsNotRespondingAndTheOthersGoOn(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	hung, good := mkdir(t, f.home, "hung"), mkdir(t, f.home, "good")
	cfg := f.load(t, []string{work}, []string{hung, good}, nil).Configs[0]
	release, calls := hangDiscs(t, 50*time.Millisecond, hung)
	c := newChecker(t)

	up := within(t, func() []locations.Location { return c.Reachable(cfg.Backup) })
	require.Len(t, up, 1)
	assert.Equal(t, good, up[0].Path)
	assert.Equal(t, "not responding: its disc did not answer within 0.05 s", within(t, func() string { return c.Unreachable(cfg.Backup[0]) }))
	assert.Equal(t, "its disc stopped answering: unplug it and plug it in again, or wait for it", Hint(cfg.Backup[0], ""))
	assert.Equal(t, "mount the disc that holds it", Hint(cfg.Backup[1], ""))
	// Asked again in the same run, it is not waited for again: not even for an hour.
	hang.Timeout = time.Hour
	assert.Contains(t, within(t, func() string { return c.Unreachable(cfg.Backup[0]) }), "not responding")
	assert.False(t, within(t, func() bool { return NotCreated(cfg.Backup[0]) }), "a disc that does not answer is not known to be there")
	assert.Equal(t, 1, calls(hung), "asked once in a run")
	hang.Timeout = 50 * time.Millisecond

	// Another run while the first check is still stuck: no second one on that disc.
	c2 := newChecker(t)
	assert.False(t, within(t, func() bool { return NotCreated(cfg.Backup[0]) }))
	assert.Contains(t, within(t, func() string { return c2.Unreachable(cfg.Backup[0]) }), "not responding")
	assert.Equal(t, 1, calls(hung), "a check was started on a disc that has one stuck")
	assert.Empty(t, within(t, func() string { return c2.Unreachable(cfg.Backup[1]) }))

	// The disc answers again: the next run looks at it anew.
	release()
	c3 := newChecker(t)
	require.Eventually(t, func() bool { return c3.Unreachable(cfg.Backup[0]) == "" }, 20*time.Second, 10*time.Millisecond)
	assert.Equal(t, 2, calls(hung))
}

// TestLocationsAreCheckedAtOnce: three discs whose checks answer only once all three have
// started answer within the timeout only when Probe checks them at the same time.
func TestLocationsAreCheckedAtOnce(t *testing.T) {
	f := newFixture(t)
	work := mkdir(t, f.home, "w")
	roots := []string{mkdir(t, f.home, "a"), mkdir(t, f.home, "b"), mkdir(t, f.home, "c")}
	cfg := f.load(t, []string{work}, roots, nil).Configs[0]
	old, oldTimeout := checkLocal, hang.Timeout
	t.Cleanup(func() { checkLocal, hang.Timeout = old, oldTimeout })
	hang.Timeout = 10 * time.Second // generous: only a check that waits for one not started yet takes it
	var started atomic.Int32
	all := make(chan struct{})
	checkLocal = func(l locations.Location) string {
		if started.Add(1) == int32(len(roots)) {
			close(all)
		}
		<-all
		return old(l)
	}
	c := newChecker(t)
	within(t, func() bool { c.Probe(cfg.Backup...); return true })
	checkLocal = old
	for _, l := range cfg.Backup {
		assert.Empty(t, c.Unreachable(l), l.Path)
	}
}
