package reach

import (
	"os"
	"strconv"
	"sync"
	"time"

	"micsync/locations"
)

// Timeout is how long a check of a location on this machine waits for its disc. A disc that
// stopped answering (a FUSE driver that hangs, a dying USB stick) blocks a stat in the kernel,
// where nothing can cancel it: the check stops waiting and the location is not responding.
// Tests shorten it.
var Timeout = 5 * time.Second

// checkLocal says why a location on this machine cannot be used now; tests replace it with one
// that hangs as a dead disc does.
var checkLocal = func(l locations.Location) string { return l.Unreachable() }

// statLocal stats a location's root on this machine; tests replace it too.
var statLocal = func(root string) error {
	_, err := os.Stat(root)
	return err
}

// notResponding is why a location whose disc did not answer cannot be used.
func notResponding() string {
	return "not responding: its disc did not answer within " + strconv.FormatFloat(Timeout.Seconds(), 'f', -1, 64) + " s"
}

// busy holds a token for each root that a check is looking at, by root: a check stuck on a
// disc holds its root's until the kernel lets go, and no other starts on that root meanwhile.
var busy sync.Map // string -> chan struct{} (capacity 1)

// answer calls fn, which looks at the disc of root, and waits at most Timeout for it, counted
// from the call (and so including the wait for a check of root that is stuck already). ok is
// false when it did not answer in time; fn then goes on, alone, until the kernel returns.
func answer(root string, fn func() string) (why string, ok bool) {
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	v, _ := busy.LoadOrStore(root, make(chan struct{}, 1))
	token := v.(chan struct{})
	select {
	case token <- struct{}{}:
	case <-deadline.C:
		return "", false
	}
	done := make(chan string, 1)
	go func() {
		defer func() { <-token }()
		done <- fn()
	}()
	select {
	case why = <-done:
		return why, true
	case <-deadline.C:
		return "", false
	}
}

// local checks a location on this machine. One whose disc did not answer stays not responding
// for the rest of the run: asking again would wait again.
func (c *Checker) local(l locations.Location) string {
	c.mu.Lock()
	why, hung := c.hung[l.Path]
	c.mu.Unlock()
	if hung {
		return why
	}
	why, ok := answer(l.Path, func() string { return checkLocal(l) })
	if !ok {
		why = notResponding()
		c.mu.Lock()
		if c.hung == nil {
			c.hung = map[string]string{}
		}
		c.hung[l.Path] = why
		c.mu.Unlock()
	}
	return why
}

// Missing reports whether the root of l, a location on this machine, does not exist (or cannot
// be looked at): false for one on another host, and for one whose disc did not answer.
func (c *Checker) Missing(l locations.Location) bool {
	if l.Remote() {
		return false
	}
	c.mu.Lock()
	_, hung := c.hung[l.Path]
	c.mu.Unlock()
	if hung {
		return false
	}
	why, ok := answer(l.Path, func() string {
		if statLocal(l.Path) != nil {
			return "missing"
		}
		return ""
	})
	return ok && why != ""
}
